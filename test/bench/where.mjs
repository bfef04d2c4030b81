// Where synthesis time goes, on one thread: loading, the identity plan, building each
// capability's constructs, cdktf's synth (token resolution and writing), and the share
// of cdktf's per-token stack-trace capture. Instrumentation lives here only: the
// capture is timed by wrapping Error.captureStackTrace in this process.
//   node test/bench/where.mjs <config.yaml>
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dist = new URL("../../dist/", import.meta.url);
const { loadConfig } = await import(new URL("config/load.js", dist));
const { identityPlan } = await import(new URL("modules/identity-plan.js", dist));
const { capabilities } = await import(new URL("stacks/capabilities.js", dist));
const { AccountStack } = await import(new URL("stacks/account-stack.js", dist));
const { App } = await import(new URL("stacks/platform.js", dist));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
function timed(fn) {
  const start = cpu();
  const value = fn();
  return [value, cpu() - start];
}

// Stack-trace captures: count them and time them, formatting included (cdktf reads `.stack` right after).
let captures = 0;
let captureSeconds = 0;
const capture = Error.captureStackTrace;
Error.captureStackTrace = function (target, below) {
  const start = cpu();
  capture.call(this, target, below);
  void target.stack;
  captureSeconds += cpu() - start;
  captures++;
};

const file = process.argv[2] ?? "config/org.yaml";
const phases = [];
const [org, loadSeconds] = timed(() => loadConfig(file));
phases.push(["load and validate the config", loadSeconds]);
phases.push(["identity plan (every role, key and secret policy)", timed(() => identityPlan(org))[1]]);

const byCapability = new Map();
capabilities.forEach((capability, i) => {
  capabilities[i] = (scope, ctx) => {
    const [, seconds] = timed(() => capability(scope, ctx));
    byCapability.set(capability.name, (byCapability.get(capability.name) ?? 0) + seconds);
  };
});
const out = mkdtempSync(join(tmpdir(), "baseline-where-"));
const app = new App({ outdir: out, stackTraces: false });
const perStack = [];
const capturesBefore = captures;
const [, buildSeconds] = timed(() => {
  for (const stack of org.stacks) perStack.push([stack.name, timed(() => new AccountStack(app, { org, stack }))[1]]);
});
const buildCaptures = captures - capturesBefore;
const buildCaptureSeconds = captureSeconds;
const capabilitySeconds = [...byCapability.values()].reduce((a, b) => a + b, 0);
phases.push(["stacks: provider, variable, backend", buildSeconds - capabilitySeconds]);
for (const [name, seconds] of byCapability) phases.push([`stacks: ${name.replace(/Capability$/, "")}`, seconds]);
const [, synthSeconds] = timed(() => app.synth());
phases.push(["cdktf synth: resolve tokens, write JSON", synthSeconds]);
rmSync(out, { recursive: true, force: true });

const total = phases.reduce((a, [, s]) => a + s, 0);
const resources = perStack.length;
console.log(`${file}: ${org.stacks.length} stacks, one thread, CPU seconds\n`);
console.log("| phase | CPU (s) | share |\n|---|---:|---:|");
for (const [name, seconds] of phases) console.log(`| ${name} | ${seconds.toFixed(2)} | ${((100 * seconds) / total).toFixed(0)}% |`);
console.log(`| total | ${total.toFixed(2)} | |`);
console.log(
  `\ncdktf stack-trace captures: ${captures} (${buildCaptures} while building, ${captures - buildCaptures} in synth), ` +
    `${captureSeconds.toFixed(2)} s CPU in them (${buildCaptureSeconds.toFixed(2)} s while building), ${((100 * captureSeconds) / total).toFixed(0)}% of the total`,
);
const heaviest = [...perStack].sort((a, b) => b[1] - a[1]).slice(0, 3);
console.log(`heaviest stacks to build: ${heaviest.map(([n, s]) => `${n} ${s.toFixed(2)} s`).join(", ")} (of ${resources})`);
