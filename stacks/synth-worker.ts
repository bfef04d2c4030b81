import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { resolve } from "../config/model.js";
import type { OrgConfig } from "../config/schema.js";
import { synthesizeInto, type SynthJob, type SynthJobDone } from "./synth.js";

/** A synth worker: resolves the config the main thread already validated, then builds the batches it is sent until it is sent null. */
const { config, source } = workerData as { config: OrgConfig; source: string };
const org = resolve(config, source);
const stacks = new Map(org.stacks.map((s) => [s.name, s]));
parentPort!.on("message", (job: SynthJob | null) => {
  if (job === null) {
    parentPort!.close();
    return;
  }
  synthesizeInto(
    org,
    job.outdir,
    job.names.map((name) => stacks.get(name)!),
  );
  parentPort!.postMessage({ heapUsed: getHeapStatistics().used_heap_size } satisfies SynthJobDone);
});
