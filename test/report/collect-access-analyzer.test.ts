import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { collectLive } from "../../reports/collect/live.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { controlById } from "../../modules/controls/catalog.js";
import { useLoopbackCredentials } from "./collect-helpers.js";
import { expectedAccessFindings, expectedUnusedFindings, generateAccessAnalyzer } from "./fake-aws/access-analyzer.js";
import { writeAwsCliExports } from "./fake-aws/export-cli.js";
import { generateOrg } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";

const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"];
const org = generateOrg({ seed: 31, accounts: 40, rules: 4, regions: REGIONS, hostile: true });
org.accessAnalyzer = generateAccessAnalyzer(org, { seed: 31, withoutAnalyzer: ["ap-southeast-2"], hostile: true, unusedAccess: "eu-west-1" });
const expected = expectedAccessFindings(org.accessAnalyzer);
const expectedUnused = expectedUnusedFindings(org.accessAnalyzer);
const unusedKey = (f: { accountId: string; resource: string; findingType: string }) => `${f.findingType} ${f.accountId} ${f.resource}`;
const key = (f: { accountId: string; resource: string; access: string }) => `${f.access} ${f.accountId} ${f.resource}`;
const HOME = "eu-west-1";
const CONCURRENCY = 3;

describe("collectLive reads IAM Access Analyzer", () => {
  let server: FakeAws;
  let snapshot: Snapshot;

  beforeAll(async () => {
    useLoopbackCredentials();
    // Three findings a page, every 11th request throttled, answers slow enough for requests to overlap.
    server = await startFakeAws({ org, analyzerPageSize: 3, throttleEvery: 11, latencyMs: 2 });
    snapshot = await collectLive({
      aggregator: org.aggregator,
      region: HOME,
      endpointUrl: server.url,
      securityHub: false,
      accessAnalyzer: true,
      concurrency: CONCURRENCY,
    });
  });
  afterAll(() => server?.close());

  it("is a meaningful case: public and outside-organization findings, a global role in two regions, findings out of scope", () => {
    expect(expected.filter((f) => f.access === "public").length).toBeGreaterThan(0);
    expect(expected.filter((f) => f.access === "outside-organization").length).toBeGreaterThan(0);
    expect(org.accessAnalyzer!.findings.filter((f) => f.resourceType === "AWS::IAM::Role").length).toBeGreaterThan(
      expected.filter((f) => f.resource.includes(":role/")).length,
    );
    expect(org.accessAnalyzer!.findings.some((f) => f.status !== "ACTIVE" || f.resourceType === "AWS::S3::Bucket")).toBe(true);
    expect(org.accessAnalyzer!.unusedFindings.some((f) => f.status !== "ACTIVE")).toBe(true);
    expect(new Set(expectedUnused.map((f) => f.accountId)).size).toBeGreaterThan(1);
  });

  it("lists every active finding on secrets, keys and roles once, public and outside the organization apart", () => {
    const findings = snapshot.accessAnalyzer!.findings;
    expect(findings.map(key).sort()).toEqual(expected.map(key).sort());
    expect(findings.every((f) => f.access !== "unclassified")).toBe(true);
    const publicSecret = findings.find((f) => f.access === "public" && f.resourceType === "AWS::SecretsManager::Secret")!;
    expect(publicSecret.principals).toEqual(["AWS: *"]);
    expect(findings.find((f) => f.access === "outside-organization")!.principals).toEqual(["AWS: 444455556666"]);
    expect(findings.find((f) => f.resourceType === "AWS::IAM::Role")?.region ?? "").toBe("");
  });

  it("reads the unused-access analyzer and its active findings (roles, keys, passwords, permissions), from summaries only", () => {
    const unused = snapshot.accessAnalyzer!.unused!;
    expect(unused.analyzers).toEqual([{ name: "org-baseline-unused-access", region: HOME, status: "ACTIVE" }]);
    expect(unused.findings.map(unusedKey).sort()).toEqual(expectedUnused.map(unusedKey).sort());
    expect(new Set(unused.findings.map((f) => f.findingType))).toEqual(
      new Set(["UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword", "UnusedPermission"]),
    );
    const key = unused.findings.find((f) => f.findingType === "UnusedIAMUserAccessKey")!;
    expect(key).toMatchObject({ resourceType: "AWS::IAM::User", updatedAt: org.asOf });
    expect(key.resource).toContain(`arn:aws:iam::${key.accountId}:user/`);
    // The external analyzers' listing does not take in the unused-access one.
    expect(snapshot.accessAnalyzer!.analyzers.map((a) => a.name)).toEqual(["org-baseline-external-access", "org-baseline-external-access"]);
  });

  it("pages ListFindingsV2, retries throttled calls, keeps the concurrency bound and says which region has no analyzer", () => {
    const { byOperation } = server.stats;
    const external = org.accessAnalyzer!.analyzers.filter((a) => a.type === "ORGANIZATION").length;
    // One listing per region for each kind of analyzer.
    expect(byOperation["ListAnalyzers"]).toBeGreaterThanOrEqual(2 * REGIONS.length);
    // Two chains per external analyzer (all findings, then the public ones) and one for the unused-access analyzer, several pages each.
    expect(byOperation["ListFindingsV2"]).toBeGreaterThan(2 * external + Math.ceil(org.accessAnalyzer!.unusedFindings.length / 3));
    expect(byOperation["GetFindingV2"]).toBeGreaterThanOrEqual(expected.length);
    expect(server.stats.throttled).toBeGreaterThan(0);
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.accessAnalyzer!.regionsWithoutAnalyzer).toEqual(["ap-southeast-2"]);
  });

  it("gives the same findings from the AWS CLI exports", () => {
    const dir = mkdtempSync(join(tmpdir(), "aws-cli-aa-"));
    try {
      writeAwsCliExports(org, dir);
      expect(collectFromAwsCli(dir).accessAnalyzer).toEqual(snapshot.accessAnalyzer);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bounds GetFindingV2 (public findings first): past the bound findings are still classified, without principals", async () => {
    const plain = await startFakeAws({ org });
    try {
      const bounded = await collectLive({
        aggregator: org.aggregator,
        region: HOME,
        endpointUrl: plain.url,
        securityHub: false,
        accessAnalyzer: true,
        maxFindingDetails: 2,
      });
      const findings = bounded.accessAnalyzer!.findings;
      expect(findings.map(key).sort()).toEqual(expected.map(key).sort());
      const withPrincipals = findings.filter((f) => f.principals.length > 0);
      expect(withPrincipals).toHaveLength(2);
      expect(withPrincipals.every((f) => f.access === "public")).toBe(true);
      expect(plain.stats.byOperation["GetFindingV2"]).toBe(2);
    } finally {
      await plain.close();
    }
  });

  it("a region that refuses the reads is a gap, and is not claimed to have no analyzer", async () => {
    const denied = await startFakeAws({ org, accessAnalyzerDenied: ["us-east-1"] });
    try {
      const partial = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: denied.url, securityHub: false, accessAnalyzer: true });
      expect(partial.gaps).toEqual([
        expect.objectContaining({ scope: "accessanalyzer", operation: "ListAnalyzers", region: "us-east-1" }),
        expect.objectContaining({ scope: "accessanalyzer", operation: "ListAnalyzers (unused access)", region: "us-east-1" }),
      ]);
      expect(partial.accessAnalyzer!.regionsWithoutAnalyzer).toEqual(["ap-southeast-2"]);
      expect(partial.accessAnalyzer!.findings.every((f) => f.region !== "us-east-1")).toBe(true);
      // The unused-access analyzer is in the home region, which answered.
      expect(partial.accessAnalyzer!.unused!.findings).toHaveLength(expectedUnused.length);
    } finally {
      await denied.close();
    }
  });

  it("the home region refusing the unused-access listing is a gap: nothing listed, no findings, and its control has no data", async () => {
    const denied = await startFakeAws({ org, accessAnalyzerDenied: [HOME] });
    try {
      const partial = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: denied.url, securityHub: false, accessAnalyzer: true });
      expect(partial.gaps).toContainEqual(expect.objectContaining({ scope: "accessanalyzer", operation: "ListAnalyzers (unused access)", region: HOME }));
      expect(partial.accessAnalyzer!.unused).toEqual({ analyzers: [], findings: [] });
      const card = buildScorecard(partial, { controls: [controlById("ACCESS-ANALYZER-UNUSED")!] });
      const ac2 = card.frameworks.find((f) => f.id === "nist-800-53")!.requirements.find((r) => r.id === "AC-2")!;
      expect(ac2.status).toBe("NO_DATA");
    } finally {
      await denied.close();
    }
  });
});
