import { describe, expect, it } from "vitest";
import { complianceSchema } from "../../config/sections/compliance.js";
import { activeControls } from "../../modules/controls/active.js";
import { evaluate, formatFindings } from "../../modules/controls/check.js";
import { broken, goodStack } from "./fixtures.js";

const active = activeControls(complianceSchema.parse({}));

function unrotated(name: string) {
  const stack = broken((r) => delete r.aws_secretsmanager_secret_rotation);
  stack.name = name;
  return stack;
}

describe("check engine", () => {
  it("passes good stacks and reports every control with its parameters", () => {
    const result = evaluate([goodStack()], active);
    expect(result.passed).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.controls.every((c) => c.violations === 0)).toBe(true);
    expect(formatFindings(result)).toBe(`check passed: ${active.length} controls on 1 stacks, no violations`);
  });

  it("sorts findings by catalog order, then stack and resource, and counts them per control", () => {
    const result = evaluate([unrotated("b-eu-west-1"), unrotated("a-eu-west-1")], active);
    expect(result.passed).toBe(false);
    expect(result.findings.map((f) => [f.control, f.stack])).toEqual([
      ["SECRETS-ROTATION", "a-eu-west-1"],
      ["SECRETS-ROTATION", "b-eu-west-1"],
      ["SECRETS-ROTATION-SUCCESS", "a-eu-west-1"],
      ["SECRETS-ROTATION-SUCCESS", "b-eu-west-1"],
      ["SECRETS-PERIODIC-ROTATION", "a-eu-west-1"],
      ["SECRETS-PERIODIC-ROTATION", "b-eu-west-1"],
    ]);
    expect(result.controls.find((c) => c.id === "SECRETS-ROTATION")!.violations).toBe(2);
    const table = formatFindings(result).split("\n");
    expect(table[0]).toMatch(/^control\s+stack\s+resource\s+why$/);
    expect(table[1]).toBe(
      "SECRETS-ROTATION           a-eu-west-1  aws_secretsmanager_secret.db  no aws_secretsmanager_secret_rotation: the secret is never rotated",
    );
    expect(table.at(-1)).toBe("check failed: 6 violations of 3 controls on 2 stacks");
  });

  it("applies exceptions by the resource's AWS name in the excepted account's stacks only, and flags unused ones", () => {
    const exception = {
      controls: ["SECRETS-ROTATION", "SECRETS-ROTATION-SUCCESS", "SECRETS-PERIODIC-ROTATION"],
      stacks: ["a-eu-west-1"],
      resource: "db",
      reason: "vendor token",
    };
    const stale = { controls: ["LOGS-ENCRYPTED"], stacks: ["a-eu-west-1"], resource: "/gone", reason: "old exception" };
    const result = evaluate([unrotated("a-eu-west-1"), unrotated("b-eu-west-1")], active, [exception, stale]);
    expect(result.excepted.map((e) => [e.control, e.stack, e.reason])).toEqual([
      ["SECRETS-ROTATION", "a-eu-west-1", "vendor token"],
      ["SECRETS-ROTATION-SUCCESS", "a-eu-west-1", "vendor token"],
      ["SECRETS-PERIODIC-ROTATION", "a-eu-west-1", "vendor token"],
    ]);
    expect(result.findings.map((f) => f.stack)).toEqual(["b-eu-west-1", "b-eu-west-1", "b-eu-west-1"]);
    expect(result.unusedExceptions).toEqual([stale]);
    expect(formatFindings(result)).toContain("warning: the exception for /gone (LOGS-ENCRYPTED) matched nothing; remove it");

    const byAddress = evaluate([unrotated("a-eu-west-1")], active, [{ ...exception, resource: "aws_secretsmanager_secret.db" }]);
    expect(byAddress.passed).toBe(true);
    expect(formatFindings(byAddress)).toMatch(/no violations \(3 excepted\)$/);
  });
});
