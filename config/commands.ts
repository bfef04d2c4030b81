import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { describeGenerated } from "./access.js";
import { JSON_SCHEMA_FILE, orgJsonSchema } from "./json-schema.js";
import { configPathFromEnv, loadConfig } from "./load.js";

export function validateCommand(program: Command): void {
  program
    .command("validate")
    .description("validate a config file and report every problem with file:line:col")
    .option("--config <file>", "organization config", configPathFromEnv())
    .action((opts: { config: string }) => {
      const org = loadConfig(opts.config);
      console.log(`${org.source}: ok (${org.accounts.length} accounts, ${org.stacks.length} stacks)`);
      if (org.access) {
        console.log("statements generated from access: (identity policies of these roles):");
        for (const line of describeGenerated(org.access)) console.log(`  ${line}`);
      }
    });
}

export function schemaCommand(program: Command): void {
  program
    .command("schema")
    .description(`write the config's JSON Schema (for editor completion) to ${JSON_SCHEMA_FILE}`)
    .option("--out <file>", "where to write it", JSON_SCHEMA_FILE)
    .action((opts: { out: string }) => {
      writeFileSync(opts.out, orgJsonSchema());
      console.log(`wrote ${opts.out}`);
    });
}
