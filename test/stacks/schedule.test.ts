import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { stackCost, synthBatches } from "../../stacks/schedule.js";
import { generateRealisticOrg } from "../bench/generate-realistic-org.mjs";
import { runCli, treeHashes } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "baseline-schedule-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const orgFile = join(tmp, "org-20.yaml");
writeFileSync(orgFile, generateRealisticOrg(20));
const org = loadConfig(orgFile);

describe("synthesis plan", () => {
  it("ranks the trail's stack, then home-region stacks, above second-region stacks", () => {
    const cost = (name: string) =>
      stackCost(
        org,
        org.stacks.find((s) => s.name === name)!,
      );
    expect(cost("management-eu-west-1")).toBeGreaterThan(cost("acct0001-prod-eu-west-1"));
    expect(cost("acct0001-prod-eu-west-1")).toBeGreaterThan(cost("acct0001-prod-eu-central-1"));
  });

  it("puts every stack in exactly one batch, heaviest first, each batch within its cost unless one stack exceeds it", () => {
    const max = 200;
    const batches = synthBatches(org, org.stacks, max);
    expect(
      batches
        .flat()
        .map((s) => s.name)
        .sort(),
    ).toEqual(org.stacks.map((s) => s.name).sort());
    const heaviest = Math.max(...org.stacks.map((s) => stackCost(org, s)));
    expect(stackCost(org, batches[0]![0]!)).toBe(heaviest);
    const costs = batches.map((b) => b.reduce((n, s) => n + stackCost(org, s), 0));
    for (const [i, b] of batches.entries()) if (b.length > 1) expect(costs[i]).toBeLessThanOrEqual(max);
    expect(synthBatches(org, org.stacks, max)).toEqual(batches);
  });
});

describe("parallel synthesis", () => {
  /** Runs synthesizeAtomically from the build (workers need the compiled worker file) with `options`. */
  function synth(out: string, options: Record<string, number>) {
    const dist = (file: string) => JSON.stringify(pathToFileURL(join(process.cwd(), "dist", file)).href);
    const script = join(tmp, "synth.mjs");
    writeFileSync(
      script,
      `import { loadConfig } from ${dist("config/load.js")};
      import { synthesizeAtomically } from ${dist("stacks/synth.js")};
      await synthesizeAtomically(loadConfig(${JSON.stringify(orgFile)}), ${JSON.stringify(out)}, ${JSON.stringify(options)});`,
    );
    const result = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  }

  it("gives output identical to one thread with many small batches, several workers, and workers replaced after each batch", () => {
    const serial = join(tmp, "serial");
    expect(runCli(["synth", "--quiet", "--config", orgFile, "--out", serial], { BASELINE_SYNTH_WORKERS: "1" }).status).toBe(0);
    const parallel = join(tmp, "parallel");
    synth(parallel, { workers: 3, batchCost: 100, workerHeapLimit: 0 });
    expect(treeHashes(parallel)).toEqual(treeHashes(serial));
    const batched = join(tmp, "batched");
    synth(batched, { workers: 1, batchCost: 100 });
    expect(treeHashes(batched)).toEqual(treeHashes(serial));
  }, 240_000);
});
