#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { ConfigError } from "./config/errors.js";

type Register = (program: Command) => void;

/**
 * Each registers one `baseline <command>`. A command's module is imported only when it
 * runs (all of them for help), so `validate` does not load cdktf, the provider or the AWS SDK.
 */
const commands: Record<string, () => Promise<Register>> = {
  validate: async () => (await import("./config/commands.js")).validateCommand,
  synth: async () => (await import("./stacks/commands.js")).synthCommand,
  schema: async () => (await import("./config/commands.js")).schemaCommand,
  check: async () => (await import("./modules/controls/command.js")).checkCommand,
  explain: async () => (await import("./modules/access/command.js")).explainCommand,
  workflow: async () => (await import("./modules/workflows/command.js")).workflowCommand,
  report: async () => (await import("./reports/command.js")).reportCommand,
  access: async () => (await import("./modules/broker/command.js")).accessCommand,
};

async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command("baseline")
    .description("org-baseline: one config of an AWS organization -> cdktf stacks per account and region, checks and scorecards")
    .option("--verbose", "print stack traces on failure")
    .exitOverride()
    .showHelpAfterError();
  const name = argv.find((arg) => !arg.startsWith("-"));
  const wanted = name !== undefined && Object.hasOwn(commands, name) ? [commands[name]!] : Object.values(commands);
  for (const load of wanted) (await load())(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  // `cdktf synth` runs the app with no arguments: synthesize BASELINE_CONFIG into CDKTF_OUTDIR.
  if (argv.length === 0) {
    const { configPathFromEnv, loadConfig } = await import("./config/load.js");
    const { outDirFrom, synthesizeAtomically } = await import("./stacks/output.js");
    await synthesizeAtomically(loadConfig(configPathFromEnv()), outDirFrom(undefined));
    return;
  }
  await (await buildProgram(argv)).parseAsync(argv, { from: "user" });
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
