import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { collectLive } from "../../reports/collect/live.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { countsBy, useLoopbackCredentials, withoutNoData } from "./collect-helpers.js";
import { writeAwsCliExports } from "./fake-aws/export-cli.js";
import { expectedScores, expectedSecurityHub, generateOrg, HOSTILE_RESOURCE_ID } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";

const org = generateOrg({ seed: 7, accounts: 60, rules: 12, regions: ["eu-west-1", "us-east-1"], securityHubControls: 6, hostile: true, largeCell: true });
const HOME = "eu-west-1";

describe("collectLive against the loopback AWS (throttling, empty token pages)", () => {
  let server: FakeAws;
  let snapshot: Snapshot;

  beforeAll(async () => {
    useLoopbackCredentials();
    server = await startFakeAws({ org, throttleEvery: 9, emptyPages: true });
    snapshot = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: server.url, securityHub: true, securityHubV2: true, concurrency: 4 });
  });
  afterAll(() => server?.close());

  it("was throttled and still read everything", () => {
    expect(server.stats.throttled).toBeGreaterThan(5);
    expect(server.stats.emptyPages).toBeGreaterThan(20);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.apiCalls).toBe(server.stats.requests);
  });

  it("has exactly the generated cells, with normalized rule names", () => {
    const expected = new Map(org.cells.map((c) => [`${c.accountId}|${c.region}|${c.rule}`, c.status]));
    const actual = new Map(snapshot.cells.map((c) => [`${c.accountId}|${c.region}|${c.rule}`, c.status]));
    expect(actual).toEqual(expected);
    expect(new Set(snapshot.cells.map((c) => c.rule))).toEqual(new Set(org.rules));
    expect(snapshot.cells.some((c) => c.ruleName.startsWith("OrgConfigRule-"))).toBe(true);
    expect(snapshot.cells.some((c) => c.ruleName.includes("-conformance-pack-"))).toBe(true);
  });

  it("gives the reference Config scores per account, rule, region, OU and overall", () => {
    const reference = expectedScores(org);
    const ouOf = new Map(snapshot.accounts.map((a) => [a.accountId, a.ou ?? "?"]));
    expect(countsBy(snapshot.cells, (c) => c.accountId)).toEqual(withoutNoData(reference.byAccount));
    expect(countsBy(snapshot.cells, (c) => c.rule)).toEqual(withoutNoData(reference.byRule));
    expect(countsBy(snapshot.cells, (c) => c.region)).toEqual(withoutNoData(reference.byRegion));
    expect(countsBy(snapshot.cells, (c) => ouOf.get(c.accountId)!)).toEqual(withoutNoData(reference.byOu));
    const overall = countsBy(snapshot.cells, () => "all").get("all")!;
    expect(overall.score).toBe(reference.overall.score);
    expect(overall.score).toBeGreaterThan(50);
    expect(overall.score).toBeLessThan(95);
  });

  it("reads names, OU paths and state (falling back to the retiring Status)", () => {
    expect(snapshot.accounts).toHaveLength(org.accounts.length);
    for (const account of org.accounts) {
      expect(snapshot.accounts.find((a) => a.accountId === account.id)).toEqual({
        accountId: account.id,
        name: account.name,
        email: account.email,
        ou: account.ouPath,
        state: account.status,
      });
    }
    expect(org.accounts.some((a) => a.state === undefined)).toBe(true);
  });

  it("lists every non-compliant resource, from the advanced query and the per-rule fallback", () => {
    const expected = org.cells
      .filter((c) => c.status === "NON_COMPLIANT")
      .flatMap((c) => c.resources.map((r) => `${c.accountId}|${c.region}|${c.rule}|${r.resourceType}|${r.resourceId}`))
      .sort();
    const actual = snapshot.resources.map((r) => `${r.accountId}|${r.region}|${r.rule}|${r.resourceType}|${r.resourceId}`).sort();
    expect(actual).toEqual(expected);
    expect(snapshot.resources.some((r) => r.resourceId === HOSTILE_RESOURCE_ID)).toBe(true);
    // Accounts that do not record ResourceCompliance come through the detail calls, with annotations.
    expect(server.stats.byOperation["GetAggregateComplianceDetailsByConfigRule"]).toBeGreaterThan(0);
    expect(snapshot.resources.some((r) => r.annotation !== undefined)).toBe(true);
    const large = snapshot.cells.find((c) => c.nonCompliantResources?.capExceeded);
    expect(large?.nonCompliantResources).toEqual({ count: 100, capExceeded: true });
    expect(snapshot.resources.filter((r) => r.accountId === large!.accountId && r.region === large!.region && r.rule === large!.rule)).toHaveLength(130);
  });

  it("aggregates Security Hub control results as the console does", () => {
    const reference = expectedSecurityHub(org);
    const actual = new Map(snapshot.securityHub!.controls.map((c) => [`${c.controlId}|${c.accountId}`, c.status]));
    expect(actual).toEqual(reference.controls);
    const failed = org.findings.filter((f) => f.Compliance.Status === "FAILED" && f.RecordState === "ACTIVE" && f.Workflow.Status !== "SUPPRESSED");
    expect(snapshot.securityHub!.failedFindings).toHaveLength(failed.length);
  });

  it("reads the new Security Hub's statistics of active findings as a second source (--security-hub v2)", () => {
    expect(server.stats.byOperation["GetFindingStatisticsV2"]).toBeGreaterThanOrEqual(1);
    const active = org.findings.filter((f) => f.Compliance.Status === "FAILED" && f.RecordState === "ACTIVE" && f.Workflow.Status !== "SUPPRESSED");
    const counts = (key: (f: (typeof active)[number]) => string) => {
      const m = new Map<string, number>();
      for (const f of active) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
      return m;
    };
    const statistic = (field: string) => new Map(snapshot.securityHubV2!.statistics.find((s) => s.field === field)!.values.map((v) => [v.value, v.count]));
    expect(statistic("severity")).toEqual(counts((f) => f.Severity.Label));
    expect(statistic("cloud.account.uid")).toEqual(counts((f) => f.AwsAccountId));
  });

  it("reads the sources status for freshness", () => {
    expect(snapshot.sources.length).toBe(org.accounts.filter((a) => a.status === "ACTIVE").length * org.regions.length);
    expect(snapshot.sources.some((s) => s.status === "OUTDATED")).toBe(true);
  });

  it("gives the same snapshot from the same organization's AWS CLI exports", () => {
    const dir = mkdtempSync(join(tmpdir(), "aws-cli-"));
    try {
      writeAwsCliExports(org, dir);
      const offline = collectFromAwsCli(dir);
      expect(offline.cells).toEqual(snapshot.cells);
      expect(offline.resources).toEqual(snapshot.resources);
      expect(offline.accounts).toEqual(snapshot.accounts);
      expect(offline.sources).toEqual(snapshot.sources);
      expect(offline.securityHub).toEqual(snapshot.securityHub);
      expect(offline.securityHubV2).toEqual(snapshot.securityHubV2);
      expect(offline.notReporting).toEqual(snapshot.notReporting);
      expect(offline.gaps).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("collectLive when an account and a region cannot be read", () => {
  const badAccount = org.accounts.find((a) => a.status === "ACTIVE" && a.recordsResourceCompliance && a.ouPath.startsWith("/Workloads"))!.id;
  const badRegion = "us-east-1";
  let server: FakeAws;
  let snapshot: Snapshot;

  beforeAll(async () => {
    useLoopbackCredentials();
    server = await startFakeAws({ org, unreadable: { accounts: [badAccount], regions: [badRegion] } });
    snapshot = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: server.url, securityHub: false, maxAttempts: 3 });
  });
  afterAll(() => server?.close());

  it("shows the account's cells as NO_DATA with the reason, and a gap", () => {
    const cells = snapshot.cells.filter((c) => c.accountId === badAccount && c.region === HOME);
    // Every rule the region reports, including any this account would not have had results for.
    expect(cells.length).toBe(org.rules.length);
    for (const cell of cells) {
      expect(cell.status).toBe("NO_DATA");
      expect(cell.reason).toMatch(/AccessDeniedException: The aggregator is not authorized to read account/);
    }
    expect(snapshot.gaps).toContainEqual(expect.objectContaining({ scope: "account", accountId: badAccount, reason: expect.stringMatching(/AccessDenied/) }));
  });

  it("shows the region's cells as NO_DATA with the reason, and a gap", () => {
    const cells = snapshot.cells.filter((c) => c.region === badRegion);
    const active = org.accounts.filter((a) => a.status === "ACTIVE").length;
    expect(cells).toHaveLength(active * org.rules.length);
    for (const cell of cells) {
      expect(cell.status).toBe("NO_DATA");
      expect(cell.reason).toMatch(/ServiceUnavailableException.*after 3 attempts/);
    }
    expect(snapshot.gaps).toContainEqual(expect.objectContaining({ scope: "region", region: badRegion }));
  });

  it("never counts unreadable cells: scores equal the reference without them", () => {
    const reference = expectedScores(org, { accounts: [badAccount], regions: [badRegion] });
    expect(countsBy(snapshot.cells, (c) => c.accountId)).toEqual(withoutNoData(reference.byAccount));
    expect(countsBy(snapshot.cells, (c) => c.rule)).toEqual(withoutNoData(reference.byRule));
    expect(countsBy(snapshot.cells, () => "all").get("all")!.score).toBe(reference.overall.score);
    expect(snapshot.securityHub).toBeUndefined();
  });
});

describe("collectLive when the aggregator collects all regions (one paging chain)", () => {
  const badRegion = "us-east-1";
  let server: FakeAws;
  let snapshot: Snapshot;

  beforeAll(async () => {
    useLoopbackCredentials();
    server = await startFakeAws({ org, allRegions: true, unreadable: { regions: [badRegion] } });
    snapshot = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: server.url, securityHub: false });
  });
  afterAll(() => server?.close());

  it("reads the matrix unfiltered and lists a region whose sources all failed as not reporting, not as a failed read", () => {
    // One unfiltered chain: the readable region's rows fit one page of 1000.
    expect(org.cells.filter((c) => c.region === HOME).length).toBeLessThan(1000);
    expect(server.stats.byOperation["DescribeAggregateComplianceByConfigRules"]).toBe(1);
    const reference = expectedScores(org, { regions: [badRegion] });
    expect(countsBy(snapshot.cells, (c) => c.accountId)).toEqual(withoutNoData(reference.byAccount));
    expect(snapshot.cells.filter((c) => c.region === badRegion)).toEqual([]);
    expect(snapshot.notReporting).toContainEqual({
      region: badRegion,
      reason: "no evaluations reported; every aggregator source of the region FAILED (AccessDeniedException)",
    });
    expect(snapshot.gaps).toEqual([]);
  });
});

