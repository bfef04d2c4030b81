import { parentPort, workerData } from "node:worker_threads";
import { loadConfig } from "../config/load.js";
import { synthesizeInto } from "./synth.js";

/** One share of a parallel synth: reloads the (already validated) config and builds the named stacks. */
const { configFile, outdir, names } = workerData as { configFile: string; outdir: string; names: string[] };
const org = loadConfig(configFile);
const wanted = new Set(names);
synthesizeInto(org, outdir, org.stacks.filter((s) => wanted.has(s.name)));
parentPort?.postMessage("done");
