import { describe, expect, it } from "vitest";
import { pipelineRoles } from "../../modules/naming.js";
import type { ApplyEntry, PlanEntry } from "../../modules/workflows/model.js";
import { generate, largeOrg, stackEntries, step } from "./helpers.js";

const GITHUB_MATRIX_LIMIT = 256;
const GITHUB_WORKFLOW_FILE_LIMIT = 500 * 1024;

describe("a 1000-account organization (2000 stacks)", () => {
  const org = largeOrg(1000);
  const files = generate(org);
  const plans = files.filter((f) => f.name.startsWith("baseline-plan"));
  const applies = files.filter((f) => f.name.startsWith("baseline-apply"));

  it("is split into numbered workflow pairs of at most 256 stacks, in config order", () => {
    expect(org.stacks).toHaveLength(2000);
    expect(plans.map((f) => f.name)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `baseline-plan-${i}.yml`));
    expect(applies.map((f) => f.name)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `baseline-apply-${i}.yml`));
    const planShards = plans.map((f) => stackEntries<PlanEntry>(f.workflow, "synth", "stacks"));
    const applyShards = applies.map((f) => stackEntries<ApplyEntry>(f.workflow, "resolve", "manifest"));
    expect(planShards.map((s) => s.length)).toEqual([256, 256, 256, 256, 256, 256, 256, 208]);
    expect(planShards.flat().map((e) => e.stack)).toEqual(org.stacks.map((s) => s.name));
    expect(applyShards.flat().map((e) => e.stack)).toEqual(org.stacks.map((s) => s.name));
    for (const shard of planShards) expect(shard.length).toBeLessThanOrEqual(GITHUB_MATRIX_LIMIT);
  });

  it("keeps every workflow file under GitHub's 500 KB limit", () => {
    for (const f of files) expect(Buffer.byteLength(f.content)).toBeLessThan(GITHUB_WORKFLOW_FILE_LIMIT);
  });

  it("pairs each apply workflow with its own plan workflow and shard", () => {
    applies.forEach((f, i) => {
      const find = step(f.workflow.jobs.resolve!, "Find the plan run");
      expect(find.env?.PLAN_WORKFLOW).toBe(`baseline-plan-${i + 1}.yml`);
      expect(step(f.workflow.jobs.resolve!, "Check the manifest").env?.SHARD).toBe(String(i + 1));
      expect(step(plans[i]!.workflow.jobs.synth!, "Select the stacks").env?.SHARD).toBe(String(i + 1));
      expect(f.workflow.name).toBe(`org-baseline apply (stacks ${i + 1} of 8)`);
    });
  });

  it("uses every account's own OIDC roles", () => {
    const plan = plans.flatMap((f) => stackEntries<PlanEntry>(f.workflow, "synth", "stacks"));
    const apply = applies.flatMap((f) => stackEntries<ApplyEntry>(f.workflow, "resolve", "manifest"));
    org.stacks.forEach((s, i) => {
      expect(plan[i]!.role).toBe(pipelineRoles(org, s.account)!.plan);
      expect(apply[i]!.role).toBe(pipelineRoles(org, s.account)!.apply);
    });
  });

  it("only the first plan workflow runs the organization-wide report gate", () => {
    const gated = generate(largeOrg(300, { reportGate: { aggregator: "agg", region: "eu-west-1", failUnder: 90 } }));
    const withGate = gated.filter((f) => "report-gate" in f.workflow.jobs).map((f) => f.name);
    expect(withGate).toEqual(["baseline-plan-1.yml"]);
  });

  it("keeps each literal stack list within Linux's 128 KiB limit for one environment variable, even with the longest names", () => {
    const longest = largeOrg(128, { planRoleName: `p${"x".repeat(63)}`, applyRoleName: `a${"x".repeat(63)}` }, true);
    const files = generate(longest);
    expect(files).toHaveLength(2);
    for (const f of files) {
      for (const s of Object.values(f.workflow.jobs).flatMap((j) => j.steps)) {
        if (s.env?.STACKS) expect(Buffer.byteLength(s.env.STACKS)).toBeLessThan(128 * 1024);
      }
    }
  });

  it("honours a smaller stacksPerWorkflow, and is deterministic", () => {
    const small = generate(largeOrg(10, { stacksPerWorkflow: 7 }));
    expect(small.map((f) => f.name)).toEqual([
      "baseline-plan-1.yml",
      "baseline-apply-1.yml",
      "baseline-plan-2.yml",
      "baseline-apply-2.yml",
      "baseline-plan-3.yml",
      "baseline-apply-3.yml",
    ]);
    expect(generate(largeOrg(1000)).map((f) => f.content)).toEqual(files.map((f) => f.content));
  });
});
