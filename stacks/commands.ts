import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../config/load.js";
import { outDirFrom, synthesizeAtomically, type StackSummary } from "./output.js";

export function synthCommand(program: Command): void {
  program
    .command("synth")
    .description("synthesize one Terraform stack per account and region")
    .option("--config <file>", "organization config", configPathFromEnv())
    .option("--out <dir>", "output folder (default: $CDKTF_OUTDIR or cdktf.out)")
    .option("--quiet", "print only the totals")
    .option("--full", "rebuild every stack instead of reusing those whose inputs are unchanged")
    .action(async (opts: { config: string; out?: string; quiet?: boolean; full?: boolean }) => {
      const org = loadConfig(opts.config);
      const out = outDirFrom(opts.out);
      const summary = await synthesizeAtomically(org, out, { full: opts.full ?? false });
      console.log(formatSummary(summary, out, opts.quiet ?? false));
    });
}

const TABLE_LIMIT = 60;

export function formatSummary(summary: StackSummary[], out: string, quiet: boolean): string {
  const total = summary.reduce((n, s) => n + s.resources, 0);
  const lines: string[] = [];
  if (!quiet && summary.length <= TABLE_LIMIT) {
    const width = Math.max(5, ...summary.map((s) => s.name.length));
    lines.push(`${"stack".padEnd(width)}  resources`);
    for (const s of summary) lines.push(`${s.name.padEnd(width)}  ${String(s.resources).padStart(9)}`);
  }
  lines.push(`synthesized ${summary.length} stacks with ${total} resources into ${out}/stacks/<stack>/cdk.tf.json`);
  const rebuilt = summary.filter((s) => s.rebuilt).length;
  lines.push(
    `rebuilt ${rebuilt} of ${summary.length} stacks${rebuilt < summary.length ? `; ${summary.length - rebuilt} unchanged, reused from the previous output (--full rebuilds all)` : ""}`,
  );
  return lines.join("\n");
}
