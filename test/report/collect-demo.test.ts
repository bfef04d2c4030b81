import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { controls } from "../../modules/controls/catalog.js";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { loadSnapshot } from "../../reports/collect/snapshot-io.js";
import { runReport } from "../../reports/command.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import {
  DEMO_CONFIG,
  DEMO_DIR,
  DEMO_HISTORY,
  DEMO_NEW_ACCOUNT,
  DEMO_NOT_DEPLOYED,
  DEMO_PREVIOUS,
  DEMO_ROOT,
  DEMO_SPEC,
  demoOrg,
  demoPreviousOrg,
  writeDemo,
} from "./fake-aws/demo.js";
import { expectedScores, HOSTILE_ACCOUNT_NAME, HOSTILE_RESOURCE_ID } from "./fake-aws/org.js";

const demoFiles = (root: string) => [
  ...readdirSync(join(root, "aws-cli"))
    .filter((n) => n.endsWith(".json"))
    .map((n) => `aws-cli/${n}`),
  ...readdirSync(root).filter((n) => n.endsWith(".json")),
  ...readdirSync(join(root, DEMO_HISTORY))
    .filter((n) => n.endsWith(".json"))
    .map((n) => `${DEMO_HISTORY}/${n}`),
];

describe("demo data (reports/demo)", () => {
  it("is what the generator writes (UPDATE_DEMO=1 regenerates it)", () => {
    if (process.env["UPDATE_DEMO"] === "1") writeDemo(DEMO_ROOT);
    const fresh = mkdtempSync(join(tmpdir(), "demo-"));
    try {
      const names = writeDemo(fresh).sort();
      expect(demoFiles(DEMO_ROOT).sort()).toEqual(names);
      for (const name of names) expect(readFileSync(join(DEMO_ROOT, name), "utf8"), name).toBe(readFileSync(join(fresh, name), "utf8"));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("runs the baseline's own controls, named as AWS deploys them", () => {
    const snapshot = collectFromAwsCli(DEMO_DIR);
    const catalogRules = controls.flatMap((c) => (c.configRule ? [c.configRule] : []));
    const rules = new Set(snapshot.cells.map((c) => c.rule));
    expect([...rules].sort()).toEqual(
      catalogRules
        .map((r) => r.name)
        .filter((n) => n !== DEMO_NOT_DEPLOYED)
        .sort(),
    );
    const names = snapshot.cells.map((c) => c.ruleName);
    expect(names.some((n) => /^OrgConfigRule-[a-z0-9-]+-[a-z0-9]{8}$/.test(n))).toBe(true);
    expect(names.some((n) => rules.has(n))).toBe(true);
    // IAM rules evaluate account-global resources: home region only.
    for (const rule of catalogRules.filter((r) => r.global)) {
      expect(new Set(snapshot.cells.filter((c) => c.rule === rule.name).map((c) => c.region))).toEqual(new Set([DEMO_SPEC.regions[0]]));
    }
  });

  it("has every case the scorecard shows: hostile strings, a suspended account, a capped cell, no-data cells", () => {
    const snapshot = collectFromAwsCli(DEMO_DIR);
    expect(snapshot.accounts).toHaveLength(10);
    expect(snapshot.accounts.some((a) => a.name === HOSTILE_ACCOUNT_NAME)).toBe(true);
    expect(snapshot.resources.some((r) => r.resourceId === HOSTILE_RESOURCE_ID)).toBe(true);
    expect(snapshot.accounts.filter((a) => a.state === "SUSPENDED")).toHaveLength(1);
    expect(snapshot.cells.some((c) => c.nonCompliantResources?.capExceeded)).toBe(true);
    expect(snapshot.cells.some((c) => c.status === "INSUFFICIENT_DATA")).toBe(true);
    expect(snapshot.cells.some((c) => c.status === "NOT_APPLICABLE")).toBe(true);
    expect(snapshot.securityHub!.controls.some((c) => c.status === "FAILED")).toBe(true);
    expect(snapshot.securityHubV2!.statistics.map((s) => s.field)).toEqual(["cloud.account.uid", "severity"]);
    expect(snapshot.gaps).toEqual([]);
  });

  it("shows the unused-access analyzer in the home region and its findings across accounts: ACCESS-ANALYZER-UNUSED has evidence", () => {
    const snapshot = collectFromAwsCli(DEMO_DIR);
    const unused = snapshot.accessAnalyzer!.unused!;
    expect(unused.analyzers).toEqual([{ name: "org-baseline-unused-access", region: DEMO_SPEC.regions[0], status: "ACTIVE" }]);
    expect(new Set(unused.findings.map((f) => f.findingType))).toEqual(
      new Set(["UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword", "UnusedPermission"]),
    );
    expect(new Set(unused.findings.map((f) => f.accountId)).size).toBeGreaterThan(3);
    const nist = buildScorecard(snapshot).frameworks.find((f) => f.id === "nist-800-53")!;
    const evidence = nist.requirements.flatMap((r) => r.controls).filter((c) => c.controlId === "ACCESS-ANALYZER-UNUSED");
    expect(evidence.map((c) => c.status)).toEqual(["PASSED", "PASSED"]);
  });

  it("the command's summary counts the unused-access findings per type", async () => {
    const lines: string[] = [];
    await runReport({ securityhub: true, fromAwsCli: DEMO_DIR }, (line) => lines.push(line));
    expect(lines.join("\n")).toMatch(
      /^IAM Access Analyzer \(unused access\): 15 findings \(5 unused roles, 4 unused access keys, 4 unused permissions, 2 unused passwords\)$/m,
    );
  });

  it("the previous snapshot is a week earlier, somewhat worse, with other failures and without the new account", () => {
    const current = buildScorecard(collectFromAwsCli(DEMO_DIR), { previous: loadSnapshot(join(DEMO_ROOT, DEMO_PREVIOUS)) });
    const trend = current.trend!;
    expect(Date.parse(current.collectedAt) - Date.parse(trend.previousCollectedAt)).toBe(7 * 86_400_000);
    // The trend is what the two generated organizations' reference scores say.
    const now = expectedScores(demoOrg()).overall.score!;
    const before = expectedScores(demoPreviousOrg()).overall.score!;
    expect(trend.overall).toEqual({ before, after: now, delta: Math.round((now - before) * 10) / 10 });
    expect(trend.overall.delta).toBeGreaterThan(0);
    expect(trend.securityHub.delta).toBeGreaterThan(0);
    expect(trend.newlyFailing.length).toBeGreaterThan(0);
    expect(trend.fixed.length).toBeGreaterThan(trend.newlyFailing.length);
    const added = current.accounts.find((a) => a.name === DEMO_NEW_ACCOUNT)!;
    expect(trend.accounts.find((a) => a.accountId === added.accountId)).toMatchObject({ before: null, delta: null });
  });

  it("the demo config matches the organization: one declared account not reporting, one control not deployed", () => {
    const org = loadConfig(DEMO_CONFIG);
    const generated = demoOrg();
    expect(org.config.organization.id).toBe(generated.organizationId);
    // Every active account is declared, under the OU Organizations puts it in.
    for (const account of generated.accounts.filter((a) => a.status === "ACTIVE")) {
      expect(org.accountById.get(account.id)?.ou, account.name).toBe(account.ouPath);
    }
    const card = buildScorecard(collectFromAwsCli(DEMO_DIR), { declared: { org } });
    const declared = card.declared!;
    expect(declared.accountsNotReporting.map((a) => a.name)).toEqual(["checkout-prod"]);
    // The silent account is coverage (every read succeeded), in each region the config deploys rules to.
    expect(card.coverage.notReporting.map((n) => [n.name, n.region])).toEqual([...DEMO_SPEC.regions].sort().map((r) => ["checkout-prod", r]));
    expect(card.gaps).toEqual([]);
    expect(card.summary.unreadable).toBe(0);
    expect(declared.undeclaredAccounts).toEqual([]);
    expect(declared.regionsNotReporting).toEqual([]);
    const notDeployed = declared.controlsNotObserved.find((c) => c.rule === DEMO_NOT_DEPLOYED)!;
    expect(notDeployed.missing).toHaveLength(notDeployed.expected);
    // Every rule the scorecard shows has its catalog title, severity, remediation and doc link.
    for (const rule of card.rules)
      expect(
        [rule.controlId, rule.severity, rule.remediation, rule.docUrl].every((v) => v !== null),
        rule.rule,
      ).toBe(true);
  });
});
