import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { controlsDeployedIn } from "../../reports/model/declared.js";
import type { Control } from "../../modules/controls/types.js";
import { evaluateGates } from "../../reports/model/gates.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import { percent } from "../../reports/model/score.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { renderHtml } from "../../reports/render/html.js";
import { currentSnapshot, DECLARED_YAML, EVIL_NAME, previousSnapshot, TEST_CONTROLS, testLookup, XSS } from "./model-fixture.js";

const card = () => buildScorecard(currentSnapshot(), { lookup: testLookup });
const pick = <T extends { compliant: number; nonCompliant: number; noData: number; score: number | null }>(t: T) => ({
  compliant: t.compliant,
  nonCompliant: t.nonCompliant,
  noData: t.noData,
  score: t.score,
});

describe("percent", () => {
  it("rounds half-up to one decimal and has no score without counted cells", () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(5, 7)).toBe(71.4);
    expect(percent(49, 400)).toBe(12.3);
    expect(percent(1, 16)).toBe(6.3);
    expect(percent(0, 5)).toBe(0);
    expect(percent(0, 0)).toBeNull();
  });
});

describe("config score", () => {
  it("overall: 6 compliant / (6 + 4), the 3 no-data cells are shown but not counted", () => {
    const c = card();
    expect(c.score.overall).toBe(60);
    expect(c.summary).toMatchObject({
      compliant: 6,
      nonCompliant: 4,
      noData: 3,
      cells: 13,
      insufficientData: 1,
      notApplicable: 1,
      unreadable: 1,
      accounts: 5,
      rules: 3,
      regions: 2,
      nonCompliantResources: 3,
      failingAccounts: 3,
      failingRules: 2,
    });
  });

  it("per account, worst first, an account without results has no score (not 100)", () => {
    const rows = card().accounts.map((a) => ({ id: a.accountId, ...pick(a), reporting: a.reporting }));
    expect(rows).toEqual([
      { id: "444444444444", compliant: 0, nonCompliant: 1, noData: 1, score: 0, reporting: true },
      { id: "333333333333", compliant: 1, nonCompliant: 1, noData: 2, score: 50, reporting: true },
      { id: "222222222222", compliant: 3, nonCompliant: 2, noData: 0, score: 60, reporting: true },
      { id: "111111111111", compliant: 2, nonCompliant: 0, noData: 0, score: 100, reporting: true },
      { id: "555555555555", compliant: 0, nonCompliant: 0, noData: 0, score: null, reporting: false },
    ]);
    const prod = card().accounts.find((a) => a.accountId === "222222222222")!;
    expect(prod).toMatchObject({ name: "payments-prod", ou: "/Workloads/Prod", failingRules: ["ebs-encrypted", "s3-bucket-ssl"], nonCompliantResources: 2 });
  });

  it("a cell where only an unreadable result exists is never counted as compliant", () => {
    const snap = currentSnapshot();
    snap.cells = [{ rule: "r", ruleName: "r", accountId: "111111111111", region: "eu-west-1", status: "NO_DATA", reason: "AccessDenied" }];
    const c = buildScorecard(snap);
    expect(c.score.overall).toBeNull();
    expect(c.accounts.find((a) => a.accountId === "111111111111")).toMatchObject({ score: null, noData: 1, reporting: false });
  });

  it("an unreadable copy of a cell outranks a compliant one", () => {
    const snap = currentSnapshot();
    snap.cells = [
      { rule: "r", ruleName: "OrgConfigRule-r-aaaa1111", accountId: "111111111111", region: "eu-west-1", status: "COMPLIANT" },
      { rule: "r", ruleName: "r-conformance-pack-x", accountId: "111111111111", region: "eu-west-1", status: "NO_DATA", reason: "throttled" },
    ];
    expect(buildScorecard(snap).summary).toMatchObject({ cells: 1, compliant: 0, noData: 1, unreadable: 1 });
  });

  it("per region", () => {
    expect(card().regions.map((r) => ({ region: r.region, ...pick(r), accounts: r.accounts }))).toEqual([
      { region: "eu-central-1", compliant: 1, nonCompliant: 2, noData: 0, score: 33.3, accounts: 2 },
      { region: "eu-west-1", compliant: 5, nonCompliant: 2, noData: 3, score: 71.4, accounts: 4 },
    ]);
  });

  it("per rule, with catalog title and severity, falling back to the rule name", () => {
    const rules = card().rules;
    expect(rules.map((r) => ({ rule: r.rule, ...pick(r), failingAccounts: r.failingAccounts }))).toEqual([
      { rule: "s3-bucket-ssl", compliant: 2, nonCompliant: 3, noData: 1, score: 40, failingAccounts: 3 },
      { rule: "ebs-encrypted", compliant: 2, nonCompliant: 1, noData: 0, score: 66.7, failingAccounts: 1 },
      { rule: "iam-root-mfa", compliant: 2, nonCompliant: 0, noData: 2, score: 100, failingAccounts: 0 },
    ]);
    expect(rules[0]).toMatchObject({ controlId: "S3-TLS", title: "S3 buckets require TLS", severity: "CRITICAL" });
    expect(rules[0]!.ruleNames).toEqual([
      "OrgConfigRule-s3-bucket-ssl-abcd1234",
      "OrgConfigRule-s3-bucket-ssl-ffff0000",
      "s3-bucket-ssl",
      "s3-bucket-ssl-conformance-pack-q1w2e3r4",
    ]);
    expect(rules[2]).toMatchObject({ title: "iam-root-mfa", controlId: null, severity: null, docUrl: null });
  });

  it("OUs roll up the accounts below them", () => {
    expect(card().ous.map((o) => ({ ou: o.ou, depth: o.depth, accounts: o.accounts, ...pick(o) }))).toEqual([
      { ou: "/", depth: 0, accounts: 5, compliant: 6, nonCompliant: 4, noData: 3, score: 60 },
      { ou: "/Sandbox", depth: 1, accounts: 1, compliant: 0, nonCompliant: 0, noData: 0, score: null },
      { ou: "/Workloads", depth: 1, accounts: 3, compliant: 4, nonCompliant: 4, noData: 3, score: 50 },
      { ou: "/Workloads/Dev", depth: 2, accounts: 1, compliant: 1, nonCompliant: 1, noData: 2, score: 50 },
      { ou: "/Workloads/Prod", depth: 2, accounts: 1, compliant: 3, nonCompliant: 2, noData: 0, score: 60 },
    ]);
  });

  it("accounts Organizations could not name land in an unknown OU", () => {
    const snap = currentSnapshot();
    snap.accounts = [];
    const c = buildScorecard(snap);
    expect(c.ous.map((o) => [o.ou, o.accounts, o.score])).toEqual([["(unknown)", 4, 60]]);
    expect(c.accounts.every((a) => a.name === null && a.ou === null)).toBe(true);
  });
});

