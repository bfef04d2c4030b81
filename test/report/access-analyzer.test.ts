import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { classify, classifySummary, sortAccessFindings } from "../../reports/collect/access-findings.js";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { InputError } from "../../reports/collect/input-errors.js";
import { loadSnapshot } from "../../reports/collect/snapshot-io.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import { renderCsv } from "../../reports/render/csv.js";
import { renderHtml } from "../../reports/render/html.js";
import { renderJson } from "../../reports/render/json.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { controlById } from "../../modules/controls/catalog.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { ACCESS_ANALYZER, currentSnapshot, EVIL_NAME, TEST_CONTROLS, testLookup, UNUSED_ACCESS, XSS } from "./model-fixture.js";

/** The problems `--from-aws-cli DIR` refuses the exports with; fails the test if it accepts them. */
function inputProblems(dir: string): string[] {
  try {
    collectFromAwsCli(dir);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  throw new Error(`${dir} was accepted`);
}

const card = () => buildScorecard({ ...currentSnapshot(), accessAnalyzer: ACCESS_ANALYZER }, { lookup: testLookup, controls: TEST_CONTROLS });

describe("IAM Access Analyzer in the scorecard", () => {
  it("counts public and outside-organization findings apart, per account (worked out by hand from the fixture)", () => {
    const aa = card().accessAnalyzer!;
    expect({ public: aa.public, outside: aa.outsideOrganization, unclassified: aa.unclassified, findings: aa.findings }).toEqual({
      public: 1,
      outside: 2,
      unclassified: 1,
      findings: 4,
    });
    expect(aa.byAccount).toEqual([
      { accountId: "222222222222", name: "payments-prod", public: 1, outsideOrganization: 1, unclassified: 0, resources: 2 },
      { accountId: "444444444444", name: EVIL_NAME, public: 0, outsideOrganization: 1, unclassified: 1, resources: 2 },
    ]);
    expect(aa.regionsWithoutAnalyzer).toEqual(["us-east-1"]);
    expect(aa.resources.find((r) => r.resourceType === "AWS::IAM::Role")!.region).toBeNull();
  });

  it("is absent, not empty, when Access Analyzer was not read; old snapshots load without it", () => {
    expect(buildScorecard(currentSnapshot(), { lookup: testLookup, controls: TEST_CONTROLS }).accessAnalyzer).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "aa-snap-"));
    try {
      const old = { ...currentSnapshot() } as Record<string, unknown>;
      delete old.accessAnalyzer;
      writeFileSync(join(dir, "old.json"), JSON.stringify(old));
      expect(loadSnapshot(join(dir, "old.json")).accessAnalyzer).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders in JSON, CSV (one row per finding, formula-safe) and Markdown (names escaped)", () => {
    const c = card();
    expect(JSON.parse(renderJson(c)).accessAnalyzer.public).toBe(1);
    const rows = renderCsv(c)
      .split("\r\n")
      .filter((l) => l.includes("access-analyzer-"));
    expect(rows.map((r) => /access-analyzer-[a-z-]+/.exec(r)![0])).toEqual([
      "access-analyzer-public",
      "access-analyzer-outside-organization",
      "access-analyzer-outside-organization",
      "access-analyzer-unclassified",
    ]);
    expect(rows[0]).toContain("ACCESS-ANALYZER-EXTERNAL");
    const markdown = renderMarkdown(c);
    expect(markdown).toContain("| IAM Access Analyzer | 1 public, 2 outside the organization, 1 not classified");
    expect(markdown).not.toContain(EVIL_NAME);
    expect(markdown).not.toContain(XSS);
  });
});

