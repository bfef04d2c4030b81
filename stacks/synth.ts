import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import type { ResolvedOrg } from "../config/model.js";
import { AccountStack } from "./account-stack.js";
import { App } from "./platform.js";

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

/** Builds every account-region stack into `outdir` (no swapping; see synthesizeAtomically). */
export function synthesizeInto(org: ResolvedOrg, outdir: string): void {
  const app = new App({ outdir, stackTraces: false });
  for (const stack of org.stacks) new AccountStack(app, { org, stack });
  app.synth();
}

/**
 * Synthesizes into a sibling temporary folder and swaps it into place only once
 * everything succeeded, so a failed run leaves the previous output as it was.
 */
export function synthesizeAtomically(org: ResolvedOrg, outDir: string): StackSummary[] {
  const target = resolvePath(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    synthesizeInto(org, staging);
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
