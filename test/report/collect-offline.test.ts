import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { loadSnapshot, saveSnapshot } from "../../reports/collect/snapshot-io.js";
import { writeAwsCliExports } from "./fake-aws/export-cli.js";
import { expectedScores, generateOrg } from "./fake-aws/org.js";
import { countsBy, errorOf, withoutNoData } from "./collect-helpers.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "collect-offline-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: unknown) => writeFileSync(join(dir, name), typeof data === "string" ? data : JSON.stringify(data));

const row = (rule: string, account: string, type: string) => ({
  ConfigRuleName: rule,
  AccountId: account,
  AwsRegion: "eu-west-1",
  Compliance: { ComplianceType: type },
});

describe("collectFromAwsCli", () => {
  it("gives the reference scores for a generated organization's exports", () => {
    const org = generateOrg({ seed: 11, accounts: 25, rules: 9, regions: ["eu-central-1", "eu-west-1"], largeCell: true });
    writeAwsCliExports(org, dir);
    const snapshot = collectFromAwsCli(dir);
    const reference = expectedScores(org);
    expect(countsBy(snapshot.cells, (c) => c.accountId)).toEqual(withoutNoData(reference.byAccount));
    expect(countsBy(snapshot.cells, (c) => c.rule)).toEqual(withoutNoData(reference.byRule));
    expect(countsBy(snapshot.cells, () => "all").get("all")!.score).toBe(reference.overall.score);
    expect(snapshot.cells.filter((c) => c.status === "NO_DATA")).toEqual([]);
    expect(snapshot.source).toEqual({ kind: "aws-cli" });
    expect(snapshot.apiCalls).toBe(0);
  });

  it("merges pages from several files, and a rule deployed twice counts once (the worse result)", () => {
    write("page1.json", { AggregateComplianceByConfigRules: [row("OrgConfigRule-restricted-ssh-abcd1234", "111111111111", "COMPLIANT")] });
    write("page2.json", {
      AggregateComplianceByConfigRules: [row("restricted-ssh-conformance-pack-x1y2z3w4v", "111111111111", "NON_COMPLIANT")],
      NextToken: "ignored",
    });
    const snapshot = collectFromAwsCli(dir);
    expect(snapshot.cells).toEqual([
      {
        rule: "restricted-ssh",
        ruleName: "restricted-ssh-conformance-pack-x1y2z3w4v",
        accountId: "111111111111",
        region: "eu-west-1",
        status: "NON_COMPLIANT",
      },
    ]);
  });

  it("lists active accounts without results as not reporting, with the reason: coverage, not a failed read; suspended ones not at all", () => {
    write("compliance.json", { AggregateComplianceByConfigRules: [row("cloudtrail-enabled", "111111111111", "COMPLIANT")] });
    write("accounts.json", {
      Accounts: [
        { Id: "111111111111", Name: "prod", State: "ACTIVE" },
        { Id: "222222222222", Name: "dev", Status: "ACTIVE" },
        { Id: "333333333333", Name: "gone", State: "SUSPENDED" },
      ],
    });
    write("sources.json", {
      AggregatedSourceStatusList: [
        {
          SourceId: "222222222222",
          SourceType: "ACCOUNT",
          AwsRegion: "eu-west-1",
          LastUpdateStatus: "FAILED",
          LastErrorCode: "AccessDenied",
          LastUpdateTime: 1763600000,
        },
      ],
    });
    write("ou.json", { AccountOuPaths: { "111111111111": "/Workloads/Prod" } });
    const snapshot = collectFromAwsCli(dir);
    expect(snapshot.cells.map((c) => [c.accountId, c.status])).toEqual([["111111111111", "COMPLIANT"]]);
    expect(snapshot.notReporting).toEqual([
      { accountId: "222222222222", region: "eu-west-1", reason: "no evaluations reported; aggregator source FAILED (AccessDenied)" },
    ]);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.accounts.map((a) => [a.accountId, a.ou, a.state])).toEqual([
      ["111111111111", "/Workloads/Prod", "ACTIVE"],
      ["222222222222", undefined, "ACTIVE"],
      ["333333333333", undefined, "SUSPENDED"],
    ]);
    expect(snapshot.sources[0]!.lastUpdate).toBe(new Date(1763600000 * 1000).toISOString());
  });

  it("counts only active, non-suppressed PASSED/FAILED findings for Security Hub", () => {
    write("compliance.json", { AggregateComplianceByConfigRules: [row("cloudtrail-enabled", "111111111111", "COMPLIANT")] });
    const finding = (control: string, status: string, extra: object = {}) => ({
      AwsAccountId: "111111111111",
      Region: "eu-west-1",
      Title: `${control} title`,
      Severity: { Label: "HIGH" },
      Compliance: { Status: status, SecurityControlId: control },
      RecordState: "ACTIVE",
      Workflow: { Status: "NEW" },
      ...extra,
    });
    write("findings.json", {
      Findings: [
        finding("S3.1", "PASSED"),
        finding("S3.1", "FAILED", { Workflow: { Status: "SUPPRESSED" } }),
        finding("IAM.4", "FAILED", { RecordState: "ARCHIVED" }),
        finding("IAM.4", "PASSED"),
        finding("EC2.2", "PASSED"),
        finding("EC2.2", "FAILED", { Resources: [{ Type: "AwsEc2SecurityGroup", Id: "sg-1" }] }),
        finding("KMS.4", "WARNING"),
      ],
    });
    const hub = collectFromAwsCli(dir).securityHub!;
    expect(hub.controls.map((c) => [c.controlId, c.status])).toEqual([
      ["EC2.2", "FAILED"],
      ["IAM.4", "PASSED"],
      ["S3.1", "PASSED"],
    ]);
    expect(hub.failedFindings).toEqual([
      {
        controlId: "EC2.2",
        accountId: "111111111111",
        region: "eu-west-1",
        title: "EC2.2 title",
        severity: "HIGH",
        resourceType: "AwsEc2SecurityGroup",
        resourceId: "sg-1",
      },
    ]);
  });

  it("names the file of an unrecognized export", () => {
    write("compliance.json", { AggregateComplianceByConfigRules: [] });
    write("mystery.json", { Buckets: [] });
    expect(() => collectFromAwsCli(dir)).toThrow(/mystery\.json: not a recognized AWS CLI export \(top-level keys: Buckets\)/);
  });

  it("names the file and position of invalid JSON and of a wrong field", () => {
    write("broken.json", "{ not json");
    expect(() => collectFromAwsCli(dir)).toThrow(/broken\.json: invalid JSON/);
    rmSync(join(dir, "broken.json"));
    write("compliance.json", { AggregateComplianceByConfigRules: [{ ConfigRuleName: "x", AwsRegion: "eu-west-1" }] });
    expect(() => collectFromAwsCli(dir)).toThrow(/compliance\.json: AggregateComplianceByConfigRules\[0\]\.AccountId:/);
  });

  it("refuses a directory without the compliance matrix", () => {
    write("accounts.json", { Accounts: [] });
    expect(() => collectFromAwsCli(dir)).toThrow(/no rows from describe-aggregate-compliance-by-config-rules/);
  });
});