describe("analyzer coverage as framework evidence (ACCESS-ANALYZER-EXTERNAL: CIS 1.20, NIST AC-6 and CA-7)", () => {
  const control = [controlById("ACCESS-ANALYZER-EXTERNAL")!];
  const cis = (snapshot: Snapshot) =>
    buildScorecard(snapshot, { lookup: testLookup, controls: control })
      .frameworks.find((f) => f.id === "cis-aws")!
      .requirements.find((r) => r.id === "1.20")!;
  const covered = {
    ...ACCESS_ANALYZER,
    analyzers: [...ACCESS_ANALYZER.analyzers, { name: "org", region: "us-east-1", status: "ACTIVE" }],
    regionsWithoutAnalyzer: [],
  };

  it("fails when a region read has no active organization analyzer, naming it", () => {
    const row = cis({ ...currentSnapshot(), accessAnalyzer: ACCESS_ANALYZER });
    expect(row.status).toBe("FAILED");
    expect(row.controls[0]!.evidence).toBe("IAM Access Analyzer: no active organization analyzer in us-east-1");
  });

  it("passes when every region read has one", () => {
    const row = cis({ ...currentSnapshot(), accessAnalyzer: covered });
    expect(row).toMatchObject({
      status: "PASSED",
      controls: [{ evidence: "IAM Access Analyzer: an active organization analyzer in each of the 2 regions read" }],
    });
  });

  it("has no data when the analyzers were not read, or a region's listing failed; never passed", () => {
    expect(cis(currentSnapshot())).toMatchObject({ status: "NO_DATA", controls: [{ evidence: "no AWS Config rule; IAM Access Analyzer not read" }] });
    const failed = { ...currentSnapshot(), accessAnalyzer: covered };
    failed.gaps = [...failed.gaps, { scope: "accessanalyzer", operation: "ListAnalyzers", reason: "AccessDenied", region: "ap-south-1" }];
    expect(cis(failed).status).toBe("NO_DATA");
  });
});

