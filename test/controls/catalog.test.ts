import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { complianceSchema } from "../../config/sections/compliance.js";
import { activeControls } from "../../modules/controls/active.js";
import { controlById, controlForRule, controls } from "../../modules/controls/catalog.js";

describe("controls catalog", () => {
  it("has unique control ids and Config rule names in the managed rules' lowercase-hyphen form", () => {
    const ids = controls.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rules = controls.flatMap((c) => (c.configRule ? [c.configRule.name] : []));
    expect(new Set(rules).size).toBe(rules.length);
    for (const name of rules) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const c of controls) {
      expect(c.id).toMatch(/^[A-Z][A-Z0-9-]+$/);
      expect(c.docUrl).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|developer\.hashicorp\.com)\//);
      expect(c.remediation.length).toBeGreaterThan(20);
      if (c.configRule) expect(c.configRule.identifier).toMatch(/^[A-Z0-9_]+$/);
    }
  });

  it("covers the controls the baseline promises", () => {
    const byRule = (name: string) => controlForRule(name)?.id;
    expect(byRule("secretsmanager-rotation-enabled-check")).toBe("SECRETS-ROTATION");
    expect(byRule("secretsmanager-scheduled-rotation-success-check")).toBe("SECRETS-ROTATION-SUCCESS");
    expect(byRule("secretsmanager-secret-periodic-rotation")).toBe("SECRETS-PERIODIC-ROTATION");
    expect(byRule("secretsmanager-secret-unused")).toBe("SECRETS-UNUSED");
    expect(byRule("secretsmanager-using-cmk")).toBe("SECRETS-CMK");
    expect(byRule("cmk-backing-key-rotation-enabled")).toBe("KMS-ROTATION");
    expect(byRule("kms-cmk-not-scheduled-for-deletion")).toBe("KMS-NO-PENDING-DELETION");
    expect(byRule("iam-policy-no-statements-with-admin-access")).toBe("IAM-NO-ADMIN");
    expect(byRule("iam-policy-no-statements-with-full-access")).toBe("IAM-NO-WILDCARD-ACTIONS");
    expect(byRule("cw-loggroup-retention-period-check")).toBe("LOGS-RETENTION");
    expect(byRule("cloudwatch-log-group-encrypted")).toBe("LOGS-ENCRYPTED");
    expect(byRule("service-vpc-endpoint-enabled-ssm")).toBe("VPC-ENDPOINT-SSM");
    expect(byRule("securityhub-enabled")).toBe("SECURITYHUB-ENABLED");
    expect(controlById("CONFIG-ENABLED")?.securityHubControls).toEqual(["Config.1"]);
    expect(controlById("VPC-ENDPOINT-PERIMETER")?.severity).toBe("HIGH");
    expect(controlForRule("no-such-rule")).toBeUndefined();
  });

  it("maps the Security Hub controls the scorecard links", () => {
    const hub = Object.fromEntries(controls.map((c) => [c.id, c.securityHubControls]));
    expect(hub["SECRETS-ROTATION"]).toEqual(["SecretsManager.1"]);
    expect(hub["SECRETS-ROTATION-SUCCESS"]).toEqual(["SecretsManager.2"]);
    expect(hub["SECRETS-UNUSED"]).toEqual(["SecretsManager.3"]);
    expect(hub["SECRETS-PERIODIC-ROTATION"]).toEqual(["SecretsManager.4"]);
    expect(hub["KMS-NO-PENDING-DELETION"]).toEqual(["KMS.3"]);
    expect(hub["KMS-ROTATION"]).toEqual(["KMS.4"]);
    expect(hub["IAM-NO-ADMIN"]).toEqual(["IAM.1"]);
    expect(hub["IAM-NO-WILDCARD-ACTIONS"]).toEqual(["IAM.21"]);
    expect(hub["LOGS-RETENTION"]).toEqual(["CloudWatch.16"]);
  });

  it("maps every control to NIST SP 800-53 r5, and the CIS AWS Foundations requirements that apply", () => {
    for (const c of controls) expect(c.frameworks?.["nist-800-53"]?.length ?? 0, c.id).toBeGreaterThan(0);
    const nist = Object.fromEntries(controls.map((c) => [c.id, c.frameworks?.["nist-800-53"]]));
    expect(nist["SECRETS-ROTATION"]).toEqual(["IA-5(1)"]);
    expect(nist["KMS-ROTATION"]).toEqual(["SC-12", "SC-28"]);
    expect(nist["LOGS-RETENTION"]).toEqual(["AU-11"]);
    expect(nist["IAM-NO-ADMIN"]).toEqual(["AC-6"]);
    expect(controls.filter((c) => c.frameworks?.["cis-aws"]).map((c) => [c.id, c.frameworks!["cis-aws"]])).toEqual([
      ["KMS-ROTATION", ["3.8"]],
      ["IAM-NO-ADMIN", ["1.16"]],
      ["SECURITYHUB-ENABLED", ["4.16"]],
      ["CONFIG-ENABLED", ["3.5"]],
      ["ACCESS-ANALYZER-EXTERNAL", ["1.20"]],
      ["IAM-ACCESS-KEYS-ROTATED", ["1.14"]],
      ["IAM-UNUSED-CREDENTIALS", ["1.12"]],
      ["IAM-ROOT-ACCESS-KEY", ["1.4"]],
    ]);
  });

  it("IAM rules run in the home region only; the rest everywhere", () => {
    expect(controls.filter((c) => c.configRule?.global).map((c) => c.id)).toEqual([
      "IAM-NO-ADMIN",
      "IAM-NO-WILDCARD-ACTIONS",
      "IAM-ACCESS-KEYS-ROTATED",
      "IAM-UNUSED-CREDENTIALS",
      "IAM-ROOT-ACCESS-KEY",
    ]);
  });

  it("is documented: the README's network section lists every control and its rule", () => {
    const readme = readFileSync("README.md", "utf8");
    const start = readme.indexOf("\n## Network, logging and compliance\n");
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    for (const c of controls) {
      expect(section).toContain(`\`${c.id}\``);
      if (c.configRule) expect(section).toContain(`\`${c.configRule.name}\``);
    }
  });
});

describe("activeControls", () => {
  it("drops excluded controls and applies parameter overrides over the catalog defaults", () => {
    const compliance = complianceSchema.parse({
      config: {
        rules: {
          exclude: [{ control: "VPC-ENDPOINT-SSM", reason: "No instances use Systems Manager here" }],
          parameters: { "LOGS-RETENTION": { MinRetentionTime: "365" } },
        },
      },
    });
    const active = activeControls(compliance);
    expect(active.map((a) => a.control.id)).not.toContain("VPC-ENDPOINT-SSM");
    expect(active).toHaveLength(controls.length - 1);
    expect(active.find((a) => a.control.id === "LOGS-RETENTION")!.parameters).toEqual({ MinRetentionTime: "365" });
    expect(active.find((a) => a.control.id === "SECRETS-PERIODIC-ROTATION")!.parameters).toEqual({ maxDaysSinceRotation: "90" });
    expect(active.find((a) => a.control.id === "CONFIG-ENABLED")!.parameters).toEqual({});
  });
});
