// `npm run bench:synth`: wall time, CPU time (user + system, every thread) and peak memory
// of synth and validate, for the example, the lighter generated shape (clones of the
// example's workload accounts) and the realistic shape (generate-realistic-org.mjs), then
// where the time goes on one thread. Each figure is the median of BENCH_RUNS runs
// (default 3) with the range: the machine is shared, so wall time is noisy and CPU time
// is the steadier figure. BENCH_LARGE=1 adds the realistic 2000-account organization.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { generateOrg } from "./generate-org.mjs";
import { generateRealisticOrg } from "./generate-realistic-org.mjs";

const tmp = mkdtempSync(join(tmpdir(), "baseline-bench-"));
const runs = Math.max(1, Number(process.env.BENCH_RUNS) || 3);

function once(args, env) {
  const rssFile = join(tmp, "rss");
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--import", "./test/bench/maxrss.mjs", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed\n${result.stderr}`);
  const usage = JSON.parse(readFileSync(rssFile, "utf8"));
  return { stdout: result.stdout, wall, cpu: usage.userSeconds + usage.systemSeconds, peakMb: usage.maxRSS / 2 ** 20 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function summarize(samples) {
  const figure = (key, digits) => {
    const xs = samples.map((s) => s[key]);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return {
      median: median(xs),
      text: xs.length > 1 ? `${median(xs).toFixed(digits)} (${lo.toFixed(digits)}-${hi.toFixed(digits)})` : median(xs).toFixed(digits),
    };
  };
  return { wall: figure("wall", 2), cpu: figure("cpu", 2), peakMb: figure("peakMb", 0) };
}

function synth(label, config, { importRoot = false, env = {} } = {}) {
  const out = join(tmp, "out");
  const args = [
    ...(importRoot ? ["--import", "./test/bench/import-provider-root.mjs"] : []),
    "dist/main.js",
    "synth",
    "--quiet",
    "--config",
    config,
    "--out",
    out,
  ];
  const samples = [];
  let stdout = "";
  for (let i = 0; i < runs; i++) {
    rmSync(out, { recursive: true, force: true });
    const sample = once(args, env);
    samples.push(sample);
    stdout = sample.stdout;
  }
  rmSync(out, { recursive: true, force: true });
  const [, stacks, resources] = /synthesized (\d+) stacks with (\d+) resources/.exec(stdout) ?? [];
  return { label, stacks, resources, ...summarize(samples) };
}

/**
 * A one-account change re-synthesized: after a full synth of `text`, each run edits one
 * account's role (its managed policy, a different one each run) and synthesizes again,
 * reusing what the previous run wrote.
 */
function oneAccountChange(label, text) {
  const out = join(tmp, "out-incremental");
  const config = join(tmp, "edited.yaml");
  rmSync(out, { recursive: true, force: true });
  writeFileSync(config, stringify(parse(text)));
  once(["dist/main.js", "synth", "--quiet", "--config", config, "--out", out], {});
  const policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"];
  const samples = [];
  let rebuilt = "";
  for (let i = 0; i < runs; i++) {
    const org = parse(text);
    const accounts = org.accounts.filter((a) => a.name.startsWith("acct"));
    accounts[Math.floor(accounts.length / 2)].roles[0].managedPolicies = [policies[i % 2]];
    writeFileSync(config, stringify(org));
    const sample = once(["dist/main.js", "synth", "--quiet", "--config", config, "--out", out], {});
    samples.push(sample);
    rebuilt = /rebuilt (\d+ of \d+) stacks/.exec(sample.stdout)?.[1] ?? "?";
  }
  rmSync(out, { recursive: true, force: true });
  return { label: `${label} (rebuilt ${rebuilt})`, stacks: "", resources: "", ...summarize(samples) };
}

function validate(label, config) {
  const samples = Array.from({ length: runs }, () => once(["dist/main.js", "validate", "--config", config], {}));
  return { label, stacks: "", resources: "", ...summarize(samples) };
}

const write = (name, text) => {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
};
const regions = ["eu-west-1", "eu-central-1"];
const light100 = write("light-100.yaml", generateOrg(100, { regions }));
const light1000 = write("light-1000.yaml", generateOrg(1000, { regions }));
const real100 = write("real-100.yaml", generateRealisticOrg(100, { regions }));
const real1000 = write("real-1000.yaml", generateRealisticOrg(1000, { regions }));

const rows = [];
rows.push(synth("example", "config/org.yaml"));
rows.push(synth("example, provider root imported", "config/org.yaml", { importRoot: true }));
rows.push(synth("light 100 accounts x 2 regions", light100));
rows.push(synth("light 1000 accounts x 2 regions", light1000));
rows.push(synth("light 1000 accounts x 2 regions, provider root imported", light1000, { importRoot: true }));
rows.push(synth("realistic 100 accounts x 2 regions", real100));
rows.push(synth("realistic 1000 accounts x 2 regions", real1000));
const realistic = rows.at(-1);
rows.push(synth("realistic 1000 x 2, one worker (BASELINE_SYNTH_WORKERS=1)", real1000, { env: { BASELINE_SYNTH_WORKERS: "1" } }));
rows.push(oneAccountChange("realistic 1000 x 2, one account changed", readFileSync(real1000, "utf8")));
const change = rows.at(-1);
if (process.env.BENCH_LARGE) rows.push(synth("realistic 2000 accounts x 2 regions", write("real-2000.yaml", generateRealisticOrg(2000, { regions }))));
rows.push(validate("validate realistic 1000 accounts", real1000));
const validation = rows.at(-1);

console.log(`node ${process.version}, ${process.platform} ${process.arch}, ${availableParallelism()} cores; median of ${runs} runs (range)\n`);
console.log("| run | stacks | resources | wall (s) | CPU user+sys (s) | peak RSS (MB) |\n|---|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.label} | ${r.stacks} | ${r.resources} | ${r.wall.text} | ${r.cpu.text} | ${r.peakMb.text} |`);
const verdict = (ok) => (ok ? "met" : "NOT met");
console.log(`\ntarget realistic 1000x2 synth: < 15 s and < 1024 MB -> ${verdict(realistic.wall.median < 15 && realistic.peakMb.median < 1024)}`);
console.log(`target realistic 1000x2 one-account change: < 3 s -> ${verdict(change.wall.median < 3)}`);
console.log(`target validate 1000 accounts: < 1.5 s -> ${verdict(validation.wall.median < 1.5)}\n`);

// Where the time goes: one thread, realistic 200 accounts.
const where = spawnSync(process.execPath, ["test/bench/where.mjs", write("real-200.yaml", generateRealisticOrg(200, { regions }))], { encoding: "utf8" });
if (where.status !== 0) throw new Error(`where.mjs failed\n${where.stderr}`);
console.log(where.stdout);
rmSync(tmp, { recursive: true, force: true });
