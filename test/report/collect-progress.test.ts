import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectLive } from "../../reports/collect/live.js";
import { stderrProgress } from "../../reports/collect/progress.js";
import type { Snapshot } from "../../reports/snapshot.js";
import { useLoopbackCredentials } from "./collect-helpers.js";
import { expectedScores, generateOrg } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";

/** A non-terminal stream (as in CI) that keeps what was written. */
function capture(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = "";
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, lines: () => text.split("\n").filter(Boolean) };
}

describe("collection under a request-rate limit, with progress on a non-terminal", () => {
  const org = generateOrg({ seed: 5, accounts: 30, rules: 8, regions: ["eu-west-1", "eu-central-1"], securityHubControls: 3 });
  let server: FakeAws;
  let snapshot: Snapshot;
  const output = capture();

  beforeAll(async () => {
    useLoopbackCredentials();
    server = await startFakeAws({ org, rateLimit: 8 });
    snapshot = await collectLive({
      aggregator: org.aggregator,
      region: "eu-west-1",
      endpointUrl: server.url,
      securityHub: true,
      concurrency: 8,
      progress: stderrProgress(output.stream, 0),
    });
  });
  afterAll(() => server?.close());

  it("reads everything despite the throttling the rate limit causes", () => {
    expect(server.stats.throttled).toBeGreaterThan(0);
    expect(snapshot.gaps).toEqual([]);
    const counted = snapshot.cells.filter((c) => c.status === "COMPLIANT" || c.status === "NON_COMPLIANT");
    const reference = expectedScores(org).overall;
    expect(counted.length).toBe(reference.compliant + reference.nonCompliant);
    expect(snapshot.cells.filter((c) => c.status === "COMPLIANT").length).toBe(reference.compliant);
  });

  it("prints plain progress lines per phase and the number of API calls at the end", () => {
    const lines = output.lines();
    expect(lines[0]).toMatch(/^report: organizations and aggregator sources 0\/3, \d+ API calls$/);
    expect(lines.some((l) => /^report: compliance matrix \d+\/2, \d+ API calls$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe(
      `report: ${snapshot.cells.length} cells, ${snapshot.resources.length} non-compliant resources, 0 gaps; ${snapshot.apiCalls} API calls`,
    );
    expect(snapshot.apiCalls).toBe(server.stats.requests);
    expect(lines.every((l) => !l.includes("\u001b"))).toBe(true);
  });
});
