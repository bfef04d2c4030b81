import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { controls } from "../../modules/controls/catalog.js";
import type { CheckResult } from "../../modules/controls/check.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "baseline-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("baseline check", () => {
  it("passes on the example organization, prints so and writes check.json", () => {
    const out = join(dir, "example");
    const result = runCli(["check", "--config", "config/org.yaml", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^check passed: \d+ controls on \d+ stacks, no violations \(3 excepted\)$/m);
    const json = JSON.parse(readFileSync(join(out, "check.json"), "utf8")) as CheckResult;
    expect(json.passed).toBe(true);
    expect(json.findings).toEqual([]);
    expect(json.controls.map((c) => c.id)).toEqual(controls.map((c) => c.id));
    expect(json.controls.find((c) => c.id === "LOGS-RETENTION")!.parameters).toEqual({ MinRetentionTime: "90" });
    // The example's out-of-band webhook token is excepted, with its reason, not silently passed.
    expect(json.excepted.map((e) => [e.control, e.stack])).toEqual([
      ["SECRETS-ROTATION", "payments-prod-eu-west-1"],
      ["SECRETS-ROTATION-SUCCESS", "payments-prod-eu-west-1"],
      ["SECRETS-PERIODIC-ROTATION", "payments-prod-eu-west-1"],
    ]);
    expect(json.excepted[0]!.reason).toMatch(/card processor/);
    expect(json.unusedExceptions).toEqual([]);
    // Outbound identity federation cannot be enabled by the pinned provider: a reminder, not a failure.
    const reminder =
      /^warning: account payments-prod \(555555555555\): payments-api mints outbound web identity tokens; enable IAM outbound identity federation once there \(aws iam enable-outbound-web-identity-federation\)/m;
    expect(result.stdout).toMatch(reminder);
    expect((json as CheckResult & { warnings: string[] }).warnings).toHaveLength(1);
  });

  it("refuses at load a threshold the config's own retention does not meet: the floor and the check are one value", () => {
    const config = join(dir, "strict.yaml");
    const text = readFileSync("config/org.yaml", "utf8");
    expect(text).toContain('LOGS-RETENTION: { MinRetentionTime: "90" }');
    writeFileSync(config, text.replace('LOGS-RETENTION: { MinRetentionTime: "90" }', 'LOGS-RETENTION: { MinRetentionTime: "365" }'));
    const out = join(dir, "strict");
    const result = runCli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /strict\.yaml:\d+:\d+ logs\.retentionDays\.default: dev keeps logs 90 days, under its minimum of 365 \(the LOGS-RETENTION rule's MinRetentionTime\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("--no-synth checks what is already synthesized, so tampered output is caught", () => {
    const out = join(dir, "tampered");
    expect(runCli(["synth", "--config", "config/org.yaml", "--out", out, "--quiet"]).status).toBe(0);
    const file = join(out, "stacks", "payments-prod-eu-west-1", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const group of Object.values(json.resource.aws_cloudwatch_log_group!)) delete group.kms_key_id;
    writeFileSync(file, JSON.stringify(json));
    const result = runCli(["check", "--config", "config/org.yaml", "--out", out, "--no-synth"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^LOGS-ENCRYPTED\s+payments-prod-eu-west-1\s+aws_cloudwatch_log_group\.\S+\s+kms_key_id is not set$/m);
  });

  it("--no-synth on a folder without stacks is an input error", () => {
    const result = runCli(["check", "--config", "config/org.yaml", "--out", join(dir, "empty"), "--no-synth"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no synthesized stacks/);
  });
});
