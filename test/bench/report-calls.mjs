#!/usr/bin/env node
// Benchmark: API calls and wall time of the report's live collection against the loopback
// AWS with a request-rate limit, on a generated organization of 1000 accounts x 30 rules x
// 3 regions, next to the naive pattern (GetAggregateComplianceDetailsByConfigRule for every
// rule x account x region, see below for how its calls are counted).
//
//   node test/bench/report-calls.mjs
//   env: REPORT_BENCH_ACCOUNTS (1000), REPORT_BENCH_RULES (30), REPORT_BENCH_RATE (requests/s
//   per service, 20), REPORT_BENCH_DETAIL (the second run's --max-detail-calls, 100),
//   REPORT_BENCH_NAIVE=skip|full (default: computed, checked on a sample).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// The loopback server lives in test/, outside the product build: compile it (and the collectors) into dist/.
try {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "test", "bench", "tsconfig.report-calls.json")], { stdio: "pipe" });
} catch (err) {
  // tsc still emits when some file has a type error; only a missing output is fatal (checked by the imports below).
  process.stderr.write(String(err.stdout ?? ""));
}
const { collectLive } = await import(join(root, "dist", "reports", "collect", "live.js"));
const { generateOrg } = await import(join(root, "dist", "test", "report", "fake-aws", "org.js"));
const { startFakeAws } = await import(join(root, "dist", "test", "report", "fake-aws", "server.js"));
const { ConfigServiceClient, GetAggregateComplianceDetailsByConfigRuleCommand } = await import("@aws-sdk/client-config-service");
const pLimit = (await import("p-limit")).default;

const accounts = Number(process.env.REPORT_BENCH_ACCOUNTS ?? 1000);
const rules = Number(process.env.REPORT_BENCH_RULES ?? 30);
const rate = Number(process.env.REPORT_BENCH_RATE ?? 20);
const regions = ["eu-west-1", "us-east-1", "ap-southeast-2"];
process.env.AWS_ACCESS_KEY_ID = "AKIDLOOPBACKBENCH";
process.env.AWS_SECRET_ACCESS_KEY = "loopback-only";
process.env.AWS_EC2_METADATA_DISABLED = "true";

const org = generateOrg({ seed: 42, accounts, rules, regions, securityHubControls: 4, largeCell: true });
const cellCount = org.cells.length;
const nonCompliant = org.cells.filter((c) => c.status === "NON_COMPLIANT");
console.log(
  `report-calls: ${accounts} accounts x ${rules} rules x ${regions.length} regions = ${cellCount} cells with results ` +
    `(${nonCompliant.length} NON_COMPLIANT, ${nonCompliant.reduce((n, c) => n + c.resources.length, 0)} non-compliant resources), ` +
    `${org.findings.length} Security Hub findings`,
);

const seconds = (ms) => (ms / 1000).toFixed(1);

// 1. collectLive, rate limited: with the default detail bound, then with REPORT_BENCH_DETAIL (100) detail calls at most.
const collect = async (maxDetailCalls) => {
  const server = await startFakeAws({ org, rateLimit: rate });
  const started = performance.now();
  const snapshot = await collectLive({
    aggregator: org.aggregator,
    region: "eu-west-1",
    endpointUrl: server.url,
    securityHub: true,
    concurrency: 8,
    ...(maxDetailCalls === undefined ? {} : { maxDetailCalls }),
  });
  const wall = performance.now() - started;
  await server.close();
  const byOp = Object.entries(server.stats.byOperation)
    .sort()
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
  const leftOut = snapshot.cells.filter((c) => c.detailLeftOut).length;
  console.log(
    `collectLive (rate limit ${rate} req/s per service, --max-detail-calls ${snapshot.detailBound.maxCalls}): ${snapshot.apiCalls} API calls ` +
      `(${server.stats.throttled} throttled and retried), wall ${seconds(wall)} s, ${snapshot.cells.length} cells, ${snapshot.resources.length} resources, ` +
      `${snapshot.detailBound.calls} detail calls, ${leftOut} failing cells left out by the bound, ${snapshot.gaps.length} gaps`,
  );
  console.log(`  by operation: ${byOp}`);
  return { snapshot, server };
};
{
  const { snapshot, server } = await collect(undefined);
  globalThis.liveCalls = snapshot.apiCalls;
  globalThis.configCalls = Object.entries(server.stats.byOperation)
    .filter(([op]) => !["GetFindings", "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"].includes(op))
    .reduce((n, [, c]) => n + c, 0);
}
await collect(Number(process.env.REPORT_BENCH_DETAIL ?? 100));

// 2. The naive pattern: one detail call per rule x account x region, paged (100 a page).
// Its call count is computed from the organization (pages each cell needs) and checked by
// running a sample of the cells for real against the loopback server with the rate limit
// off; REPORT_BENCH_NAIVE=full runs every cell (about 90,000 SDK calls, minutes on 2 cores).
// Only cells that have results are counted (AWS omits rules without results): this undercounts the naive pattern slightly.
if (process.env.REPORT_BENCH_NAIVE !== "skip") {
  const full = process.env.REPORT_BENCH_NAIVE === "full";
  const pagesOf = (cell) => Math.max(1, Math.ceil((cell.resources.length + cell.compliantResources) / 100));
  const computed = org.cells.reduce((n, cell) => n + pagesOf(cell), 0);
  const sample = full ? org.cells : org.cells.filter((_, i) => i % 25 === 0 || org.cells[i].resources.length > 100);
  const server = await startFakeAws({ org });
  const client = new ConfigServiceClient({ region: "eu-west-1", endpoint: server.url, retryMode: "adaptive", maxAttempts: 10 });
  const limit = pLimit(16);
  const started = performance.now();
  await Promise.all(
    sample.map((cell) =>
      limit(async () => {
        let token;
        do {
          const page = await client.send(
            new GetAggregateComplianceDetailsByConfigRuleCommand({
              ConfigurationAggregatorName: org.aggregator,
              ConfigRuleName: cell.ruleName,
              AccountId: cell.accountId,
              AwsRegion: cell.region,
              Limit: 100,
              NextToken: token,
            }),
          );
          token = page.NextToken || undefined;
        } while (token);
      }),
    ),
  );
  const wall = performance.now() - started;
  client.destroy();
  await server.close();
  const expectedSample = sample.reduce((n, cell) => n + pagesOf(cell), 0);
  if (server.stats.requests !== expectedSample) {
    console.log(`naive: the sample made ${server.stats.requests} calls where ${expectedSample} were computed: the computed count is wrong`);
    process.exitCode = 1;
  }
  const naive = full ? server.stats.requests : computed;
  console.log(
    `naive per rule x account x region: ${naive} API calls (${full ? "all run" : `computed; ${sample.length} cells run for real made the computed ${server.stats.requests} calls`}` +
      ` in ${seconds(wall)} s without rate limit); at ${rate} req/s it needs at least ${seconds((naive / rate) * 1000)} s`,
  );
  console.log(
    `ratio: ${(naive / globalThis.liveCalls).toFixed(1)}x fewer calls in total (${(naive / globalThis.configCalls).toFixed(1)}x counting Config calls only) - target >= 20x`,
  );
}
