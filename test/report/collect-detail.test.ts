import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectLive } from "../../reports/collect/live.js";
import { loadSnapshot } from "../../reports/collect/snapshot-io.js";
import { runReport } from "../../reports/command.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { useLoopbackCredentials } from "./collect-helpers.js";
import { expectedScores, generateOrg, type GenCell } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";

// Catalog rules of every severity, and two the catalog does not know (ranked last).
const SEVERITY: Record<string, number> = {
  "kms-cmk-not-scheduled-for-deletion": 0, // CRITICAL
  "iam-policy-no-statements-with-admin-access": 1, // HIGH
  "secretsmanager-rotation-enabled-check": 2, // MEDIUM
  "iam-policy-no-statements-with-full-access": 3, // LOW
  "restricted-ssh": 5,
  "s3-bucket-ssl-requests-only": 5,
};
const org = generateOrg({ seed: 12, accounts: 200, rules: Object.keys(SEVERITY), regions: ["eu-west-1", "us-east-1"], largeCell: true });
const HOME = "eu-west-1";
const DETAIL = "GetAggregateComplianceDetailsByConfigRule";
const key = (c: { rule: string; accountId: string; region: string }) => `${c.rule}|${c.accountId}|${c.region}`;

// Worked out from the generated organization, not from the collector: the failing cells of the
// accounts that do not record AWS::Config::ResourceCompliance (the advanced query misses them),
// worst first. Each has one deployed rule reporting it, so one paging chain of 100 a page.
const recording = new Map(org.accounts.map((a) => [a.id, a.recordsResourceCompliance]));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const worstFirst: GenCell[] = org.cells
  .filter((c) => c.status === "NON_COMPLIANT" && !recording.get(c.accountId))
  .sort(
    (a, b) =>
      SEVERITY[a.rule]! - SEVERITY[b.rule]! ||
      Math.min(b.resources.length, 100) - Math.min(a.resources.length, 100) ||
      Number(b.resources.length > 100) - Number(a.resources.length > 100) ||
      cmp(a.rule, b.rule) ||
      cmp(a.accountId, b.accountId) ||
      cmp(a.region, b.region),
  );
const large = worstFirst.findIndex((c) => c.resources.length > 100);
// The bound reaches just past the cell of 130 resources: its second page no longer fits.
const BOUND = large + 3;

describe("collectLive with --max-detail-calls", () => {
  let server: FakeAws;
  let snapshot: Snapshot;

  beforeAll(async () => {
    useLoopbackCredentials();
    server = await startFakeAws({ org });
    snapshot = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: server.url, securityHub: false, maxDetailCalls: BOUND });
  });
  afterAll(() => server?.close());

  it("is a meaningful case: severity outranks count, and the bound leaves cells out", () => {
    expect(large).toBeGreaterThanOrEqual(0);
    expect(BOUND).toBeLessThan(worstFirst.length);
    const chosen = worstFirst.slice(0, BOUND);
    const rest = worstFirst.slice(BOUND);
    expect(rest.some((l) => chosen.some((c) => l.resources.length > c.resources.length))).toBe(true);
  });

  it("makes exactly the bound's detail calls, for the worst cells", () => {
    expect(server.stats.byOperation[DETAIL]).toBe(BOUND);
    expect(snapshot.detailBound).toEqual({ maxCalls: BOUND, calls: BOUND });
    expect(snapshot.gaps).toEqual([]);
    const listedCells = new Set(snapshot.resources.map(key));
    const chosen = worstFirst.slice(0, BOUND);
    for (const cell of chosen) expect(listedCells.has(key(cell))).toBe(true);
    for (const cell of worstFirst.slice(BOUND)) expect(listedCells.has(key(cell))).toBe(false);
    // The first page of the large cell only: 100 of its 130 resources.
    expect(snapshot.resources.filter((r) => key(r) === key(worstFirst[large]!))).toHaveLength(100);
  });

  it("records what the bound left out, apart from failed reads and AWS's cap", () => {
    const leftOut = new Map(snapshot.cells.filter((c) => c.detailLeftOut).map((c) => [key(c), c.detailLeftOut]));
    const expected = new Map([[key(worstFirst[large]!), "partly-read"], ...worstFirst.slice(BOUND).map((c) => [key(c), "not-read"] as const)]);
    expect(leftOut).toEqual(expected);
  });

  it("keeps every cell and count: the matrix carries them", () => {
    const statuses = new Map(snapshot.cells.map((c) => [key(c), c.status]));
    expect(statuses).toEqual(new Map(org.cells.map((c) => [key(c), c.status])));
    for (const cell of worstFirst) {
      const seen = snapshot.cells.find((c) => key(c) === key(cell))!;
      expect(seen.nonCompliantResources).toEqual({ count: Math.min(cell.resources.length, 100), capExceeded: cell.resources.length > 100 });
    }
  });

  it("with 0 makes no detail call and lists what the advanced query sees", async () => {
    const zero = await startFakeAws({ org });
    try {
      const matrixOnly = await collectLive({ aggregator: org.aggregator, region: HOME, endpointUrl: zero.url, securityHub: false, maxDetailCalls: 0 });
      expect(zero.stats.byOperation[DETAIL]).toBeUndefined();
      expect(matrixOnly.detailBound).toEqual({ maxCalls: 0, calls: 0 });
      expect(
        matrixOnly.cells
          .filter((c) => c.detailLeftOut === "not-read")
          .map(key)
          .sort(),
      ).toEqual(worstFirst.map(key).sort());
      const queried = org.cells.filter((c) => c.status === "NON_COMPLIANT" && recording.get(c.accountId));
      expect(matrixOnly.resources).toHaveLength(queried.reduce((n, c) => n + c.resources.length, 0));
    } finally {
      await zero.close();
    }
  });
});

