/**
 * The output folder of a synth, built without loading cdktf here: stacks are built by
 * workers (synth-worker.ts) or, for small organizations, by synth.ts loaded on demand, so a
 * run that reuses every stack, and the main thread of a parallel one, never load cdktf and
 * the provider bindings (about a second of CPU).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ResolvedOrg, StackSpec } from "../config/model.js";
import { cacheFile, codeVersion, readCache, reusable, stackFiles, unchangedOnDisk, stackKeys, type SynthCache } from "./incremental.js";
import { stackCost, synthBatches } from "./schedule.js";

export interface StackSummary {
  name: string;
  account: string;
  region: string;
  resources: number;
  /** False when the previous output was reused (its slice of the model is unchanged). */
  rebuilt: boolean;
}

/** The output folder: `--out`, else cdktf's `CDKTF_OUTDIR`, else `cdktf.out`. */
export function outDirFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option || env.CDKTF_OUTDIR || "cdktf.out";
}

/** How a synth is cut up; the defaults suit every size (tests set them to exercise the parallel path on small organizations). */
export interface SynthOptions {
  /** Worker threads; default `BASELINE_SYNTH_WORKERS`, else one per core for large organizations. */
  workers?: number;
  /** Estimated resources (see stackCost) per batch: one cdktf app each, so memory is bounded by a batch. */
  batchCost?: number;
  /** Heap size past which a worker is replaced after its batch. */
  workerHeapLimit?: number;
  /** Rebuild every stack, whatever the previous output holds. */
  full?: boolean;
}

const BATCH_COST = 1500;
/** Estimated resources per worker thread below which one more costs more (starting it) than it saves. */
const COST_PER_WORKER = 4000;
/**
 * A worker whose heap is past this after a batch is replaced by a fresh one: cdktf keeps
 * every token it registered (with its captured stack trace) for the life of the thread.
 */
const WORKER_HEAP_LIMIT = 512 * 2 ** 20;
const WORKER_FILE = fileURLToPath(new URL("./synth-worker.js", import.meta.url));

/** Worker threads for work of `cost`: `BASELINE_SYNTH_WORKERS` if set, else one per core for large organizations. */
export function workerCount(cost: number, batches: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.BASELINE_SYNTH_WORKERS);
  const wanted = forced >= 1 ? Math.floor(forced) : Math.min(availableParallelism(), Math.floor(cost / COST_PER_WORKER));
  return existsSync(WORKER_FILE) ? Math.max(1, Math.min(wanted, batches)) : 1;
}

/** A batch for a worker: the stacks to build and the part folder to build them in. */
export interface SynthJob {
  names: string[];
  outdir: string;
}
/** A worker's answer to a job: its heap afterwards, to decide whether it takes another. */
export interface SynthJobDone {
  heapUsed: number;
}

/**
 * cdktf building time is CPU bound, so large organizations are built on worker
 * threads. Each takes the next batch when it has finished one (heaviest batches
 * first, so all finish close together), builds it into its own part folder, and the
 * stacks are moved into `outdir` as each batch completes.
 */
function synthesizeParallel(org: ResolvedOrg, outdir: string, batches: StackSpec[][], workers: number, heapLimit: number): Promise<void> {
  mkdirSync(join(outdir, "stacks"), { recursive: true });
  const queue = batches.map((batch, i) => ({ names: batch.map((s) => s.name), outdir: join(outdir, `.part-${i}`) }));
  return new Promise((resolve, reject) => {
    const running = new Set<Worker>();
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of running) void w.terminate();
      reject(err);
    };
    const start = () => {
      const worker = new Worker(WORKER_FILE, { workerData: { config: org.config, source: org.source } });
      running.add(worker);
      let current: SynthJob | undefined;
      const next = () => {
        current = queue.shift();
        worker.postMessage(current ?? null);
      };
      worker.on("message", ({ heapUsed }: SynthJobDone) => {
        try {
          moveStacks(current!.outdir, outdir);
        } catch (err) {
          fail(err as Error);
          return;
        }
        if (heapUsed > heapLimit && queue.length > 0) {
          worker.postMessage(null);
          start();
        } else next();
      });
      worker.once("error", fail);
      worker.once("exit", (code) => {
        running.delete(worker);
        if (code !== 0) fail(new Error(`synth worker exited with code ${code}`));
        else if (running.size === 0 && !failed) resolve();
      });
      next();
    };
    for (let i = 0; i < workers; i++) start();
  });
}

