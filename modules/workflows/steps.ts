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

/** Short-lived credentials for `role` through GitHub's OIDC token; never static keys. */
export function assumeRoleStep(settings: WorkflowSettings, name: string, purpose: string, target: { role: string; region: string; accountId: string }): Step {
  return {
    name,
    uses: usesRef("aws-actions/configure-aws-credentials", settings.pins),
    with: {
      "role-to-assume": target.role,
      "aws-region": target.region,
      "role-session-name": `${settings.pipelines.workflowPrefix}-${purpose}-\${{ github.run_id }}`,
      "allowed-account-ids": target.accountId,
    },
  };
}

/** The matrix job's own stack: its role, region and account come from the matrix entry. */
export const MATRIX_TARGET = { role: "${{ matrix.role }}", region: "${{ matrix.region }}", accountId: "${{ matrix.accountId }}" };

export function nodeSteps(settings: WorkflowSettings): Step[] {
  return [
    { name: "Set up Node.js", uses: usesRef("actions/setup-node", settings.pins), with: { "node-version": settings.pipelines.nodeVersion, cache: "npm" } },
    { name: "Install", run: script("npm ci --no-audit --no-fund") },
  ];
}

/** A step that runs `terraform`: the only kind that gets the HCP token (settings.terraformEnv). */
export function terraformStep(settings: WorkflowSettings, step: Step): Step {
  const env = { ...step.env, ...settings.terraformEnv };
  return Object.keys(env).length > 0 ? { ...step, env } : step;
}
