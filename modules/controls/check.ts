import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { byCodePoint } from "../order.js";
import type { ActiveControl } from "./active.js";
import type { Severity, SynthesizedStack } from "./types.js";

/** One violation of one control in one stack. */
export interface Finding {
  control: string;
  severity: Severity;
  stack: string;
  resource: string;
  why: string;
}

/** A recorded exception: these controls may fail for this resource in these stacks. */
export interface CheckException {
  controls: string[];
  /** Stacks of the excepted account. */
  stacks: string[];
  /** AWS name (the block's `name`) or Terraform address. */
  resource: string;
  reason: string;
}

export interface CheckResult {
  passed: boolean;
  stacks: number;
  controls: Array<{ id: string; title: string; severity: Severity; parameters: Record<string, string>; violations: number }>;
  findings: Finding[];
  /** Violations an exception covers: reported, not failing. */
  excepted: Array<Finding & { reason: string }>;
  /** Exceptions that matched nothing (stale: remove them). */
  unusedExceptions: CheckException[];
}

/** The Terraform block behind a finding's address, if any. */
function blockAt(stack: SynthesizedStack, address: string): Record<string, unknown> | undefined {
  const [type, name] = address.split(".");
  return type && name ? stack.json.resource?.[type]?.[name] : undefined;
}

function covers(exception: CheckException, finding: Finding, stack: SynthesizedStack): boolean {
  if (!exception.controls.includes(finding.control) || !exception.stacks.includes(finding.stack)) return false;
  return finding.resource === exception.resource || blockAt(stack, finding.resource)?.name === exception.resource;
}

/** Evaluates every active control's predicate on every stack; findings sorted by control, stack, resource. */
export function evaluate(stacks: readonly SynthesizedStack[], active: readonly ActiveControl[], exceptions: readonly CheckException[] = []): CheckResult {
  const findings: Finding[] = [];
  const excepted: Array<Finding & { reason: string }> = [];
  const used = new Set<CheckException>();
  const counts = new Map<string, number>();
  for (const { control, parameters } of active) {
    for (const stack of stacks) {
      for (const v of control.check(stack, parameters)) {
        const finding: Finding = { control: control.id, severity: control.severity, stack: stack.name, resource: v.resource, why: v.why };
        const exception = exceptions.find((e) => covers(e, finding, stack));
        if (exception) {
          used.add(exception);
          excepted.push({ ...finding, reason: exception.reason });
          continue;
        }
        findings.push(finding);
        counts.set(control.id, (counts.get(control.id) ?? 0) + 1);
      }
    }
  }
  const order = new Map(active.map((a, i) => [a.control.id, i]));
  const byPosition = (a: Finding, b: Finding) =>
    order.get(a.control)! - order.get(b.control)! || byCodePoint(a.stack, b.stack) || byCodePoint(a.resource, b.resource) || byCodePoint(a.why, b.why);
  findings.sort(byPosition);
  excepted.sort(byPosition);
  return {
    passed: findings.length === 0,
    stacks: stacks.length,
    controls: active.map(({ control, parameters }) => ({
      id: control.id,
      title: control.title,
      severity: control.severity,
      parameters: { ...parameters },
      violations: counts.get(control.id) ?? 0,
    })),
    findings,
    excepted,
    unusedExceptions: exceptions.filter((e) => !used.has(e)),
  };
}

/** Every `<outDir>/stacks/<name>/cdk.tf.json`, by name. */
export function readSynthesized(outDir: string): SynthesizedStack[] {
  const root = join(outDir, "stacks");
  if (!existsSync(root)) throw new Error(`no synthesized stacks in ${root}: run \`baseline synth\` first, or drop --no-synth`);
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, "cdk.tf.json")))
    .sort()
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(root, name, "cdk.tf.json"), "utf8")) as SynthesizedStack["json"] }));
}

/** Plain-text table: control, stack, resource, why; then exceptions and the verdict. */
export function formatFindings(result: CheckResult): string {
  const lines: string[] = [];
  if (result.findings.length > 0) {
    const header = { control: "control", stack: "stack", resource: "resource", why: "why" };
    const rows = [header, ...result.findings];
    const width = (k: "control" | "stack" | "resource") => Math.max(...rows.map((r) => r[k].length));
    const [wc, ws, wr] = [width("control"), width("stack"), width("resource")];
    lines.push(...rows.map((r) => `${r.control.padEnd(wc)}  ${r.stack.padEnd(ws)}  ${r.resource.padEnd(wr)}  ${r.why}`));
  }
  for (const e of result.excepted) lines.push(`excepted: ${e.control} ${e.stack} ${e.resource}: ${e.reason}`);
  for (const e of result.unusedExceptions) lines.push(`warning: the exception for ${e.resource} (${e.controls.join(", ")}) matched nothing; remove it`);
  if (result.findings.length === 0) {
    lines.push(
      `check passed: ${result.controls.length} controls on ${result.stacks} stacks, no violations${result.excepted.length ? ` (${result.excepted.length} excepted)` : ""}`,
    );
  } else {
    const failing = result.controls.filter((c) => c.violations > 0).length;
    lines.push(`check failed: ${result.findings.length} violations of ${failing} controls on ${result.stacks} stacks`);
  }
  return lines.join("\n");
}