describe("security hub score", () => {
  it("passed controls / controls with data; a control fails if it failed anywhere", () => {
    const c = card();
    expect(c.score.securityHub).toBe(50);
    expect(c.securityHub).toMatchObject({ passed: 2, failed: 2, failedFindings: 2 });
    expect(c.securityHub!.controls.map((x) => [x.controlId, x.status, x.passedAccounts, x.failedAccounts])).toEqual([
      ["EC2.7", "FAILED", 0, 1],
      ["IAM.1", "FAILED", 1, 1],
      ["CloudTrail.1", "PASSED", 1, 0],
      ["S3.5", "PASSED", 2, 0],
    ]);
    const sh = Object.fromEntries(c.accounts.map((a) => [a.accountId, a.securityHub]));
    expect(sh["111111111111"]).toEqual({ passed: 2, failed: 0, score: 100 });
    expect(sh["222222222222"]).toEqual({ passed: 1, failed: 2, score: 33.3 });
    expect(sh["333333333333"]).toEqual({ passed: 1, failed: 0, score: 100 });
    expect(sh["444444444444"]).toEqual({ passed: 0, failed: 0, score: null });
  });

  it("is absent when Security Hub was not read", () => {
    const snap = currentSnapshot();
    delete snap.securityHub;
    const c = buildScorecard(snap);
    expect(c.score.securityHub).toBeNull();
    expect(c.securityHub).toBeNull();
    expect(c.accounts[0]!.securityHub).toBeNull();
  });
});