describe("IAM Access Analyzer unused access in the scorecard", () => {
  const unusedCard = (unused = UNUSED_ACCESS) =>
    buildScorecard({ ...currentSnapshot(), accessAnalyzer: { ...ACCESS_ANALYZER, unused } }, { lookup: testLookup, controls: TEST_CONTROLS });

  it("counts findings by type (most first) and per account (most first, then by id), worked out by hand from the fixture", () => {
    const unused = unusedCard().accessAnalyzer!.unused!;
    expect(unused.findings).toBe(5);
    expect(unused.activeAnalyzerRegions).toEqual(["eu-west-1"]);
    expect(unused.byType).toEqual([
      { findingType: "UnusedIAMUserAccessKey", count: 2 },
      { findingType: "UnusedIAMRole", count: 1 },
      { findingType: "UnusedIAMUserPassword", count: 1 },
      { findingType: "UnusedPermission", count: 1 },
    ]);
    expect(unused.byAccount).toEqual([
      { accountId: "222222222222", name: "payments-prod", findings: 3, roles: 0, accessKeys: 1, passwords: 1, permissions: 1 },
      { accountId: "333333333333", name: "payments-dev", findings: 1, roles: 0, accessKeys: 1, passwords: 0, permissions: 0 },
      { accountId: "444444444444", name: EVIL_NAME, findings: 1, roles: 1, accessKeys: 0, passwords: 0, permissions: 0 },
    ]);
    expect(unused.resources.find((r) => r.findingType === "UnusedIAMUserAccessKey")).toEqual({
      accountId: "222222222222",
      accountName: "payments-prod",
      resourceType: "AWS::IAM::User",
      resource: "arn:aws:iam::222222222222:user/deployer",
      findingType: "UnusedIAMUserAccessKey",
      updatedAt: "2026-11-19T00:00:00.000Z",
    });
  });

  it("renders in HTML (escaped), JSON, CSV (one row per finding, formula-safe) and Markdown (names escaped); the external output stays as it was", () => {
    const c = unusedCard();
    const html = renderHtml(c);
    expect(html).toContain('<section id="access-analyzer-unused"');
    expect(html).toContain('href="#access-analyzer-unused"');
    expect(html).toContain("2 unused access keys</span>");
    expect(html).toContain("arn:aws:iam::444444444444:role/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain(XSS);
    expect(html).not.toContain(EVIL_NAME);
    expect(renderHtml(card())).not.toContain("access-analyzer-unused");

    expect(JSON.parse(renderJson(c)).accessAnalyzer.unused.byType[0]).toEqual({ findingType: "UnusedIAMUserAccessKey", count: 2 });
    expect(JSON.parse(renderJson(card())).accessAnalyzer.unused).toBeNull();

    const csv = renderCsv(c);
    const rows = csv.split("\r\n").filter((l) => l.includes("access-analyzer-unused"));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toBe(
      "222222222222,payments-prod,/Workloads/Prod,,access-analyzer-unused,ACCESS-ANALYZER-UNUSED,Unused access: unused permissions (IAM Access Analyzer),,AWS::IAM::Role,arn:aws:iam::222222222222:role/ci,UnusedPermission,,,",
    );
    expect(rows.at(-1)).toContain(`"arn:aws:iam::444444444444:role/""><script>alert(1)</script>"`);
    expect(csv.replace(/\r\n[^\r]*access-analyzer-unused[^\r]*/g, "")).toBe(renderCsv(card()));

    const markdown = renderMarkdown(c);
    expect(markdown).toContain(
      "| IAM Access Analyzer (unused access) | 5 findings: 2 unused access keys, 1 unused role, 1 unused password, 1 unused permissions (not scored) |",
    );
    expect(markdown).toContain("| payments-prod (222222222222) | 3 | 0 | 1 | 1 | 1 |");
    expect(markdown).not.toContain(EVIL_NAME);
    const external = renderMarkdown(card());
    expect(markdown.replace(/\| IAM Access Analyzer \(unused access\)[^\n]*\n/, "").replace(/### IAM Access Analyzer: unused access\n[\s\S]*?\n\n/, "")).toBe(
      external,
    );
  });

  it("leaves the external analyzers' view as it was, and is null when not read; snapshots saved before it load", () => {
    const withUnused = unusedCard().accessAnalyzer!;
    const without = card().accessAnalyzer!;
    expect({ ...withUnused, unused: null }).toEqual(without);
    expect(without.unused).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "aa-unused-snap-"));
    try {
      writeFileSync(join(dir, "old.json"), JSON.stringify({ ...currentSnapshot(), accessAnalyzer: ACCESS_ANALYZER }));
      const loaded = loadSnapshot(join(dir, "old.json"));
      expect(loaded.accessAnalyzer!.findings).toHaveLength(4);
      expect(loaded.accessAnalyzer!.unused).toBeUndefined();
      writeFileSync(join(dir, "new.json"), JSON.stringify({ ...currentSnapshot(), accessAnalyzer: { ...ACCESS_ANALYZER, unused: UNUSED_ACCESS } }));
      expect(loadSnapshot(join(dir, "new.json")).accessAnalyzer!.unused).toEqual(UNUSED_ACCESS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the unused-access analyzer as framework evidence (ACCESS-ANALYZER-UNUSED: NIST AC-2, AC-6)", () => {
  const control = [controlById("ACCESS-ANALYZER-UNUSED")!];
  const ac2 = (snapshot: Snapshot) =>
    buildScorecard(snapshot, { lookup: testLookup, controls: control })
      .frameworks.find((f) => f.id === "nist-800-53")!
      .requirements.find((r) => r.id === "AC-2")!;
  const withUnused = (unused: NonNullable<Snapshot["accessAnalyzer"]>["unused"], gaps: Snapshot["gaps"] = []): Snapshot => {
    const snapshot = { ...currentSnapshot(), accessAnalyzer: { ...ACCESS_ANALYZER, ...(unused ? { unused } : {}) } };
    snapshot.gaps = [...snapshot.gaps, ...gaps];
    return snapshot;
  };
  const denied = { scope: "accessanalyzer" as const, operation: "ListAnalyzers (unused access)", reason: "AccessDenied", region: "us-east-1" };

  it("passes when an active unused-access analyzer was listed, even if another region's listing failed", () => {
    expect(ac2(withUnused(UNUSED_ACCESS))).toMatchObject({
      status: "PASSED",
      controls: [{ controlId: "ACCESS-ANALYZER-UNUSED", evidence: "IAM Access Analyzer: an active organization unused-access analyzer in eu-west-1" }],
    });
    expect(ac2(withUnused(UNUSED_ACCESS, [denied])).status).toBe("PASSED");
  });

  it("fails when every region's listing was read and none is active", () => {
    for (const analyzers of [[], [{ name: "org-baseline-unused-access", region: "eu-west-1", status: "CREATING" }]]) {
      expect(ac2(withUnused({ analyzers, findings: [] }))).toMatchObject({
        status: "FAILED",
        controls: [{ evidence: "IAM Access Analyzer: no active organization unused-access analyzer in any region read" }],
      });
    }
  });

  it("has no data when not read, when a listing failed, or when only findings were exported; never passed", () => {
    expect(ac2(currentSnapshot())).toMatchObject({
      status: "NO_DATA",
      controls: [{ evidence: "no AWS Config rule; IAM Access Analyzer: unused-access analyzers not listed" }],
    });
    expect(ac2(withUnused(undefined)).status).toBe("NO_DATA");
    expect(ac2(withUnused({ analyzers: [], findings: [] }, [denied]))).toMatchObject({
      status: "NO_DATA",
      controls: [
        {
          evidence:
            "no AWS Config rule; IAM Access Analyzer: no active organization unused-access analyzer listed, and the analyzers of 1 region could not be listed",
        },
      ],
    });
    expect(ac2(withUnused({ findings: UNUSED_ACCESS.findings })).status).toBe("NO_DATA");
  });

  it("counts only the unused-access listing's own gaps: an external listing's failure leaves it read", () => {
    const external = { ...denied, operation: "ListAnalyzers" };
    expect(ac2(withUnused({ analyzers: [], findings: [] }, [external])).status).toBe("FAILED");
  });
});

describe("Access Analyzer findings", () => {
  it("public when any external-access entry is public; principals and actions as the finding names them", () => {
    expect(
      classify([
        { externalAccessDetails: { isPublic: false, principal: { AWS: "999999999999" }, action: ["kms:Decrypt"] } },
        { externalAccessDetails: { isPublic: true, principal: { AWS: "*" }, action: ["kms:Decrypt", "kms:Encrypt"] } },
      ]),
    ).toEqual({ access: "public", principals: ["AWS: *", "AWS: 999999999999"], actions: ["kms:Decrypt", "kms:Encrypt"] });
    expect(classifySummary({ id: "x" })).toBeUndefined();
    expect(classifySummary({ id: "x", isPublic: false, principal: { Federated: "cognito-identity.amazonaws.com" } })!.access).toBe("outside-organization");
  });

  it("keeps a global role once although each region's analyzer reports it", () => {
    const role = { ...ACCESS_ANALYZER.findings[1]! };
    expect(sortAccessFindings([role, { ...role, id: "f-9" }]).map((f) => f.id)).toEqual(["f-2"]);
  });
});

describe("Access Analyzer exports", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aa-cli-"));
    writeFileSync(
      join(dir, "compliance.json"),
      JSON.stringify({
        AggregateComplianceByConfigRules: [
          { ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "eu-west-1", Compliance: { ComplianceType: "COMPLIANT" } },
        ],
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names every problem by file and JSON path, and builds nothing", () => {
    writeFileSync(join(dir, "findings.json"), JSON.stringify({ findings: [{ id: "a", resourceType: "AWS::KMS::Key", status: "ACTIVE" }, { id: 7 }] }));
    writeFileSync(join(dir, "detail.json"), JSON.stringify({ id: "a", findingDetails: [{ externalAccessDetails: { isPublic: "yes" } }] }));
    const problems = inputProblems(dir);
    expect(problems).toContain(`${join(dir, "findings.json")}: findings[0].resourceOwnerAccount: missing (required)`);
    expect(problems).toContain(`${join(dir, "findings.json")}: findings[1].id: Invalid input: expected string, received number`);
    expect(problems).toContain(
      `${join(dir, "detail.json")}: findingDetails[0].externalAccessDetails.isPublic: Invalid input: expected boolean, received string`,
    );
  });

  it("classifies list-findings (v1) rows by their own isPublic, and v2 rows by their get-finding-v2 export", () => {
    const row = (id: string, extra: object = {}) => ({
      id,
      resource: `arn:aws:kms:eu-west-1:111111111111:key/${id}`,
      resourceType: "AWS::KMS::Key",
      resourceOwnerAccount: "111111111111",
      status: "ACTIVE",
      ...extra,
    });
    writeFileSync(join(dir, "v1.json"), JSON.stringify({ findings: [row("k1", { isPublic: true, principal: { AWS: "*" } })] }));
    writeFileSync(
      join(dir, "v2.json"),
      JSON.stringify({ findings: [row("k2", { findingType: "ExternalAccess" }), row("k3"), row("k4", { status: "ARCHIVED" })] }),
    );
    writeFileSync(
      join(dir, "k2.json"),
      JSON.stringify({ id: "k2", findingDetails: [{ externalAccessDetails: { isPublic: false, principal: { AWS: "999999999999" } } }] }),
    );
    const aa = collectFromAwsCli(dir).accessAnalyzer!;
    expect(aa.findings.map((f) => [f.id, f.access])).toEqual([
      ["k1", "public"],
      ["k2", "outside-organization"],
      ["k3", "unclassified"],
    ]);
    // Without list-analyzers exports nothing is claimed about regions without an analyzer.
    expect(aa.regionsWithoutAnalyzer).toEqual([]);
  });

  const unusedRow = (id: string, findingType: string, resource: string, extra: object = {}) => ({
    id,
    resource,
    resourceType: resource.includes(":user/") ? "AWS::IAM::User" : "AWS::IAM::Role",
    resourceOwnerAccount: "111111111111",
    status: "ACTIVE",
    findingType,
    updatedAt: "2026-11-20T06:00:00.000Z",
    ...extra,
  });
  const analyzer = (region: string, type: string, name: string, status = "ACTIVE") => ({
    arn: `arn:aws:access-analyzer:${region}:999999999999:analyzer/${name}`,
    name,
    type,
    status,
  });

  it("reads list-analyzers rows of both types, and the unused-access analyzer's list-findings-v2 apart from the external one's", () => {
    writeFileSync(
      join(dir, "analyzers.json"),
      JSON.stringify({ analyzers: [analyzer("eu-west-1", "ORGANIZATION", "external"), analyzer("eu-west-1", "ORGANIZATION_UNUSED_ACCESS", "unused")] }),
    );
    writeFileSync(
      join(dir, "unused.json"),
      JSON.stringify({
        findings: [
          unusedRow("u2", "UnusedIAMUserPassword", "arn:aws:iam::111111111111:user/ops"),
          unusedRow("u1", "UnusedIAMUserAccessKey", "arn:aws:iam::111111111111:user/ops"),
          unusedRow("u3", "UnusedIAMRole", "arn:aws:iam::111111111111:role/old", { status: "ARCHIVED" }),
          unusedRow("u4", "UnusedIAMRole", "arn:aws:iam::111111111111:role/legacy", { updatedAt: 1763618400 }),
        ],
      }),
    );
    const aa = collectFromAwsCli(dir).accessAnalyzer!;
    expect(aa.analyzers).toEqual([{ name: "external", region: "eu-west-1", status: "ACTIVE" }]);
    expect(aa.findings).toEqual([]);
    expect(aa.unused).toEqual({
      analyzers: [{ name: "unused", region: "eu-west-1", status: "ACTIVE" }],
      findings: [
        {
          id: "u4",
          accountId: "111111111111",
          resource: "arn:aws:iam::111111111111:role/legacy",
          resourceType: "AWS::IAM::Role",
          findingType: "UnusedIAMRole",
          updatedAt: "2025-11-20T06:00:00.000Z",
        },
        expect.objectContaining({ id: "u1", findingType: "UnusedIAMUserAccessKey", resourceType: "AWS::IAM::User" }),
        expect.objectContaining({ id: "u2", findingType: "UnusedIAMUserPassword" }),
      ],
    });
  });

  it("claims nothing about the unused-access analyzer from a list-analyzers export without its type; findings alone leave it unlisted", () => {
    writeFileSync(join(dir, "analyzers.json"), JSON.stringify({ analyzers: [analyzer("eu-west-1", "ORGANIZATION", "external")] }));
    expect(collectFromAwsCli(dir).accessAnalyzer!.unused).toBeUndefined();
    writeFileSync(join(dir, "unused.json"), JSON.stringify({ findings: [unusedRow("u1", "UnusedIAMRole", "arn:aws:iam::111111111111:role/old")] }));
    expect(collectFromAwsCli(dir).accessAnalyzer!.unused).toEqual({ findings: [expect.objectContaining({ id: "u1" })] });
  });

  it("names bad unused-access rows by file and JSON path", () => {
    writeFileSync(
      join(dir, "analyzers.json"),
      JSON.stringify({ analyzers: [{ arn: "arn:aws:access-analyzer:eu-west-1:999999999999:analyzer/unused", name: "unused", status: "ACTIVE" }] }),
    );
    writeFileSync(join(dir, "unused.json"), JSON.stringify({ findings: [{ ...unusedRow("u1", "UnusedIAMRole", "arn:aws:iam::1:role/x"), status: 3 }] }));
    expect(inputProblems(dir)).toEqual([
      `${join(dir, "analyzers.json")}: analyzers[0].type: missing (required)`,
      `${join(dir, "unused.json")}: findings[0].status: Invalid input: expected string, received number`,
    ]);
  });
});
