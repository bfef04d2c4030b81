import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { configPathFromEnv, loadConfig } from "../../config/load.js";
import { outDirFrom, synthesizeAtomically } from "../../stacks/synth.js";
import { proveGuardrails } from "../access/guardrail-intents.js";
import { describeResult, formatProof, proveAccess } from "../access/prove.js";
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
      // After the control predicates: what the synthesized policies actually allow and deny.
      const access = proveAccess(org, stacks);
      // The guardrails proven with the access evaluator: what the SCPs and RCPs must allow and deny.
      const proven = proveGuardrails(org, stacks);
      const failures = proven.filter((r) => !r.passed).map(describeResult);
      const guardrailProof = { passed: failures.length === 0, intents: proven.length, failures };
      const passed = result.passed && access.passed && guardrailProof.passed;
      mkdirSync(out, { recursive: true });
      const warnings = setupReminders(org);
      writeFileSync(join(out, CHECK_JSON), `${JSON.stringify({ ...result, passed, warnings, access, guardrailProof }, null, 2)}\n`);
      console.log(formatFindings(result));
      for (const w of warnings) console.log(`warning: ${w}`);
      console.log(formatProof(access));
      if (proven.length > 0) {
        // The failures as the access proof prints them, then a verdict of the guardrails' own.
        const lines = formatProof(guardrailProof).split("\n").slice(0, -1);
        lines.push(
          guardrailProof.passed
            ? `guardrails proven: ${proven.length} intents hold (member accounts cannot mint credentials or undo the baseline; outsiders, other organizations, plain HTTP and undeclared issuers denied; deploy and apply roles unaffected; the management account is not subject to SCPs)`
            : `guardrail proof failed: ${failures.length} of ${proven.length} intents do not hold`,
        );
        console.log(lines.join("\n"));
      }
      console.log(`wrote ${join(out, CHECK_JSON)}`);
      if (!passed) process.exitCode = 2;
    });
}
