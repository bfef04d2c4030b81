import type { ResolvedOrg } from "../../config/model.js";
import { usesRef } from "./actions.js";
import type { Job, WorkflowFile } from "./model.js";
import { applyScript, checkManifestScript, findPlanRunScript, initScript, verifyPlanScript } from "./scripts.js";
import { applyEntry, entriesJson, type Shard } from "./shards.js";
import type { WorkflowSettings } from "./settings.js";
import { assumeRoleStep, MATRIX_TARGET, setupTerraformStep, shardLabel, terraformStep } from "./steps.js";

const PLAN_DIR = "plan";

/**
 * Push to the branch (or a manual dispatch naming a plan run): find the reviewed plan
 * run, check it was made from exactly this content, and apply each stack's plan file
 * as the account's OIDC apply role, in the account's GitHub environment.
 */
export function applyWorkflow(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): WorkflowFile {
  const { pipelines } = settings;
  return {
    name: shard.applyFile,
    workflow: {
      name: `org-baseline apply${shardLabel(shard)}`,
      on: {
        push: { branches: [pipelines.github.branch] },
        workflow_dispatch: {
          inputs: {
            "run-id": {
              description: `Id of the successful ${shard.planFile} pull-request run whose plans to apply (made from exactly this commit's content)`,
              required: true,
              type: "string",
            },
          },
        },
      },
      permissions: {},
      env: { TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      defaults: { run: { shell: "bash" } },
      jobs: { resolve: resolveJob(org, shard, settings), apply: applyJob(settings) },
    },
  };
}

function resolveJob(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  return {
    name: "find the reviewed plan",
    "runs-on": pipelines.runner,
    "timeout-minutes": 10,
    // contents: the commit's tree; actions: the plan run and its manifest; pull-requests: the PR a merge commit closed.
    permissions: { actions: "read", contents: "read", "pull-requests": "read" },
    outputs: {
      "run-id": "${{ steps.run.outputs.run-id }}",
      tree: "${{ steps.run.outputs.tree }}",
      count: "${{ steps.manifest.outputs.count }}",
      matrix: "${{ steps.manifest.outputs.matrix }}",
    },
    steps: [
      {
        name: "Find the plan run",
        id: "run",
        env: {
          GH_TOKEN: "${{ github.token }}",
          REPO: "${{ github.repository }}",
          EVENT: "${{ github.event_name }}",
          REF: "${{ github.ref }}",
          SHA: "${{ github.sha }}",
          BRANCH: pipelines.github.branch,
          PLAN_WORKFLOW: shard.planFile,
          INPUT_RUN_ID: "${{ inputs.run-id }}",
        },
        run: findPlanRunScript(),
      },
      {
        name: "Download the plan manifest",
        uses: usesRef("actions/download-artifact", settings.pins),
        with: { name: "plan-manifest", path: "manifest", "run-id": "${{ steps.run.outputs.run-id }}", "github-token": "${{ github.token }}" },
      },
      {
        name: "Download the plan summaries",
        uses: usesRef("actions/download-artifact", settings.pins),
        with: {
          pattern: "summary-*",
          path: "summaries",
          "merge-multiple": true,
          "run-id": "${{ steps.run.outputs.run-id }}",
          "github-token": "${{ github.token }}",
        },
      },
      {
        name: "Check the manifest",
        id: "manifest",
        env: {
          STACKS: entriesJson(shard.stacks.map((s) => applyEntry(org, s))),
          SHARD: String(shard.index),
          TREE: "${{ steps.run.outputs.tree }}",
          RUN_ID: "${{ steps.run.outputs.run-id }}",
          SHA: "${{ github.sha }}",
        },
        run: checkManifestScript(pipelines.changedStacksOnly),
      },
    ],
  };
}

function applyJob(settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  // The OIDC subject becomes environment:<name> whenever a job names an environment, so branch trust needs a job without one.
  const environment = pipelines.applyTrust === "environment" ? { environment: "${{ matrix.environment }}" } : {};
  return {
    name: "apply ${{ matrix.stack }}",
    needs: ["resolve"],
    if: "needs.resolve.outputs.count != '0'",
    "runs-on": pipelines.runner,
    "timeout-minutes": 120,
    ...environment,
    permissions: { actions: "read", "id-token": "write" },
    concurrency: { group: `${pipelines.workflowPrefix}-apply-\${{ matrix.stack }}`, "cancel-in-progress": false },
    strategy: { "fail-fast": false, "max-parallel": pipelines.maxParallel, matrix: "${{ fromJSON(needs.resolve.outputs.matrix) }}" },
    env: { STACK: "${{ matrix.stack }}" },
    steps: [
      {
        name: "Download the reviewed plan",
        uses: usesRef("actions/download-artifact", settings.pins),
        with: {
          name: "plan-${{ matrix.stack }}",
          path: PLAN_DIR,
          "run-id": "${{ needs.resolve.outputs.run-id }}",
          "github-token": "${{ github.token }}",
        },
      },
      {
        name: "Verify the plan",
        env: {
          ACCOUNT_ID: "${{ matrix.accountId }}",
          REGION: "${{ matrix.region }}",
          TREE: "${{ needs.resolve.outputs.tree }}",
          RUN_ID: "${{ needs.resolve.outputs.run-id }}",
        },
        run: verifyPlanScript(PLAN_DIR),
      },
      setupTerraformStep(settings),
      assumeRoleStep(settings, "Assume the apply role (OIDC)", "apply", MATRIX_TARGET),
      terraformStep(settings, { name: "terraform init", run: initScript(PLAN_DIR, ["-lockfile=readonly"]) }),
      terraformStep(settings, { name: "terraform apply (the verified plan file only)", run: applyScript(PLAN_DIR) }),
    ],
  };
}
