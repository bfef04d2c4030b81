import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { collectLive } from "../../reports/collect/live.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { useLoopbackCredentials } from "./collect-helpers.js";
import { expectedAccessFindings, generateAccessAnalyzer } from "./fake-aws/access-analyzer.js";
import { writeAwsCliExports } from "./fake-aws/export-cli.js";
import { generateOrg } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";

const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"];
const org = generateOrg({ seed: 31, accounts: 40, rules: 4, regions: REGIONS, hostile: true });
org.accessAnalyzer = generateAccessAnalyzer(org, { seed: 31, withoutAnalyzer: ["ap-southeast-2"], hostile: true });
const expected = expectedAccessFindings(org.accessAnalyzer);
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

  it("pages ListFindingsV2, retries throttled calls, keeps the concurrency bound and says which region has no analyzer", () => {
    const { byOperation } = server.stats;
    const analyzers = org.accessAnalyzer!.analyzers.length;
    expect(byOperation["ListAnalyzers"]).toBeGreaterThanOrEqual(REGIONS.length);
    // Two chains per analyzer (all findings, then the public ones), several pages each.
    expect(byOperation["ListFindingsV2"]).toBeGreaterThan(2 * analyzers);
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
      expect(partial.gaps).toEqual([expect.objectContaining({ scope: "accessanalyzer", operation: "ListAnalyzers", region: "us-east-1" })]);
      expect(partial.accessAnalyzer!.regionsWithoutAnalyzer).toEqual(["ap-southeast-2"]);
      expect(partial.accessAnalyzer!.findings.every((f) => f.region !== "us-east-1")).toBe(true);
    } finally {
      await denied.close();
    }
  });
});
