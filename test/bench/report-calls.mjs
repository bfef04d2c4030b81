#!/usr/bin/env node
// Benchmark: API calls and wall time of the report's live collection against the loopback
// AWS with a request-rate limit, on a generated organization of 1000 accounts x 30 rules x
// 3 regions, next to the naive pattern (GetAggregateComplianceDetailsByConfigRule for every
// rule x account x region). The naive pattern runs for real, against the same server with the
// rate limit off (at the rate limit it would take over an hour); its calls are counted by the server.
//
//   node test/bench/report-calls.mjs
//   env: REPORT_BENCH_ACCOUNTS (1000), REPORT_BENCH_RULES (30), REPORT_BENCH_RATE (requests/s
//   per service, 20), REPORT_BENCH_NAIVE=skip to leave out the naive run.
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
console.log(`report-calls: ${accounts} accounts x ${rules} rules x ${regions.length} regions = ${cellCount} cells with results ` +
  `(${nonCompliant.length} NON_COMPLIANT, ${nonCompliant.reduce((n, c) => n + c.resources.length, 0)} non-compliant resources), ` +
  `${org.findings.length} Security Hub findings`);

const seconds = (ms) => (ms / 1000).toFixed(1);

// 1. collectLive, rate limited.
{
  const server = await startFakeAws({ org, rateLimit: rate });
  const started = performance.now();
  const snapshot = await collectLive({ aggregator: org.aggregator, region: "eu-west-1", endpointUrl: server.url, securityHub: true, concurrency: 8 });
  const wall = performance.now() - started;
  await server.close();
  const byOp = Object.entries(server.stats.byOperation).sort().map(([op, n]) => `${op} ${n}`).join(", ");
  console.log(`collectLive (rate limit ${rate} req/s per service): ${snapshot.apiCalls} API calls (${server.stats.throttled} throttled and retried), ` +
    `wall ${seconds(wall)} s, ${snapshot.cells.length} cells, ${snapshot.resources.length} resources, ${snapshot.gaps.length} gaps`);
  console.log(`  by operation: ${byOp}`);
  globalThis.liveCalls = snapshot.apiCalls;
  globalThis.configCalls = Object.entries(server.stats.byOperation)
    .filter(([op]) => !["GetFindings", "ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"].includes(op))
    .reduce((n, [, c]) => n + c, 0);
}

// 2. The naive pattern: one detail call (paged) per rule x account x region.
if (process.env.REPORT_BENCH_NAIVE !== "skip") {
  const server = await startFakeAws({ org });
  const client = new ConfigServiceClient({ region: "eu-west-1", endpoint: server.url, retryMode: "adaptive", maxAttempts: 10 });
  const limit = pLimit(16);
  const started = performance.now();
  // Only cells that have results are called (AWS omits rules without results): this undercounts the naive pattern slightly.
  await Promise.all(org.cells.map((cell) => limit(async () => {
    let token;
    do {
      const page = await client.send(new GetAggregateComplianceDetailsByConfigRuleCommand({
        ConfigurationAggregatorName: org.aggregator, ConfigRuleName: cell.ruleName, AccountId: cell.accountId, AwsRegion: cell.region, Limit: 100, NextToken: token,
      }));
      token = page.NextToken || undefined;
    } while (token);
  })));
  const wall = performance.now() - started;
  client.destroy();
  await server.close();
  const naive = server.stats.requests;
  console.log(`naive per rule x account x region (run without rate limit): ${naive} API calls, wall ${seconds(wall)} s; ` +
    `at ${rate} req/s it would need at least ${seconds((naive / rate) * 1000)} s`);
  console.log(`ratio: ${(naive / globalThis.liveCalls).toFixed(1)}x fewer calls in total (${(naive / globalThis.configCalls).toFixed(1)}x counting Config calls only) — target >= 20x`);
}
