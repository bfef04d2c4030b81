import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../../config/load.js";
import { generateWorkflows } from "./generate.js";
import { workflowDrift, writeWorkflows } from "./write.js";

export const DEFAULT_WORKFLOW_DIR = ".github/workflows";

export function workflowCommand(program: Command): void {
  program
    .command("workflow")
    .description("write the GitHub Actions workflows that plan every stack in pull requests and apply the reviewed plans")
    .option("--config <file>", "organization config (relative to the repository root)", configPathFromEnv())
    .option("--out <dir>", "output folder", DEFAULT_WORKFLOW_DIR)
    .option("--check", "write nothing; exit 2 if the folder's workflows differ from what the config generates")
    .action((opts: { config: string; out: string; check?: boolean }) => {
      const files = generateWorkflows(loadConfig(opts.config), opts.config);
      if (opts.check) {
        const drift = workflowDrift(opts.out, files);
        if (drift.length > 0) {
          console.error([...drift, "the workflows are out of date: run baseline workflow and commit the result"].join("\n"));
          process.exitCode = 2;
          return;
        }
        console.log(`${opts.out}: ${files.length} workflows match the config`);
        return;
      }
      const { written, removed } = writeWorkflows(opts.out, files);
      for (const name of written) console.log(`wrote ${opts.out}/${name}`);
      for (const name of removed) console.log(`removed ${opts.out}/${name} (no longer generated)`);
    });
}