describe("snapshot files", () => {
  it("round-trip", () => {
    const org = generateOrg({ seed: 3, accounts: 6, rules: 4, regions: ["eu-west-1"] });
    writeAwsCliExports(org, dir);
    const snapshot = collectFromAwsCli(dir);
    const file = join(dir, "snapshot.json.out");
    saveSnapshot(file, snapshot);
    expect(loadSnapshot(file)).toEqual(snapshot);
  });

  it("name the file and every wrong field by its JSON path", () => {
    const file = join(dir, "bad.snapshot");
    writeFileSync(file, JSON.stringify({ version: 1, collectedAt: "x", source: { kind: "live" }, accounts: [], cells: [{ rule: "r" }] }));
    const message = errorOf(() => loadSnapshot(file));
    expect(message).toMatch(/bad\.snapshot: not a valid snapshot: 8 problems/);
    for (const path of ["cells[0].ruleName", "cells[0].accountId", "cells[0].region", "cells[0].status", "resources", "sources", "gaps", "apiCalls"]) {
      expect(message).toContain(`${file}: ${path}: missing (required)`);
    }
    writeFileSync(file, "[");
    expect(() => loadSnapshot(file)).toThrow(/bad\.snapshot: not a snapshot, invalid JSON/);
    expect(() => loadSnapshot(join(dir, "missing"))).toThrow(/missing: cannot read snapshot/);
  });
});
