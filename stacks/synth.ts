import type { ResolvedOrg, StackSpec } from "../config/model.js";
import { AccountStack } from "./account-stack.js";
import { App } from "./platform.js";

// The output folder (swap, reuse, workers) lives in output.ts, which does not load cdktf.
export { outDirFrom, synthesizeAtomically, workerCount, type StackSummary, type SynthJob, type SynthJobDone, type SynthOptions } from "./output.js";

/** Builds account-region stacks (default: all) into `outdir` in this thread (no swapping; see synthesizeAtomically). */
export function synthesizeInto(org: ResolvedOrg, outdir: string, stacks: StackSpec[] = org.stacks): void {
  const app = new App({ outdir, stackTraces: false });
  for (const stack of stacks) new AccountStack(app, { org, stack });
  app.synth();
}
