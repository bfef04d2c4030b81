import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

/** `baseline check` reports an intent that does not hold; `baseline explain` shows one resource's decisions. */

const dir = mkdtempSync(join(tmpdir(), "access-commands-"));
const out = join(dir, "out");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  const synth = runCli(["synth", "--quiet", "--config", "config/org.yaml", "--out", out]);
  expect(synth.status, synth.stderr).toBe(0);
});

describe("baseline check proves access", () => {
  it("passes on the example and says how many intents hold", () => {
    const result = runCli(["check", "--no-synth", "--config", "config/org.yaml", "--out", out]);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^access proven: \d+ intents hold/m);
    const json = JSON.parse(readFileSync(join(out, "check.json"), "utf8")) as { passed: boolean; access: { passed: boolean; intents: number } };
    expect(json.access.passed).toBe(true);
    expect(json.access.intents).toBeGreaterThan(200);
  });

  it("exits 2 naming the request, the expected and actual decision and the deciding statement when a policy is weakened", () => {
    const weakened = join(dir, "weakened");
    runCli(["synth", "--quiet", "--config", "config/org.yaml", "--out", weakened]);
    const file = join(weakened, "stacks", "shared-services-eu-west-1", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    for (const block of Object.values(json.resource.aws_secretsmanager_secret_policy) as Array<{ policy: string }>) {
      const doc = JSON.parse(block.policy);
      doc.Statement = doc.Statement.filter((s: { Sid?: string }) => s.Sid !== "DenyReadingExceptReaders");
      block.policy = JSON.stringify(doc);
    }
    writeFileSync(file, JSON.stringify(json));
    const result = runCli(["check", "--no-synth", "--config", "config/org.yaml", "--out", weakened]);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain(
      "access shared-services/secret/payments/db-credentials: a stranger of shared-services with secretsmanager:* cannot read it in eu-west-1",
    );
    expect(result.stdout).toContain(
      "  request:  arn:aws:iam::444444444444:role/proof/stranger secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:444444444444:secret:payments/db-credentials-AbCdEf",
    );
    expect(result.stdout).toContain("  expected: Deny, actual: Allow");
    expect(result.stdout).toMatch(/ {2}why: {6}allowed by stranger's identity policy \(Broad\)/);
    expect(result.stdout).toMatch(/^access proof failed: \d+ of \d+ intents do not hold$/m);
  });
});

describe("baseline explain", () => {
  it("prints who can do what on one resource, with the statement that decided", () => {
    const result = runCli(["explain", "payments-prod/role/payments-operator", "--no-synth", "--config", "config/org.yaml", "--out", out, "--markdown"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("### Who can do what on `payments-prod/role/payments-operator`");
    expect(result.stdout).toMatch(
      /\| broker arn:aws:iam::222222222222:role\/access-broker assumes it with a source identity \| `sts:AssumeRole on arn:aws:iam::555555555555:role\/jit\/payments-operator` \| Allow \| .*BrokerWithSourceIdentity/,
    );
    expect(result.stdout).toMatch(/\| broker .* cannot assume it without a source identity \| .* \| ImplicitDeny \|/);
    expect(result.stdout).toMatch(/^all \d+ intents hold$/m);
  });

  it("refuses a resource nothing is declared about, with a suggestion", () => {
    const result = runCli(["explain", "shared-services/secret/payments/db-credential", "--no-synth", "--config", "config/org.yaml", "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('did you mean "shared-services/secret/payments/db-credentials"?');
  });
});
