// `npm run bench`: synth wall time and peak memory for the example and generated
// organizations, and the same app importing the provider package root, for comparison.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateOrg } from "./generate-org.mjs";

const tmp = mkdtempSync(join(tmpdir(), "baseline-bench-"));

function synth(label, config, { importRoot = false } = {}) {
  const out = join(tmp, "out");
  const rssFile = join(tmp, "rss");
  const args = ["--import", "./test/bench/maxrss.mjs", ...(importRoot ? ["--import", "./test/bench/import-provider-root.mjs"] : []), "dist/main.js", "synth", "--quiet", "--config", config, "--out", out];
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, BENCH_RSS_FILE: rssFile } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${label}: synth failed\n${result.stderr}`);
  const [, stacks, resources] = /synthesized (\d+) stacks with (\d+) resources/.exec(result.stdout) ?? [];
  const peakMb = Number(readFileSync(rssFile, "utf8")) / 2 ** 20;
  rmSync(out, { recursive: true, force: true });
  return { label, stacks: Number(stacks), resources: Number(resources), seconds, peakMb };
}

const rows = [];
const generated = (n) => {
  const file = join(tmp, `org-${n}.yaml`);
  writeFileSync(file, generateOrg(n, { regions: ["eu-west-1", "eu-central-1"] }));
  return file;
};
const org100 = generated(100);
const org1000 = generated(1000);

rows.push(synth("example", "config/org.yaml"));
rows.push(synth("example, provider root imported", "config/org.yaml", { importRoot: true }));
rows.push(synth("100 accounts x 2 regions", org100));
rows.push(synth("1000 accounts x 2 regions", org1000));
rows.push(synth("1000 accounts x 2 regions, provider root imported", org1000, { importRoot: true }));

const header = "| run | stacks | resources | wall (s) | peak RSS (MB) |";
console.log(`node ${process.version}, ${process.platform} ${process.arch}\n`);
console.log(`${header}\n|---|---:|---:|---:|---:|`);
for (const r of rows) console.log(`| ${r.label} | ${r.stacks} | ${r.resources} | ${r.seconds.toFixed(2)} | ${r.peakMb.toFixed(0)} |`);
const big = rows[3];
console.log(`\ntarget 1000x2: < 30 s and < 2048 MB -> ${big.seconds < 30 && big.peakMb < 2048 ? "met" : "NOT met"}`);
rmSync(tmp, { recursive: true, force: true });
