import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../config/load.js";
import { outDirFrom, synthesizeAtomically, type StackSummary } from "./synth.js";

export function synthCommand(program: Command): void {
  program
    .command("synth")
    .description("synthesize one Terraform stack per account and region")
    .option("--config <file>", "organization config", configPathFromEnv())
    .option("--out <dir>", "output folder (default: $CDKTF_OUTDIR or cdktf.out)")
    .option("--quiet", "print only the totals")
    .action(async (opts: { config: string; out?: string; quiet?: boolean }) => {
      const org = loadConfig(opts.config);
      const out = outDirFrom(opts.out);
      const summary = await synthesizeAtomically(org, out);
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
  return lines.join("\n");
}
