import type { ResolvedOrg } from "../../config/model.js";
import { reportGateAccount } from "../../config/checks/workflows.js";
import { pipelineRoles } from "../naming.js";
import type { Job, Step, WorkflowFile } from "./model.js";
import { bundleScript, cliCommand, type RawWord, commentScript, HISTORY_DIR, planScript, reportGateScript, restoreHistoryScript } from "./scripts.js";
import type { Shard } from "./shards.js";
import { script } from "./shell.js";
import type { WorkflowSettings } from "./settings.js";
import {
  afterMatrixJob,
  assumeRoleStep,
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

const BASE_DIR = ".baseline-base";

/** Pull requests: synthesize once, then plan every stack as its account's OIDC plan role. */
export function planWorkflow(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): WorkflowFile {
  const { pipelines } = settings;
  const jobs: Record<string, Job> = { synth: synthJob(org, shard, settings) };
  if (shard.index === 1 && pipelines.reportGate) jobs["report-gate"] = reportGateJob(org, settings);
  jobs.plan = planJob(settings);
  if (pipelines.comment) jobs.comment = commentJob(shard, settings);
  return {
    name: shard.planFile,
    workflow: {
      name: `org-baseline plan${shardLabel(shard)}`,
      on: { pull_request: { branches: [pipelines.github.branch] } },
      permissions: {},
      env: { TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      defaults: { run: { shell: "bash" } },
      jobs,
    },
  };
}

function synthJob(org: ResolvedOrg, shard: Shard, settings: WorkflowSettings): Job {
  const { pipelines, configPath } = settings;
  const cli = (...args: Array<string | RawWord>) => cliCommand(pipelines.cli, args);
  const steps: Step[] = [
    checkoutStep(settings),
    ...nodeSteps(settings),
    { name: "Workflows match the config", run: script(cli("workflow", "--config", configPath, "--out", ".github/workflows", "--check")) },
    synthesizeStep(settings),
  ];
  // The stacks were just synthesized into cdktf.out: check them there rather than synthesizing again.
  if (pipelines.check) steps.push({ name: "Preflight check", run: script(cli("check", "--config", configPath, "--out", "cdktf.out", "--no-synth")) });
  if (pipelines.changedStacksOnly) {
    steps.push({ ...checkoutStep(settings, { ref: "${{ github.event.pull_request.base.sha }}", path: BASE_DIR }), name: "Check out the base branch" });
  }
  steps.push(
    selectStacksStep(
      org,
      shard,
      "${{ github.event.pull_request.head.sha }}",
      {
        changedOnly: pipelines.changedStacksOnly,
        baseDir: BASE_DIR,
        baseSynth: cli("synth", "--config", configPath, "--out", { raw: '"$RUNNER_TEMP/base-out"' }, "--quiet"),
      },
      pipelines.changedStacksOnly ? "Select the changed stacks" : "Select the stacks",
    ),
    uploadSynthStep(settings),
    uploadStep(settings, "Upload the plan manifest", { name: "plan-manifest", path: "${{ runner.temp }}/manifest.json" }),
  );
  return {
    name: "synthesize",
    "runs-on": pipelines.runner,
    "timeout-minutes": 60,
    permissions: { contents: "read" },
    outputs: { tree: "${{ steps.stacks.outputs.tree }}", count: "${{ steps.stacks.outputs.count }}", matrix: "${{ steps.stacks.outputs.matrix }}" },
    steps,
  };
}

function planJob(settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  return stackPlanJob(settings, {
    name: "plan ${{ matrix.stack }}",
    purpose: "plan",
    concurrency: { group: `${pipelines.workflowPrefix}-plan-\${{ github.event.pull_request.number }}-\${{ matrix.stack }}`, "cancel-in-progress": false },
    plan: { name: "terraform plan", run: planScript(STACK_DIR) },
    after: [
      {
        name: "Summarize and bundle the plan",
        env: {
          ACCOUNT_ID: "${{ matrix.accountId }}",
          REGION: "${{ matrix.region }}",
          ROLE: "${{ matrix.role }}",
          TREE: "${{ needs.synth.outputs.tree }}",
          HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
          TERRAFORM_VERSION: pipelines.terraformVersion,
        },
        run: bundleScript(STACK_DIR),
      },
      uploadStep(settings, "Upload the plan", { name: "plan-${{ matrix.stack }}", path: "bundle/", includeHidden: true }),
      uploadStep(settings, "Upload the plan summary", { name: "summary-${{ matrix.stack }}", path: "summary/" }),
    ],
  });
}

function commentJob(shard: Shard, settings: WorkflowSettings): Job {
  return afterMatrixJob(settings, {
    name: "comment",
    matrixJob: "plan",
    permissions: { "pull-requests": "write" },
    download: { name: "Download the plan summaries", pattern: "summary-*", path: "summaries" },
    steps: [
      {
        name: "Comment the plan summary",
        env: {
          GH_TOKEN: "${{ github.token }}",
          REPO: "${{ github.repository }}",
          PR: "${{ github.event.pull_request.number }}",
          MATRIX: "${{ needs.synth.outputs.matrix }}",
          MARKER: `<!-- org-baseline:${shard.planFile} -->`,
          TITLE: `org-baseline plan${shardLabel(shard)}`,
          RUN_URL,
        },
        run: commentScript(),
      },
    ],
  });
}

function reportGateJob(org: ResolvedOrg, settings: WorkflowSettings): Job {
  const { pipelines, configPath } = settings;
  const gate = pipelines.reportGate!;
  const account = org.accountByName.get(reportGateAccount(org.config)!.name)!;
  const history = gate.historyDays !== undefined;
  const report = cliCommand(pipelines.cli, [
    "report",
    "--config",
    configPath,
    "--aggregator",
    gate.aggregator,
    "--region",
    gate.region,
    "--fail-under",
    String(gate.failUnder),
    "--markdown",
    { raw: '"$RUNNER_TEMP/scorecard.md"' },
    ...(history ? ["--history", { raw: `"${HISTORY_DIR}"` }, "--save-snapshot", { raw: `"${HISTORY_DIR}/$stamp.json"` }] : []),
  ]);
  const artifact = `${pipelines.workflowPrefix}-scorecard-history`;
  return {
    name: "compliance gate",
    "runs-on": pipelines.runner,
    "timeout-minutes": 30,
    // Reading the last run's history artifact needs actions: read.
    permissions: { contents: "read", "id-token": "write", ...(history ? { actions: "read" } : {}) },
    steps: [
      checkoutStep(settings),
      ...nodeSteps(settings),
      ...(history
        ? [
            {
              name: "Restore the score history",
              env: { GH_TOKEN: "${{ github.token }}", REPO: "${{ github.repository }}", ARTIFACT: artifact, DAYS: String(gate.historyDays) },
              run: restoreHistoryScript(HISTORY_DIR),
            },
          ]
        : []),
      assumeRoleStep(settings, `Assume the plan role of ${account.name} (OIDC)`, "report", {
        role: pipelineRoles(org, account)!.plan,
        region: gate.region,
        accountId: account.id,
      }),
      { name: `Config score of at least ${gate.failUnder}%`, run: reportGateScript(report, history) },
      // Saved whatever the gate decided, so a failing score stays in the history too.
      ...(history
        ? [
            uploadStep(
              settings,
              "Save the score history",
              { name: artifact, path: `\${{ runner.temp }}/scorecard-history/`, retentionDays: gate.historyDays, optional: true },
              "always()",
            ),
          ]
        : []),
    ],
  };
}
