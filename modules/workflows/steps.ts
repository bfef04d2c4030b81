import type { ResolvedOrg } from "../../config/model.js";
import { usesRef } from "./actions.js";
import type { Job, Step } from "./model.js";
import { cliCommand, initScript, selectStacksScript, showScript } from "./scripts.js";
import { entriesJson, planEntry, type Shard } from "./shards.js";
import { script } from "./shell.js";
import type { WorkflowSettings } from "./settings.js";

/** Steps, jobs and labels the plan, drift and apply workflows share. */

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

/** Synthesizes the config into cdktf.out, once per run, in the synth job. */
export function synthesizeStep(settings: WorkflowSettings): Step {
  return { name: "Synthesize", run: script(cliCommand(settings.pipelines.cli, ["synth", "--config", settings.configPath, "--out", "cdktf.out", "--quiet"])) };
}

/**
 * Picks the shard's stacks to plan (all, or those that changed against the base) and
 * copies them for the matrix jobs; its outputs are the tree, the count and the matrix.
 */
export function selectStacksStep(
  org: ResolvedOrg,
  shard: Shard,
  headSha: string,
  select: Parameters<typeof selectStacksScript>[0],
  name = "Select the stacks",
): Step {
  return {
    name,
    id: "stacks",
    env: { STACKS: entriesJson(shard.stacks.map((s) => planEntry(org, s))), SHARD: String(shard.index), HEAD_SHA: headSha },
    run: selectStacksScript(select),
  };
}

/**
 * An artifact upload that fails when the files are missing and replaces the artifact of
 * an earlier attempt of the run; kept for the pipelines' retention unless `retentionDays` says.
 */
export function uploadStep(
  settings: WorkflowSettings,
  name: string,
  artifact: { name: string; path: string; includeHidden?: boolean; retentionDays?: number; optional?: boolean },
  condition?: string,
): Step {
  return {
    name,
    ...(condition ? { if: condition } : {}),
    uses: usesRef("actions/upload-artifact", settings.pins),
    with: {
      name: artifact.name,
      path: artifact.path,
      "if-no-files-found": artifact.optional ? "ignore" : "error",
      ...(artifact.includeHidden ? { "include-hidden-files": true } : {}),
      "retention-days": artifact.retentionDays ?? settings.pipelines.artifactRetentionDays,
      overwrite: true,
    },
  };
}

/** The synth job's hand-off to the matrix jobs: only the selected stacks, for the run alone. */
export function uploadSynthStep(settings: WorkflowSettings): Step {
  return uploadStep(
    settings,
    "Upload the synthesized stacks",
    { name: "baseline-synth", path: "${{ runner.temp }}/synth/", retentionDays: 1 },
    "steps.stacks.outputs.count != '0'",
  );
}

/** Where a matrix job finds its stack in the downloaded synthesis. */
export const STACK_DIR = `"synth/stacks/$STACK"`;

/**
 * One job per selected stack (plan and drift): the synthesized stack, Terraform, the
 * account's plan role through OIDC, init, `plan` (the caller's step), show, then `after`.
 */
export function stackPlanJob(
  settings: WorkflowSettings,
  job: { name: string; purpose: string; plan: Step; after: Step[]; concurrency?: Job["concurrency"] },
): Job {
  const { pipelines } = settings;
  return {
    name: job.name,
    needs: ["synth"],
    if: "needs.synth.outputs.count != '0'",
    "runs-on": pipelines.runner,
    "timeout-minutes": 60,
    permissions: { "id-token": "write" },
    ...(job.concurrency ? { concurrency: job.concurrency } : {}),
    strategy: { "fail-fast": false, "max-parallel": pipelines.maxParallel, matrix: "${{ fromJSON(needs.synth.outputs.matrix) }}" },
    env: { STACK: "${{ matrix.stack }}" },
    steps: [
      { name: "Download the synthesized stacks", uses: usesRef("actions/download-artifact", settings.pins), with: { name: "baseline-synth", path: "synth" } },
      setupTerraformStep(settings),
      assumeRoleStep(settings, "Assume the plan role (OIDC)", job.purpose, MATRIX_TARGET),
      terraformStep(settings, { name: "terraform init", run: initScript(STACK_DIR) }),
      terraformStep(settings, job.plan),
      terraformStep(settings, { name: "terraform show", run: showScript(STACK_DIR) }),
      ...job.after,
    ],
  };
}

/** This run's page, for issue and comment bodies. */
export const RUN_URL = "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}";

/**
 * A job after the matrix of `matrixJob`: it runs when the synth job selected stacks, even if
 * some matrix jobs failed, and first downloads the matrix jobs' artifacts matching
 * `download.pattern` into one folder.
 */
export function afterMatrixJob(
  settings: WorkflowSettings,
  job: { name: string; matrixJob: string; permissions: Job["permissions"]; download: { name: string; pattern: string; path: string }; steps: Step[] },
): Job {
  return {
    name: job.name,
    needs: ["synth", job.matrixJob],
    if: "always() && needs.synth.result == 'success' && needs.synth.outputs.count != '0'",
    "runs-on": settings.pipelines.runner,
    "timeout-minutes": 10,
    permissions: job.permissions,
    steps: [
      {
        name: job.download.name,
        uses: usesRef("actions/download-artifact", settings.pins),
        with: { pattern: job.download.pattern, path: job.download.path, "merge-multiple": true },
      },
      ...job.steps,
    ],
  };
}
