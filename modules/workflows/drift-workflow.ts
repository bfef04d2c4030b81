import type { ResolvedOrg } from "../../config/model.js";
import { usesRef } from "./actions.js";
import { branchGuardScript, combineDriftScript, driftIssuesScript, driftPlanScript, driftSummaryScript } from "./drift-scripts.js";
import type { Job, WorkflowFile } from "./model.js";
import type { Shard } from "./shards.js";
import type { WorkflowSettings } from "./settings.js";
import {
  afterMatrixJob,
  checkoutStep,
  nodeSteps,
  RUN_URL,
  selectStacksStep,
  shardLabel,
  STACK_DIR,
  stackPlanJob,
  synthesizeStep,
  uploadStep,
  uploadSynthStep,
} from "./steps.js";

/** First line of a drift issue's body; the stack name and ` -->` follow. */
export const DRIFT_MARKER_PREFIX = "<!-- org-baseline-drift:";

/**
 * On the schedule (and by hand): synthesize the branch, plan every stack of the shard
 * read-only as its account's plan role, combine the per-stack records into the drift
 * summary artifact, and keep one issue per drifted stack.
 */
export function driftWorkflow(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): WorkflowFile {
  const { pipelines } = settings;
  const drift = pipelines.drift!;
  const jobs: Record<string, Job> = { synth: synthJob(org, shard, settings), drift: driftJob(settings), summary: summaryJob(shard, settings) };
  if (drift.issues) jobs.issues = issuesJob(settings);
  return {
    name: shard.driftFile,
    workflow: {
      name: `org-baseline drift${shardLabel(shard)}`,
      on: { schedule: [{ cron: drift.schedule }], workflow_dispatch: {} },
      permissions: {},
      // One drift run per file at a time; a run still planning is not cut short by the next.
      concurrency: { group: `${pipelines.workflowPrefix}-drift-${shard.index}`, "cancel-in-progress": false },
      env: { TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      defaults: { run: { shell: "bash" } },
      jobs,
    },
  };
}

function synthJob(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  return {
    name: "synthesize",
    "runs-on": pipelines.runner,
    "timeout-minutes": 60,
    permissions: { contents: "read" },
    outputs: { count: "${{ steps.stacks.outputs.count }}", matrix: "${{ steps.stacks.outputs.matrix }}" },
    steps: [
      { name: `On ${pipelines.github.branch}`, env: { BRANCH: pipelines.github.branch }, run: branchGuardScript() },
      checkoutStep(settings),
      ...nodeSteps(settings),
      synthesizeStep(settings),
      selectStacksStep(org, shard, "${{ github.sha }}", { changedOnly: false, baseDir: "", baseSynth: "" }),
      uploadSynthStep(settings),
    ],
  };
}

function driftJob(settings: WorkflowSettings): Job {
  return stackPlanJob(settings, {
    name: "drift ${{ matrix.stack }}",
    purpose: "drift",
    plan: { name: "terraform plan (read-only, detailed exit code)", id: "plan", run: driftPlanScript(STACK_DIR) },
    after: [
      {
        name: "Record the drift",
        env: { ACCOUNT_ID: "${{ matrix.accountId }}", REGION: "${{ matrix.region }}", EXITCODE: "${{ steps.plan.outputs.exitcode }}" },
        run: driftSummaryScript(STACK_DIR),
      },
      uploadStep(settings, "Upload the drift record", { name: "drift-${{ matrix.stack }}", path: "drift/" }),
    ],
  });
}

function summaryJob(shard: Shard, settings: WorkflowSettings): Job {
  return afterMatrixJob(settings, {
    name: "drift summary",
    matrixJob: "drift",
    permissions: {},
    download: { name: "Download the drift records", pattern: "drift-*", path: "drift" },
    steps: [
      {
        name: "Combine the drift summary",
        env: { MATRIX: "${{ needs.synth.outputs.matrix }}", SHARD: String(shard.index), REPO: "${{ github.repository }}", RUN_URL },
        run: combineDriftScript(),
      },
      uploadStep(settings, "Upload the drift summary", { name: "drift-summary", path: "out/drift-summary.json" }),
    ],
  });
}

function issuesJob(settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  return {
    name: "drift issues",
    needs: ["summary"],
    if: "always() && needs.summary.result == 'success'",
    "runs-on": pipelines.runner,
    "timeout-minutes": 10,
    // The only job of any generated workflow that writes issues.
    permissions: { issues: "write" },
    steps: [
      { name: "Download the drift summary", uses: usesRef("actions/download-artifact", settings.pins), with: { name: "drift-summary", path: "drift-summary" } },
      {
        name: "Open, update or close the drift issues",
        env: {
          GH_TOKEN: "${{ github.token }}",
          REPO: "${{ github.repository }}",
          RUN_URL,
          MARKER_PREFIX: DRIFT_MARKER_PREFIX,
        },
        run: driftIssuesScript(),
      },
    ],
  };
}