describe("collectLive with --max-concurrency", () => {
  it("never has more requests in flight than the limit, Security Hub and the sources status included", async () => {
    useLoopbackCredentials();
    const inFlight = async (concurrency: number) => {
      const server = await startFakeAws({ org, latencyMs: 5 });
      try {
        const snapshot = await collectLive({
          aggregator: org.aggregator,
          region: HOME,
          endpointUrl: server.url,
          securityHub: true,
          securityHubV2: true,
          concurrency,
        });
        expect(snapshot.gaps).toEqual([]);
        return server.stats.maxInFlight;
      } finally {
        await server.close();
      }
    };
    expect(await inFlight(2)).toBeLessThanOrEqual(2);
    // The measure sees overlap when the limit allows it.
    expect(await inFlight(16)).toBeGreaterThan(2);
  });
});

describe("collectLive with an aggregator that does not exist", () => {
  it("fails with the reason instead of reporting an empty organization", async () => {
    useLoopbackCredentials();
    const server = await startFakeAws({ org });
    try {
      await expect(collectLive({ aggregator: "nope", region: HOME, endpointUrl: server.url, securityHub: false })).rejects.toThrow(
        /cannot read the compliance of aggregator nope in eu-west-1: NoSuchConfigurationAggregatorException/,
      );
    } finally {
      await server.close();
    }
  });
});
