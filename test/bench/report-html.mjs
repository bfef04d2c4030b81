#!/usr/bin/env node
// Benchmark: size of the scorecard HTML and its load time in Chromium, for a generated
// organization of 1000 accounts x 30 rules x 3 regions (targets: under 5 MB, under 2 s).
// The organization goes the way a user's would: AWS CLI exports -> --from-aws-cli collector
// -> scorecard model -> renderers; the previous snapshot (for the trend) is the same
// organization with another seed's results. The history (`--history`) is a folder of saved
// snapshots of the weeks before, each collected from its own exports.
//
//   npm run -s build && node test/bench/report-html.mjs
//   env: REPORT_BENCH_ACCOUNTS (1000), REPORT_BENCH_RULES (30), REPORT_BENCH_HISTORY (12 snapshots),
//        REPORT_BENCH_KEEP=1 keeps the files.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.error(`report-html: needs Debian's Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(1);
}
// The organization generator lives in test/, outside the product build: compile it into dist/.
try {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "test", "bench", "tsconfig.report-html.json")], { stdio: "pipe" });
} catch (err) {
  // tsc still emits when some file has a type error; only a missing output is fatal (the imports below say so).
  process.stderr.write(String(err.stdout ?? ""));
}
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { generateOrg } = await import(dist("test/report/fake-aws/org.js"));
const { writeAwsCliExports } = await import(dist("test/report/fake-aws/export-cli.js"));
const { earlierOrg } = await import(dist("test/report/fake-aws/history.js"));
const { saveSnapshot } = await import(dist("reports/collect/snapshot-io.js"));
const { loadHistory } = await import(dist("reports/collect/history-io.js"));
const { collectFromAwsCli } = await import(dist("reports/collect/aws-cli.js"));
const { buildScorecard } = await import(dist("reports/model/scorecard.js"));
const { renderHtml } = await import(dist("reports/render/html.js"));
const { renderJson } = await import(dist("reports/render/json.js"));
const { renderCsv } = await import(dist("reports/render/csv.js"));
const { renderMarkdown } = await import(dist("reports/render/markdown.js"));
const { chromium } = await import("playwright-core");

const accounts = Number(process.env.REPORT_BENCH_ACCOUNTS ?? 1000);
const rules = Number(process.env.REPORT_BENCH_RULES ?? 30);
const historySnapshots = Number(process.env.REPORT_BENCH_HISTORY ?? 12);
const regions = ["eu-west-1", "us-east-1", "ap-southeast-2"];
const tmp = mkdtempSync(join(tmpdir(), "report-html-bench-"));
const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
const ms = (t) => `${Math.round(t)} ms`;
const timed = (fn) => {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
};

const spec = { accounts, rules, regions, securityHubControls: 4, hostile: true, largeCell: true };
const snapshotOf = (seed, name) => {
  const dir = join(tmp, name);
  writeAwsCliExports(generateOrg({ ...spec, seed }), dir);
  return timed(() => collectFromAwsCli(dir));
};
const [snapshot, collectMs] = snapshotOf(42, "current");
const [previous] = snapshotOf(43, "previous");
console.log(
  `report-html: ${accounts} accounts x ${rules} rules x ${regions.length} regions: ${snapshot.cells.length} cells, ` +
    `${snapshot.resources.length} non-compliant resources, ${snapshot.securityHub?.controls.length ?? 0} Security Hub control results`,
);

// The weeks before, oldest first: each a week earlier than the next, written as the report gate saves them.
const historyDir = join(tmp, "history");
mkdirSync(historyDir);
let week = generateOrg({ ...spec, seed: 42 });
for (let i = 1; i <= historySnapshots; i++) {
  week = earlierOrg(week, { seed: 100 + i, days: 7 });
  const dir = join(tmp, `week-${i}`);
  writeAwsCliExports(week, dir);
  saveSnapshot(join(historyDir, `${week.asOf.slice(0, 19).replace(/[-:]/g, "")}Z.json`), collectFromAwsCli(dir));
  rmSync(dir, { recursive: true, force: true });
}
const [history, historyMs] = timed(() => loadHistory(historyDir));
const historyMb = mb(readdirSync(historyDir).reduce((n, f) => n + statSync(join(historyDir, f)).size, 0));

const [card, modelMs] = timed(() => buildScorecard(snapshot, { previous, history }));
const htmlFile = join(tmp, "scorecard.html");
const [html, htmlMs] = timed(() => renderHtml(card, { jsonFile: "scorecard.json", failUnder: 80 }));
const [json, jsonMs] = timed(() => renderJson(card));
const [csv, csvMs] = timed(() => renderCsv(card));
const [markdown, mdMs] = timed(() => renderMarkdown(card, { failUnder: 80 }));
writeFileSync(htmlFile, html);
const htmlBytes = Buffer.byteLength(html);
const withoutHistoryBytes = Buffer.byteLength(renderHtml({ ...card, history: null }, { jsonFile: "scorecard.json" }));

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const loads = [];
let filterMs = 0;
let sortMs = 0;
const errors = [];
for (let run = 0; run < 3; run++) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const start = performance.now();
  await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });
  const wall = performance.now() - start;
  const nav = await page.evaluate(() => {
    const [entry] = performance.getEntriesByType("navigation");
    return { domContentLoaded: entry.domContentLoadedEventEnd, load: entry.loadEventEnd };
  });
  loads.push({ wall, ...nav });
  if (run === 0) {
    // Interaction costs on the largest table: a filter that narrows it, then a sort.
    const t0 = performance.now();
    await page.fill("#filter", "prod");
    await page.waitForFunction(() => document.querySelector('[data-count-for="accounts-table"]')?.textContent?.includes(" of "));
    filterMs = performance.now() - t0 - 120; // minus the input debounce
    const t1 = performance.now();
    await page.locator("#accounts-table th", { hasText: "Non-compliant" }).locator("button").click();
    sortMs = performance.now() - t1;
  }
  await page.close();
}
await browser.close();

const worst = loads.reduce((a, b) => (b.wall > a.wall ? b : a));
const median = [...loads].sort((a, b) => a.wall - b.wall)[1];
console.log(`  collect (--from-aws-cli)   ${ms(collectMs)}`);
console.log(`  read --history             ${ms(historyMs)} (${historySnapshots} snapshots, ${historyMb} MB of JSON)`);
console.log(`  model (trend, history)     ${ms(modelMs)}`);
console.log(`  render HTML                ${ms(htmlMs)}`);
console.log(
  `  render JSON / CSV / MD     ${ms(jsonMs)} / ${ms(csvMs)} / ${ms(mdMs)}  (${mb(Buffer.byteLength(json))} MB / ${mb(Buffer.byteLength(csv))} MB / ${(Buffer.byteLength(markdown) / 1024).toFixed(1)} KB)`,
);
console.log(
  `  HTML size                  ${mb(htmlBytes)} MB (target < 5 MB: ${htmlBytes < 5 * 2 ** 20 ? "met" : "MISSED"}); ${mb(htmlBytes - withoutHistoryBytes)} MB of it the history`,
);
console.log(
  `  Chromium load (3 runs)     median ${ms(median.wall)} wall, DOMContentLoaded ${ms(median.domContentLoaded)}, load event ${ms(median.load)}; ` +
    `worst ${ms(worst.wall)} (target < 2 s: ${worst.wall < 2000 ? "met" : "MISSED"})`,
);
console.log(`  filter 1000 accounts       ${ms(filterMs)}; sort ${ms(sortMs)}`);
console.log(`  console errors             ${errors.length}`);
if (process.env.REPORT_BENCH_KEEP) console.log(`  files kept in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
