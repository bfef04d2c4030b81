import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../../config/load.js";
import { didYouMean } from "../../config/suggest.js";
import { outDirFrom, synthesizeAtomically } from "../../stacks/output.js";
import { readSynthesized } from "../controls/check.js";
import { explain, formatExplanation } from "./explain.js";

export function explainCommand(program: Command): void {
  program
    .command("explain")
    .argument("<resource>", "<account>/<secret|key|role|endpoint>/<name>, e.g. shared-services/secret/payments/db-credentials")
    .description("who can do what on one resource, decided from the synthesized policies (declared access, strangers, outsiders, missing conditions)")
    .option("--config <file>", "organization config", configPathFromEnv())
    .option("--out <dir>", "synthesis folder (default: $CDKTF_OUTDIR or cdktf.out)")
    .option("--no-synth", "explain the stacks already in the folder instead of synthesizing first")
    .option("--markdown", "a Markdown table, for a pull request")
    .action(async (resource: string, opts: { config: string; out?: string; synth: boolean; markdown?: boolean }) => {
      const org = loadConfig(opts.config);
      const out = outDirFrom(opts.out);
      if (opts.synth) await synthesizeAtomically(org, out);
      const explanation = explain(org, readSynthesized(out), resource);
      if (!explanation.rows.length) {
        const suggestion = didYouMean(resource, explanation.subjects);
        throw new Error(
          `nothing declared about ${JSON.stringify(resource)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; resources look like ${explanation.subjects.slice(0, 3).join(", ")}`,
        );
      }
      console.log(formatExplanation(explanation, opts.markdown ? "markdown" : "text"));
      if (explanation.rows.some((r) => !r.passed)) process.exitCode = 2;
    });
}
