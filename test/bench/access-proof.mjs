// `npm run bench:access`: what the access proof of `baseline check` costs on top of
// the control predicates, for the example and a generated 1000-account organization.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../dist/config/load.js";
import { deriveIntents, proveIntents } from "../../dist/modules/access/intents.js";
import { buildWorld } from "../../dist/modules/access/world.js";
import { readSynthesized } from "../../dist/modules/controls/check.js";
import { generateOrg } from "./generate-org.mjs";

const tmp = mkdtempSync(join(tmpdir(), "baseline-bench-access-"));
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function measure(label, config) {
  const out = join(tmp, label.replace(/\W/g, "-"));
  const synth = spawnSync(process.execPath, ["dist/main.js", "synth", "--quiet", "--config", config, "--out", out], { encoding: "utf8" });
  if (synth.status !== 0) throw new Error(`${label}: synth failed\n${synth.stderr}`);
  const org = loadConfig(config);
  let t = process.hrtime.bigint();
  const stacks = readSynthesized(out);
  const read = seconds(t);
  t = process.hrtime.bigint();
  const world = buildWorld(stacks, org);
  const build = seconds(t);
  t = process.hrtime.bigint();
  const intents = deriveIntents(org);
  const derive = seconds(t);
  t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const results = proveIntents(world, intents);
  const prove = seconds(t);
  const { user, system } = process.cpuUsage(cpu);
  const proveCpu = (user + system) / 1e6;
  const failed = results.filter((r) => !r.passed).length;
  rmSync(out, { recursive: true, force: true });
  return { label, stacks: stacks.length, intents: intents.length, failed, read, build, derive, prove, proveCpu };
}

const org1000 = join(tmp, "org-1000.yaml");
writeFileSync(org1000, generateOrg(1000, { regions: ["eu-west-1", "eu-central-1"] }));
const rows = [measure("example", "config/org.yaml"), measure("1000 accounts x 2 regions", org1000)];

console.log(`node ${process.version}, ${process.platform} ${process.arch}\n`);
console.log("| run | stacks | intents | not holding | read JSON (s) | world (s) | derive (s) | prove (s) | prove CPU (s) | proof total (s) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const total = r.build + r.derive + r.prove;
  console.log(
    `| ${r.label} | ${r.stacks} | ${r.intents} | ${r.failed} | ${r.read.toFixed(2)} | ${r.build.toFixed(2)} | ${r.derive.toFixed(2)} | ${r.prove.toFixed(2)} | ${r.proveCpu.toFixed(2)} | ${total.toFixed(2)} |`,
  );
}
const big = rows[1];
console.log(`\ntarget 1000x2: proof < 10 s on top of check -> ${big.build + big.derive + big.prove < 10 ? "met" : "NOT met"}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(tmp, { recursive: true, force: true });