describe("resources, freshness, coverage, gaps", () => {
  it("lists non-compliant resources most severe first and counts cells without resource detail", () => {
    const c = card();
    expect(c.resources.map((r) => [r.severity, r.rule, r.accountId, r.resourceId])).toEqual([
      ["CRITICAL", "s3-bucket-ssl", "222222222222", "payments-logs"],
      ["CRITICAL", "s3-bucket-ssl", "444444444444", XSS],
      ["HIGH", "ebs-encrypted", "222222222222", "vol-0123"],
    ]);
    expect(c.resources[1]).toMatchObject({ accountName: EVIL_NAME, ou: "/Workloads", title: "S3 buckets require TLS" });
    expect(c.unlistedCells).toBe(1);
  });

  it("freshness from the aggregator sources", () => {
    expect(card().freshness).toEqual({
      collectedAt: "2026-11-20T10:00:00.000Z",
      sources: 3,
      byStatus: { FAILED: 1, SUCCEEDED: 2 },
      oldestUpdate: "2026-11-18T08:00:00.000Z",
      newestUpdate: "2026-11-20T09:30:00.000Z",
      problems: [
        {
          sourceId: "444444444444",
          sourceType: "ACCOUNT",
          region: "eu-west-1",
          status: "FAILED",
          lastUpdate: "2026-11-18T08:00:00.000Z",
          errorCode: "AccessDenied",
        },
      ],
    });
  });

  it("coverage: reporting accounts and counted cells", () => {
    expect(card().coverage).toMatchObject({ accounts: 5, reportingAccounts: 4, cells: 13, cellsWithData: 10, percent: 76.9, reportingAccountRegions: 6 });
  });

  it("coverage: account-regions without evaluations are listed apart from failed reads, named; with --config only where it deploys rules", () => {
    expect(card().coverage.notReporting).toEqual([
      { accountId: null, name: null, region: "ap-south-1", reason: "no evaluations reported by the aggregator for this region" },
      { accountId: "111111111111", name: "mgmt", region: "eu-central-1", reason: "no evaluations reported by the aggregator for this account and region" },
    ]);
    // The config deploys to eu-west-1 and eu-central-1 only: ap-south-1's silence is expected; the declared
    // account Organizations did not list (666) is silent in both regions.
    const org = parseConfig(DECLARED_YAML, "org.yaml");
    const declared = buildScorecard(currentSnapshot(), { lookup: testLookup, declared: { org, controlsForStack: () => TEST_CONTROLS } });
    expect(declared.coverage.notReporting.map((n) => [n.accountId, n.name, n.region])).toEqual([
      ["111111111111", "mgmt", "eu-central-1"],
      ["666666666666", "data-prod", "eu-central-1"],
      ["666666666666", "data-prod", "eu-west-1"],
    ]);
    // A stack without Config rules expects no evaluations either.
    const none = buildScorecard(currentSnapshot(), { lookup: testLookup, declared: { org, controlsForStack: () => [] } });
    expect(none.coverage.notReporting).toEqual([]);
  });

  it("groups gaps by kind", () => {
    const snap = currentSnapshot();
    for (const id of ["7", "8", "9"]) {
      snap.gaps.push({ scope: "account", operation: "DescribeAggregateComplianceByConfigRules", reason: "AccessDenied", accountId: id.repeat(12) });
    }
    const gaps = buildScorecard(snap).gaps;
    expect(gaps[0]).toEqual({
      scope: "account",
      operation: "DescribeAggregateComplianceByConfigRules",
      reason: "AccessDenied",
      count: 3,
      examples: [{ accountId: "777777777777" }, { accountId: "888888888888" }, { accountId: "999999999999" }],
    });
    expect(gaps).toHaveLength(3);
  });

  it("states its formulas", () => {
    const f = card().formulas;
    expect(f.config).toContain("100 × COMPLIANT cells / (COMPLIANT + NON_COMPLIANT cells)");
    expect(f.securityHub).toContain("passed controls / controls with data");
  });
});