function moveStacks(part: string, outdir: string): void {
  for (const name of readdirSync(join(part, "stacks"))) renameSync(join(part, "stacks", name), join(outdir, "stacks", name));
  rmSync(part, { recursive: true, force: true });
}

/** One manifest for the whole output, in stack order, whichever way the stacks were built. */
function writeManifest(org: ResolvedOrg, outdir: string, version: string): void {
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
  writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify({ stacks, version }, null, 2)}\n`);
}

/**
 * Synthesizes into a sibling temporary folder and swaps it into place only once
 * everything succeeded, so a failed run leaves the previous output as it was.
 * Stacks whose slice of the model is unchanged since the previous run are taken
 * from the previous output (see incremental.ts) unless `full` is set: their folders
 * are moved in just before the swap (a run killed between the two has removed the
 * cache, so the next one rebuilds everything).
 */
export async function synthesizeAtomically(org: ResolvedOrg, outDir: string, options: SynthOptions = {}): Promise<StackSummary[]> {
  const target = resolvePath(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(join(staging, "stacks"), { recursive: true });
    const code = codeVersion();
    const keys = stackKeys(org);
    const previous = options.full ? undefined : readCache(target, code);
    const reused = new Set<string>();
    for (const stack of reusable(org, keys, previous)) {
      if (unchangedOnDisk(join(target, "stacks", stack.name), previous!.stacks[stack.name]!)) reused.add(stack.name);
    }
    const toBuild = org.stacks.filter((s) => !reused.has(s.name));
    const batches = synthBatches(org, toBuild, options.batchCost ?? BATCH_COST);
    const cost = toBuild.reduce((n, s) => n + stackCost(org, s), 0);
    const workers = workerCount(cost, batches.length, options.workers ? { BASELINE_SYNTH_WORKERS: String(options.workers) } : process.env);
    // cdktf (the manifest's version) loads while the workers build, not before.
    const platform = import("./platform.js");
    if (workers > 1) await synthesizeParallel(org, staging, batches, workers, options.workerHeapLimit ?? WORKER_HEAP_LIMIT);
    else if (batches.length > 0) {
      const { synthesizeInto } = await import("./synth.js");
      for (const batch of batches) synthesizeInto(org, staging, batch);
    }
    writeManifest(org, staging, (await platform).CDKTF_VERSION);
    const summary = org.stacks.map((stack): StackSummary => {
      const rebuilt = !reused.has(stack.name);
      const resources = rebuilt ? countResources(join(staging, "stacks", stack.name)) : previous!.stacks[stack.name]!.resources;
      return { name: stack.name, account: stack.account.name, region: stack.region, resources, rebuilt };
    });
    const cache: SynthCache = { code, stacks: {} };
    for (const s of summary) {
      // A reused folder is moved whole, so its files keep the sizes and times its entry records.
      cache.stacks[s.name] = s.rebuilt
        ? { key: keys.get(s.name)!, resources: s.resources, files: stackFiles(join(staging, "stacks", s.name)) }
        : previous!.stacks[s.name]!;
    }
    // The cache is removed before the swap and written after, so it never describes another output.
    rmSync(cacheFile(target), { force: true });
    // Reused stacks move into the new output (one rename each) only now that everything is built.
    moveStackFolders(target, staging, reused);
    try {
      swapInto(staging, target);
    } catch (err) {
      moveStackFolders(staging, target, reused);
      throw err;
    }
    writeFileSync(cacheFile(target), `${JSON.stringify(cache)}\n`);
    return summary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves the named stacks' folders from one output to another, all or (putting back what moved) none. */
function moveStackFolders(from: string, to: string, names: ReadonlySet<string>): void {
  const moved: string[] = [];
  try {
    for (const name of names) {
      renameSync(join(from, "stacks", name), join(to, "stacks", name));
      moved.push(name);
    }
  } catch (err) {
    for (const name of moved) renameSync(join(to, "stacks", name), join(from, "stacks", name));
    throw err;
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

function countResources(stackDir: string): number {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
