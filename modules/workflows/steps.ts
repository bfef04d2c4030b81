import { usesRef } from "./actions.js";
import type { Step } from "./model.js";
import type { Shard } from "./shards.js";
import { script } from "./shell.js";
import type { WorkflowSettings } from "./settings.js";

/** Steps and labels the plan and apply workflows share. */

export function shardLabel(shard: Shard): string {
  return shard.count === 1 ? "" : ` (stacks ${shard.index} of ${shard.count})`;
}

export function checkoutStep(settings: WorkflowSettings, extra: Record<string, string> = {}): Step {
  return { name: "Check out", uses: usesRef("actions/checkout", settings.pins), with: { ...extra, "persist-credentials": false } };
}

export function setupTerraformStep(settings: WorkflowSettings): Step {
  return {
    name: "Set up Terraform",
    uses: usesRef("hashicorp/setup-terraform", settings.pins),
    with: { terraform_version: settings.pipelines.terraformVersion, terraform_wrapper: false },
  };
}

export function nodeSteps(settings: WorkflowSettings): Step[] {
  return [
    { name: "Set up Node.js", uses: usesRef("actions/setup-node", settings.pins), with: { "node-version": settings.pipelines.nodeVersion, cache: "npm" } },
    { name: "Install", run: script("npm ci --no-audit --no-fund") },
  ];
}