describe("trend", () => {
  it("compares with the previous snapshot", () => {
    const c = buildScorecard(currentSnapshot(), { previous: previousSnapshot(), lookup: testLookup });
    const t = c.trend!;
    expect(t.previousCollectedAt).toBe("2026-11-13T10:00:00.000Z");
    expect(t.overall).toEqual({ before: 66.7, after: 60, delta: -6.7 });
    expect(t.securityHub).toEqual({ before: null, after: 50, delta: null });
    expect(t.accounts).toEqual([{ accountId: "333333333333", name: "payments-dev", before: 100, after: 50, delta: -50 }]);
    expect(t.rules).toEqual([
      { rule: "s3-bucket-ssl", title: "S3 buckets require TLS", before: 75, after: 40, delta: -35 },
      { rule: "iam-root-mfa", title: "iam-root-mfa", before: 50, after: 100, delta: 50 },
    ]);
    expect(t.newlyFailing.map((x) => [x.rule, x.accountId, x.region, x.before, x.after])).toEqual([
      ["s3-bucket-ssl", "222222222222", "eu-west-1", "COMPLIANT", "NON_COMPLIANT"],
      ["s3-bucket-ssl", "333333333333", "eu-central-1", null, "NON_COMPLIANT"],
    ]);
    expect(t.fixed.map((x) => [x.rule, x.accountId, x.region, x.before, x.after])).toEqual([
      ["iam-root-mfa", "222222222222", "eu-west-1", "NON_COMPLIANT", "COMPLIANT"],
    ]);
    expect(c.accounts.find((a) => a.accountId === "333333333333")!.delta).toBe(-50);
    expect(c.accounts.find((a) => a.accountId === "222222222222")!.delta).toBe(0);
    expect(c.rules.find((r) => r.rule === "s3-bucket-ssl")!.delta).toBe(-35);
  });

  it("marks accounts absent from the previous snapshot as new rather than unchanged", () => {
    const previous = previousSnapshot();
    previous.accounts = previous.accounts.filter((a) => a.accountId !== "333333333333");
    previous.cells = previous.cells.filter((c) => c.accountId !== "333333333333");
    const c = buildScorecard(currentSnapshot(), { previous, lookup: testLookup });
    expect(c.accounts.filter((a) => a.newSincePrevious).map((a) => [a.accountId, a.delta])).toEqual([["333333333333", null]]);
    expect(renderHtml(c)).toContain('<span class="tag">new</span>');
  });

  it("is null without a previous snapshot", () => {
    expect(card().trend).toBeNull();
  });
});

describe("declared vs observed", () => {
  it("names declared accounts, regions and controls AWS does not report", () => {
    const org = parseConfig(DECLARED_YAML, "org.yaml");
    const c = buildScorecard(currentSnapshot(), { lookup: testLookup, declared: { org, controlsForStack: () => TEST_CONTROLS } });
    const d = c.declared!;
    expect(d.declaredAccounts).toBe(4);
    expect(d.accountsNotReporting).toEqual([{ accountId: "666666666666", name: "data-prod", ou: "/Workloads/Prod", reason: "no AWS Config results" }]);
    expect(d.regionsNotReporting).toEqual([{ accountId: "111111111111", name: "mgmt", region: "eu-central-1" }]);
    expect(d.undeclaredAccounts).toEqual([{ accountId: "444444444444", name: EVIL_NAME }]);
    expect(d.declaredControls).toBe(2);
    expect(d.controlsNotObserved.map((x) => [x.controlId, x.expected, x.missing.map((m) => `${m.name}/${m.region}`)])).toEqual([
      // Only where Config otherwise reports: data-prod and mgmt/eu-central-1 are listed above.
      ["EBS-ENCRYPTION", 5, ["mgmt/eu-west-1", "payments-dev/eu-central-1"]],
    ]);
  });

  it("tells a declared account whose results could not be read from one with no results", () => {
    const org = parseConfig(DECLARED_YAML, "org.yaml");
    const snap = currentSnapshot();
    snap.cells = snap.cells.map((c) => (c.accountId === "333333333333" ? { ...c, status: "NO_DATA" as const, reason: "AccessDeniedException" } : c));
    const d = buildScorecard(snap, { lookup: testLookup, declared: { org, controlsForStack: () => TEST_CONTROLS } }).declared!;
    expect(d.accountsNotReporting.map((a) => [a.name, a.reason])).toEqual([
      ["data-prod", "no AWS Config results"],
      ["payments-dev", "could not be read: AccessDeniedException"],
    ]);
  });
});

