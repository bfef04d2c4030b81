import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

export interface CheckResult {
  passed: boolean;
  stacks: number;
  controls: Array<{ id: string; title: string; severity: Severity; parameters: Record<string, string>; violations: number }>;
  findings: Finding[];
}

/** Evaluates every active control's predicate on every stack; findings sorted by control, stack, resource. */
export function evaluate(stacks: readonly SynthesizedStack[], active: readonly ActiveControl[]): CheckResult {
  const findings: Finding[] = [];
  const counts = new Map<string, number>();
  for (const { control, parameters } of active) {
    for (const stack of stacks) {
      for (const v of control.check(stack, parameters)) {
        findings.push({ control: control.id, severity: control.severity, stack: stack.name, resource: v.resource, why: v.why });
        counts.set(control.id, (counts.get(control.id) ?? 0) + 1);
      }
    }
  }
  const order = new Map(active.map((a, i) => [a.control.id, i]));
  findings.sort(
    (a, b) =>
      order.get(a.control)! - order.get(b.control)! ||
      a.stack.localeCompare(b.stack, "en") ||
      a.resource.localeCompare(b.resource, "en") ||
      a.why.localeCompare(b.why, "en"),
  );
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

/** Plain-text table: control, stack, resource, why. */
export function formatFindings(result: CheckResult): string {
  if (result.findings.length === 0) return `check passed: ${result.controls.length} controls on ${result.stacks} stacks, no violations`;
  const header = { control: "control", stack: "stack", resource: "resource", why: "why" };
  const rows = [header, ...result.findings];
  const width = (k: "control" | "stack" | "resource") => Math.max(...rows.map((r) => r[k].length));
  const [wc, ws, wr] = [width("control"), width("stack"), width("resource")];
  const lines = rows.map((r) => `${r.control.padEnd(wc)}  ${r.stack.padEnd(ws)}  ${r.resource.padEnd(wr)}  ${r.why}`);
  const failing = result.controls.filter((c) => c.violations > 0).length;
  lines.push(`check failed: ${result.findings.length} violations of ${failing} controls on ${result.stacks} stacks`);
  return lines.join("\n");
}
