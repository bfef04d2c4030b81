import type { ResolvedOrg } from "../../config/model.js";
import type { SynthesizedStack } from "../controls/types.js";
import type { AccessRequest, DecidingStatement } from "./evaluate.js";
import { deriveIntents, proveIntents, type IntentResult } from "./intents.js";
import { buildWorld } from "./world.js";

/** The access proof of `baseline check`: every intent of the config (the guardrails' included), decided against the synthesized stacks and the organization's SCPs and RCPs. */

export interface ProvenIntent {
  subject: string;
  title: string;
  expected: "allow" | "deny";
  /** Allow, ExplicitDeny, ImplicitDeny, or Error when a document could not be evaluated. */
  actual: string;
  passed: boolean;
  request: { principal: string; action: string; resource: string; context?: AccessRequest["context"] };
  decidedBy: DecidingStatement[];
  reason: string;
}

export interface AccessProof {
  passed: boolean;
  intents: number;
  /** Whether the organization's SCPs and RCPs were in the decisions (the management stack generates them). */
  guardrails: boolean;
  failures: ProvenIntent[];
}

function principalLabel(p: AccessRequest["principal"]): string {
  return p.arn ?? p.service ?? p.federated ?? `a principal of ${p.account ?? "?"}`;
}

export function describeResult(r: IntentResult): ProvenIntent {
  const { intent } = r;
  return {
    subject: intent.subject,
    title: intent.title,
    expected: intent.expect,
    actual: r.decision?.decision ?? "Error",
    passed: r.passed,
    request: {
      principal: principalLabel(intent.request.principal),
      action: intent.request.action,
      resource: intent.request.resource.arn,
      ...(intent.request.context && Object.keys(intent.request.context).length ? { context: intent.request.context } : {}),
    },
    decidedBy: r.decision?.decidedBy ?? [],
    reason: r.decision?.reason ?? r.error ?? "",
  };
}

export function proveAccess(org: ResolvedOrg, stacks: readonly SynthesizedStack[]): AccessProof {
  const world = buildWorld(stacks, org);
  const results = proveIntents(world, deriveIntents(org));
  const failures = results.filter((r) => !r.passed).map(describeResult);
  return { passed: failures.length === 0, intents: results.length, guardrails: world.organization !== undefined, failures };
}

export function formatProof(proof: AccessProof): string {
  const lines = proof.failures.map((f) => {
    const context = f.request.context ? ` with ${JSON.stringify(f.request.context)}` : "";
    return [
      `access ${f.subject}: ${f.title}`,
      `  request:  ${f.request.principal} ${f.request.action} on ${f.request.resource}${context}`,
      `  expected: ${f.expected === "allow" ? "Allow" : "Deny"}, actual: ${f.actual}`,
      `  why:      ${f.reason}`,
    ].join("\n");
  });
  lines.push(
    proof.passed
      ? proof.guardrails
        ? `access proven: ${proof.intents} intents hold under the organization's SCPs and RCPs (declared access allowed; strangers, outsiders, wrong tags and missing conditions denied; member accounts cannot mint credentials or undo the baseline, plain HTTP and undeclared issuers denied, deploy and apply roles unaffected; the management account is not subject to SCPs)`
        : `access proven: ${proof.intents} intents hold (declared access allowed; strangers, outsiders, wrong tags and missing conditions denied)`
      : `access proof failed: ${proof.failures.length} of ${proof.intents} intents do not hold`,
  );
  return lines.join("\n");
}
