import { parentPort, workerData } from "node:worker_threads";
import { resolve } from "../config/model.js";
import type { OrgConfig } from "../config/schema.js";
import { synthesizeInto } from "./synth.js";

/** One share of a parallel synth: resolves the config the main thread already validated and builds the named stacks. */
const { config, source, outdir, names } = workerData as { config: OrgConfig; source: string; outdir: string; names: string[] };
const org = resolve(config, source);
const wanted = new Set(names);
synthesizeInto(org, outdir, org.stacks.filter((s) => wanted.has(s.name)));
parentPort?.postMessage("done");
