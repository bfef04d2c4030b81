import type { ResolvedOrg } from "../../config/model.js";
import type { SynthesizedStack } from "../controls/types.js";
import { byCodePoint } from "../order.js";
import { deriveIntents, proveIntents } from "./intents.js";
import { describeResult, type ProvenIntent } from "./prove.js";
import { buildWorld } from "./world.js";

/** `baseline explain`: every intent about one resource, with the decision and the statements that made it. */

export interface Explanation {
  resource: string;
  rows: ProvenIntent[];
  /** Every resource something is declared about, for suggestions. */
  subjects: string[];
}

export function explain(org: ResolvedOrg, stacks: readonly SynthesizedStack[], resource: string): Explanation {
  const intents = deriveIntents(org);
  const subjects = [...new Set(intents.map((i) => i.subject))].sort(byCodePoint);
  const mine = intents.filter((i) => i.subject === resource);
  const world = buildWorld(stacks, org);
  return { resource, rows: proveIntents(world, mine).map(describeResult), subjects };
}

const statementList = (r: ProvenIntent) => r.decidedBy.map((s) => `${s.policy}${s.sid ? ` ${s.sid}` : ` #${s.index}`}`).join("; ") || r.reason;

export function formatExplanation(e: Explanation, format: "text" | "markdown"): string {
  const rows = e.rows.map((r) => ({
    who: r.title,
    request: `${r.request.action} on ${r.request.resource}`,
    decision: `${r.actual}${r.passed ? "" : ` (expected ${r.expected === "allow" ? "Allow" : "Deny"})`}`,
    by: statementList(r),
  }));
  const failed = e.rows.filter((r) => !r.passed).length;
  const verdict = failed ? `${failed} of ${e.rows.length} intents do not hold` : `all ${e.rows.length} intents hold`;
  if (format === "markdown") {
    const cell = (s: string) => s.replace(/\|/g, "\\|");
    return [
      `### Who can do what on \`${e.resource}\``,
      "",
      "| who | request | decision | decided by |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${cell(r.who)} | \`${cell(r.request)}\` | ${r.decision} | ${cell(r.by)} |`),
      "",
      verdict,
    ].join("\n");
  }
  const wWho = Math.max(...rows.map((r) => r.who.length), 3);
  const wDecision = Math.max(...rows.map((r) => r.decision.length), 8);
  return [
    `who can do what on ${e.resource}`,
    ...rows.map((r) => `${r.decision.padEnd(wDecision)}  ${r.who.padEnd(wWho)}  ${r.request}\n${" ".repeat(wDecision + 2)}decided by ${r.by}`),
    verdict,
  ].join("\n");
}