describe("baseline report --max-detail-calls", () => {
  it("says what was left out and how to raise the bound, with the same scores and exit code 0", async () => {
    useLoopbackCredentials();
    const server = await startFakeAws({ org });
    const dir = mkdtempSync(join(tmpdir(), "report-detail-"));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const lines: string[] = [];
      const code = await runReport(
        {
          aggregator: org.aggregator,
          region: HOME,
          endpointUrl: server.url,
          securityhub: false,
          maxDetailCalls: BOUND,
          json: join(dir, "card.json"),
          markdown: join(dir, "card.md"),
          html: join(dir, "card.html"),
          saveSnapshot: join(dir, "snapshot.json"),
        },
        (line) => lines.push(line),
      );
      expect(code).toBe(0);

      const leftOut = worstFirst.slice(BOUND);
      // Config's counts of the cells not read; the large cell read in part lists all 100 AWS counts.
      const resources = leftOut.reduce((n, c) => n + Math.min(c.resources.length, 100), 0);
      const card = JSON.parse(readFileSync(join(dir, "card.json"), "utf8"));
      expect(card.unlisted).toEqual({
        bound: { maxCalls: BOUND, calls: BOUND },
        leftOut: { cells: leftOut.length + 1, partlyRead: 1, resources, atLeast: true },
        capped: 0,
        unread: 0,
      });
      expect(card.unlistedCells).toBe(leftOut.length + 1);
      expect(card.score.overall).toBe(expectedScores(org).overall.score);

      const markdown = readFileSync(join(dir, "card.md"), "utf8");
      expect(markdown).toContain(`${leftOut.length + 1} failing cells (at least ${resources} resources) left out by \`--max-detail-calls ${BOUND}\``);
      const html = readFileSync(join(dir, "card.html"), "utf8");
      expect(html).toMatch(new RegExp(`id="detail-left-out"[^>]*><strong>Resources of ${leftOut.length + 1} failing cells left out by the bound`));
      expect(html).toContain(`<code>--max-detail-calls ${BOUND}</code> (${BOUND} calls made)`);
      expect(lines).toContain(
        `resources: ${leftOut.length + 1} failing cells not listed (at least ${resources} resources), bounded by --max-detail-calls ${BOUND}; raise it to list them (scores do not change)`,
      );
      expect(lines).toContain("could not read: nothing, every read succeeded");

      const saved = loadSnapshot(join(dir, "snapshot.json"));
      expect(saved.detailBound).toEqual({ maxCalls: BOUND, calls: BOUND });
      expect(saved.cells.filter((c) => c.detailLeftOut)).toHaveLength(leftOut.length + 1);
    } finally {
      stderr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  });
});
