import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ResolvedOrg, StackSpec } from "../config/model.js";
import { AccountStack } from "./account-stack.js";
import { App, CDKTF_VERSION } from "./platform.js";

export interface StackSummary {
  name: string;
  account: string;
  region: string;
  resources: number;
}

/** The output folder: `--out`, else cdktf's `CDKTF_OUTDIR`, else `cdktf.out`. */
export function outDirFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option || env.CDKTF_OUTDIR || "cdktf.out";
}

/** Builds account-region stacks (default: all) into `outdir` in this thread (no swapping; see synthesizeAtomically). */
export function synthesizeInto(org: ResolvedOrg, outdir: string, stacks: StackSpec[] = org.stacks): void {
  const app = new App({ outdir, stackTraces: false });
  for (const stack of stacks) new AccountStack(app, { org, stack });
  app.synth();
}

/** Stacks per worker below which a second thread costs more than it saves. */
const STACKS_PER_WORKER = 150;
const WORKER_FILE = fileURLToPath(new URL("./synth-worker.js", import.meta.url));

/** Worker threads for `stacks` stacks: `BASELINE_SYNTH_WORKERS` if set, else one per core for large organizations. */
export function workerCount(stacks: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.BASELINE_SYNTH_WORKERS);
  const wanted = forced >= 1 ? Math.floor(forced) : Math.min(availableParallelism(), Math.floor(stacks / STACKS_PER_WORKER));
  return existsSync(WORKER_FILE) ? Math.max(1, Math.min(wanted, stacks)) : 1;
}

/**
 * cdktf building time is dominated by token stack-trace capture, which is CPU
 * bound, so large organizations are split across worker threads, each writing
 * its share of stacks into its own part folder; the parts are merged after.
 */
async function synthesizeParallel(org: ResolvedOrg, outdir: string, workers: number): Promise<void> {
  const shares = Array.from({ length: workers }, (_, i) => org.stacks.filter((_, j) => j % workers === i).map((s) => s.name));
  const parts = shares.map((_, i) => join(outdir, `.part-${i}`));
  mkdirSync(outdir, { recursive: true });
  await Promise.all(
    shares.map(
      (names, i) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_FILE, { workerData: { config: org.config, source: org.source, outdir: parts[i], names } });
          worker.once("error", reject);
          worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`synth worker ${i} exited with code ${code}`))));
        }),
    ),
  );
  mkdirSync(join(outdir, "stacks"), { recursive: true });
  for (const part of parts) {
    for (const name of readdirSync(join(part, "stacks"))) renameSync(join(part, "stacks", name), join(outdir, "stacks", name));
    rmSync(part, { recursive: true, force: true });
  }
}

/** One manifest for the whole output, in stack order, whichever way the stacks were built. */
function writeManifest(org: ResolvedOrg, outdir: string): void {
  const stacks: Record<string, unknown> = {};
  for (const { name } of [...org.stacks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    stacks[name] = {
      annotations: [],
      constructPath: name,
      dependencies: [],
      name,
      stackMetadataPath: `stacks/${name}/metadata.json`,
      synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
      workingDirectory: `stacks/${name}`,
    };
  }
  writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify({ stacks, version: CDKTF_VERSION }, null, 2)}\n`);
}

/**
 * Synthesizes into a sibling temporary folder and swaps it into place only once
 * everything succeeded, so a failed run leaves the previous output as it was.
 */
export async function synthesizeAtomically(org: ResolvedOrg, outDir: string): Promise<StackSummary[]> {
  const target = resolvePath(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const workers = workerCount(org.stacks.length);
    if (workers > 1) await synthesizeParallel(org, staging, workers);
    else synthesizeInto(org, staging);
    writeManifest(org, staging);
    const summary = summarize(org, staging);
    swapInto(staging, target);
    return summary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function swapInto(staging: string, target: string): void {
  const previous = `${staging}.previous`;
  const hadPrevious = existsSync(target);
  if (hadPrevious) renameSync(target, previous);
  try {
    renameSync(staging, target);
  } catch (err) {
    if (hadPrevious) renameSync(previous, target);
    throw err;
  }
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}

function summarize(org: ResolvedOrg, outdir: string): StackSummary[] {
  return org.stacks.map((stack) => {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack.name, "cdk.tf.json"), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { name: stack.name, account: stack.account.name, region: stack.region, resources };
  });
}
