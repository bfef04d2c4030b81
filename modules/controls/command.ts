import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../../config/load.js";
import { outDirFrom, synthesizeAtomically } from "../../stacks/output.js";
import { formatProof, proveAccess } from "../access/prove.js";
import { activeControls } from "./active.js";
import { evaluate, formatFindings, readSynthesized } from "./check.js";
import { setupReminders } from "./reminders.js";

export const CHECK_JSON = "check.json";

export function checkCommand(program: Command): void {
  program
    .command("check")
    .description("preflight: evaluate every catalog control on every synthesized stack, then prove the access intents of the config; exit 2 on violations")
    .option("--config <file>", "organization config", configPathFromEnv())
    .option("--out <dir>", "synthesis folder, where check.json is written too (default: $CDKTF_OUTDIR or cdktf.out)")
    .option("--no-synth", "check the stacks already in the folder instead of synthesizing first")
    .action(async (opts: { config: string; out?: string; synth: boolean }) => {
      const org = loadConfig(opts.config);
      const out = outDirFrom(opts.out);
      if (opts.synth) await synthesizeAtomically(org, out);
      const exceptions = org.config.compliance.exceptions.map((e) => ({
        controls: e.controls,
        stacks: org.stacks.filter((s) => s.account.name === e.account).map((s) => s.name),
        resource: e.resource,
        reason: e.reason,
      }));
      const stacks = readSynthesized(out);
      const result = evaluate(stacks, activeControls(org.config.compliance), exceptions);
      // After the control predicates: what the synthesized policies, under the organization's SCPs and RCPs, actually allow and deny.
      const access = proveAccess(org, stacks);
      const passed = result.passed && access.passed;
      mkdirSync(out, { recursive: true });
      const warnings = setupReminders(org);
      writeFileSync(join(out, CHECK_JSON), `${JSON.stringify({ ...result, passed, warnings, access }, null, 2)}\n`);
      console.log(formatFindings(result));
      for (const w of warnings) console.log(`warning: ${w}`);
      console.log(formatProof(access));
      console.log(`wrote ${join(out, CHECK_JSON)}`);
      if (!passed) process.exitCode = 2;
    });
}