describe("controls the config deploys", () => {
  const iam = { ...TEST_CONTROLS[0]!, id: "IAM-ROOT-MFA", configRule: { name: "iam-root-mfa", identifier: "ROOT_ACCOUNT_MFA_ENABLED", global: true } };
  const preflightOnly = { ...TEST_CONTROLS[0]!, id: "TAGS", configRule: undefined };
  const all = [...TEST_CONTROLS, iam, preflightOnly];
  const deployed = (org: ReturnType<typeof parseConfig>, stack: string) =>
    controlsDeployedIn(
      org,
      org.stacks.find((s) => s.name === stack)!,
      all,
    ).map((c) => c.id);

  it("account mode: every stack, minus exclusions and controls without a rule; global rules in the home region", () => {
    const org = parseConfig(DECLARED_YAML, "org.yaml");
    org.config.compliance.config.rules.exclude = [{ control: "EBS-ENCRYPTION", reason: "no EBS volumes in this organization" }];
    expect(deployed(org, "mgmt-eu-west-1")).toEqual(["S3-TLS", "IAM-ROOT-MFA"]);
    expect(deployed(org, "mgmt-eu-central-1")).toEqual(["S3-TLS"]);
  });

  it("organization mode: the security account's regions, global rules in its home region", () => {
    const yaml = DECLARED_YAML.replace("mode: account", "mode: organization").replace(
      "accounts:\n",
      'accounts:\n  - { id: "777777777777", name: security, role: security, environment: security, ou: /Security, regions: [eu-central-1, eu-west-1] }\n',
    );
    const org = parseConfig(yaml, "org.yaml");
    // mgmt's home region is eu-west-1, the security account's is eu-central-1: that is where the IAM rule runs.
    expect(deployed(org, "mgmt-eu-west-1")).toEqual(["S3-TLS", "EBS-ENCRYPTION"]);
    expect(deployed(org, "mgmt-eu-central-1")).toEqual(["S3-TLS", "EBS-ENCRYPTION", "IAM-ROOT-MFA"]);
  });
});

describe("determinism", () => {
  it("the same data in another order gives the same scorecard", () => {
    const a = currentSnapshot();
    const b: Snapshot = { ...currentSnapshot() };
    b.cells = [...b.cells].reverse();
    b.resources = [...b.resources].reverse();
    b.sources = [...b.sources].reverse();
    b.securityHub = { ...b.securityHub!, controls: [...b.securityHub!.controls].reverse() };
    b.accounts = [...b.accounts].reverse();
    expect(JSON.stringify(buildScorecard(b, { lookup: testLookup }))).toBe(JSON.stringify(buildScorecard(a, { lookup: testLookup })));
  });
});

