#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { accessCommand } from "./modules/broker/command.js";
import { schemaCommand, validateCommand } from "./config/commands.js";
import { ConfigError } from "./config/errors.js";
import { explainCommand } from "./modules/access/command.js";
import { checkCommand } from "./modules/controls/command.js";
import { configPathFromEnv, loadConfig } from "./config/load.js";
import { synthCommand } from "./stacks/commands.js";
import { outDirFrom, synthesizeAtomically } from "./stacks/synth.js";
import { workflowCommand } from "./modules/workflows/command.js";
import { reportCommand } from "./reports/command.js";

/** Each registers one `baseline <command>`. */
const commands: Array<(program: Command) => void> = [
  validateCommand,
  synthCommand,
  schemaCommand,
  checkCommand,
  explainCommand,
  workflowCommand,
  reportCommand,
  accessCommand,
];

function buildProgram(): Command {
  const program = new Command("baseline")
    .description("org-baseline: one config of an AWS organization -> cdktf stacks per account and region, checks and scorecards")
    .option("--verbose", "print stack traces on failure")
    .exitOverride()
    .showHelpAfterError();
  for (const register of commands) register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  // `cdktf synth` runs the app with no arguments: synthesize BASELINE_CONFIG into CDKTF_OUTDIR.
  if (argv.length === 0) {
    await synthesizeAtomically(loadConfig(configPathFromEnv()), outDirFrom(undefined));
    return;
  }
  await buildProgram().parseAsync(argv, { from: "user" });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 1;
    return;
  }
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else if (process.argv.includes("--verbose")) {
    console.error(err);
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exitCode = 1;
});