describe("framework views (numbers worked out by hand from the fixture)", () => {
  // Evidence in the fixture: s3-bucket-ssl and ebs-encrypted each have a non-compliant cell (fail);
  // iam-root-mfa has 2 compliant cells, 0 non-compliant (passes); Security Hub CSPM: IAM.1 failed
  // in 222, S3.5 passed everywhere, EC2.7 failed in 222, Config.1 has no result.
  const withRule = (id: string, rule: string, frameworks: Control["frameworks"], securityHubControls: string[] = []): Control => ({
    ...TEST_CONTROLS[0]!,
    id,
    configRule: { name: rule, identifier: rule.toUpperCase() },
    securityHubControls,
    frameworks,
  });
  const hubOnly = (id: string, securityHubControls: string[], frameworks: Control["frameworks"]): Control => {
    const { configRule: _unused, ...rest } = withRule(id, "unused", frameworks, securityHubControls);
    return rest;
  };
  const controls: Control[] = [
    withRule("S3-TLS", "s3-bucket-ssl", { "nist-800-53": ["SC-7", "SC-28"] }),
    withRule("EBS", "ebs-encrypted", { "nist-800-53": ["SC-28"] }),
    withRule("ROOT-MFA", "iam-root-mfa", { "nist-800-53": ["IA-5(1)"], "cis-aws": ["1.16", "3.8"] }),
    hubOnly("ADMIN", ["IAM.1"], { "nist-800-53": ["AC-6"], "cis-aws": ["1.16"] }),
    hubOnly("S3-SH", ["S3.5"], { "nist-800-53": ["AC-4"] }),
    // A rule without counted cells falls back to Security Hub CSPM, which has no result either.
    withRule("CONFIG", "config-enabled", { "nist-800-53": ["CM-6"], "cis-aws": ["3.5", "3.8"] }, ["Config.1"]),
    hubOnly("EC2", ["EC2.7"], { "nist-800-53": ["SC-7"] }),
  ];
  const frameworks = () => buildScorecard(currentSnapshot(), { lookup: testLookup, controls }).frameworks;
  const statuses = (id: string) =>
    Object.fromEntries(
      frameworks()
        .find((f) => f.id === id)!
        .requirements.map((r) => [r.id, r.status]),
    );

  it("NIST 800-53: AC-4 and IA-5(1) pass, AC-6, SC-7 and SC-28 fail, CM-6 has no data: 2 / (2 + 3) = 40.0%", () => {
    expect(statuses("nist-800-53")).toEqual({
      "AC-4": "PASSED",
      "AC-6": "FAILED",
      "CM-6": "NO_DATA",
      "IA-5(1)": "PASSED",
      "SC-7": "FAILED",
      "SC-28": "FAILED",
    });
    expect(Object.keys(statuses("nist-800-53"))).toEqual(["AC-4", "AC-6", "CM-6", "IA-5(1)", "SC-7", "SC-28"]);
    expect(frameworks().find((f) => f.id === "nist-800-53")).toMatchObject({ score: 40, passed: 2, failed: 3, noData: 1 });
  });

  it("CIS: 1.16 fails (one of its two controls fails); 3.8 has a passing control and one without data, so it is no data, never passed: 0 / 1", () => {
    expect(statuses("cis-aws")).toEqual({ "1.16": "FAILED", "3.5": "NO_DATA", "3.8": "NO_DATA" });
    expect(frameworks().find((f) => f.id === "cis-aws")).toMatchObject({ score: 0, passed: 0, failed: 1, noData: 2 });
  });

  it("names the evidence of each control", () => {
    const nist = frameworks().find((f) => f.id === "nist-800-53")!;
    const byId = Object.fromEntries(nist.requirements.flatMap((r) => r.controls).map((c) => [c.controlId, c.evidence]));
    expect(byId["ROOT-MFA"]).toBe("AWS Config iam-root-mfa: 2 compliant, 0 non-compliant cells");
    expect(byId["ADMIN"]).toBe("Security Hub CSPM IAM.1: IAM.1 failed");
    expect(byId["CONFIG"]).toBe("no counted AWS Config result for config-enabled; no Security Hub CSPM result");
  });

  it("the gate can name a framework; no score never passes", () => {
    const card = buildScorecard(currentSnapshot(), { lookup: testLookup, controls });
    expect(
      evaluateGates(card, [
        { target: "nist-800-53", threshold: 40 },
        { target: "nist-800-53", threshold: 40.1 },
        { target: "config", threshold: 60 },
      ]).map((g) => [g.label, g.met]),
    ).toEqual([
      ["NIST SP 800-53 Rev. 5 score", true],
      ["NIST SP 800-53 Rev. 5 score", false],
      ["Config score", true],
    ]);
    const empty = buildScorecard(currentSnapshot(), { lookup: testLookup, controls: [] });
    expect(evaluateGates(empty, [{ target: "cis-aws", threshold: 0 }])[0]).toMatchObject({ score: null, met: false });
  });
});
