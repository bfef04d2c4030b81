import type { ResolvedOrg } from "../../config/model.js";
import { reportGateAccount } from "../../config/checks/workflows.js";
import { pipelineRoles } from "../naming.js";
import { usesRef } from "./actions.js";
import type { Job, Step, WorkflowFile } from "./model.js";
import { bundleScript, cliCommand, type RawWord, commentScript, initScript, planScript, reportGateScript, selectStacksScript, showScript } from "./scripts.js";
import { entriesJson, planEntry, type Shard } from "./shards.js";
import { script } from "./shell.js";
import type { WorkflowSettings } from "./settings.js";
import { assumeRoleStep, checkoutStep, MATRIX_TARGET, nodeSteps, setupTerraformStep, shardLabel, terraformStep } from "./steps.js";

const BASE_DIR = ".baseline-base";
const STACK_DIR = `"synth/stacks/$STACK"`;

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
    { name: "Synthesize", run: script(cli("synth", "--config", configPath, "--out", "cdktf.out", "--quiet")) },
  ];
  // The stacks were just synthesized into cdktf.out: check them there rather than synthesizing again.
  if (pipelines.check) steps.push({ name: "Preflight check", run: script(cli("check", "--config", configPath, "--out", "cdktf.out", "--no-synth")) });
  if (pipelines.changedStacksOnly) {
    steps.push({ ...checkoutStep(settings, { ref: "${{ github.event.pull_request.base.sha }}", path: BASE_DIR }), name: "Check out the base branch" });
  }
  steps.push(
    {
      name: pipelines.changedStacksOnly ? "Select the changed stacks" : "Select the stacks",
      id: "stacks",
      env: {
        STACKS: entriesJson(shard.stacks.map((s) => planEntry(org, s))),
        SHARD: String(shard.index),
        HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
      },
      run: selectStacksScript({
        changedOnly: pipelines.changedStacksOnly,
        baseDir: BASE_DIR,
        baseSynth: cliCommand(pipelines.cli, ["synth", "--config", configPath, "--out", { raw: '"$RUNNER_TEMP/base-out"' }, "--quiet"]),
      }),
    },
    {
      name: "Upload the synthesized stacks",
      if: "steps.stacks.outputs.count != '0'",
      uses: usesRef("actions/upload-artifact", settings.pins),
      with: { name: "baseline-synth", path: "${{ runner.temp }}/synth/", "if-no-files-found": "error", "retention-days": 1, overwrite: true },
    },
    {
      name: "Upload the plan manifest",
      uses: usesRef("actions/upload-artifact", settings.pins),
      with: {
        name: "plan-manifest",
        path: "${{ runner.temp }}/manifest.json",
        "if-no-files-found": "error",
        "retention-days": pipelines.artifactRetentionDays,
        overwrite: true,
      },
    },
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
  return {
    name: "plan ${{ matrix.stack }}",
    needs: ["synth"],
    if: "needs.synth.outputs.count != '0'",
    "runs-on": pipelines.runner,
    "timeout-minutes": 60,
    permissions: { "id-token": "write" },
    concurrency: { group: `${pipelines.workflowPrefix}-plan-\${{ github.event.pull_request.number }}-\${{ matrix.stack }}`, "cancel-in-progress": false },
    strategy: { "fail-fast": false, "max-parallel": pipelines.maxParallel, matrix: "${{ fromJSON(needs.synth.outputs.matrix) }}" },
    env: { STACK: "${{ matrix.stack }}" },
    steps: [
      { name: "Download the synthesized stacks", uses: usesRef("actions/download-artifact", settings.pins), with: { name: "baseline-synth", path: "synth" } },
      setupTerraformStep(settings),
      assumeRoleStep(settings, "Assume the plan role (OIDC)", "plan", MATRIX_TARGET),
      terraformStep(settings, { name: "terraform init", run: initScript(STACK_DIR) }),
      terraformStep(settings, { name: "terraform plan", run: planScript(STACK_DIR) }),
      terraformStep(settings, { name: "terraform show", run: showScript(STACK_DIR) }),
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
      {
        name: "Upload the plan",
        uses: usesRef("actions/upload-artifact", settings.pins),
        with: {
          name: "plan-${{ matrix.stack }}",
          path: "bundle/",
          "if-no-files-found": "error",
          "include-hidden-files": true,
          "retention-days": pipelines.artifactRetentionDays,
          overwrite: true,
        },
      },
      {
        name: "Upload the plan summary",
        uses: usesRef("actions/upload-artifact", settings.pins),
        with: {
          name: "summary-${{ matrix.stack }}",
          path: "summary/",
          "if-no-files-found": "error",
          "retention-days": pipelines.artifactRetentionDays,
          overwrite: true,
        },
      },
    ],
  };
}

function commentJob(shard: Shard, settings: WorkflowSettings): Job {
  const { pipelines } = settings;
  return {
    name: "comment",
    needs: ["synth", "plan"],
    if: "always() && needs.synth.result == 'success' && needs.synth.outputs.count != '0'",
    "runs-on": pipelines.runner,
    "timeout-minutes": 10,
    permissions: { "pull-requests": "write" },
    steps: [
      {
        name: "Download the plan summaries",
        uses: usesRef("actions/download-artifact", settings.pins),
        with: { pattern: "summary-*", path: "summaries", "merge-multiple": true },
      },
      {
        name: "Comment the plan summary",
        env: {
          GH_TOKEN: "${{ github.token }}",
          REPO: "${{ github.repository }}",
          PR: "${{ github.event.pull_request.number }}",
          MATRIX: "${{ needs.synth.outputs.matrix }}",
          MARKER: `<!-- org-baseline:${shard.planFile} -->`,
          TITLE: `org-baseline plan${shardLabel(shard)}`,
          RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
        },
        run: commentScript(),
      },
    ],
  };
}

function reportGateJob(org: ResolvedOrg, settings: WorkflowSettings): Job {
  const { pipelines, configPath } = settings;
  const gate = pipelines.reportGate!;
  const account = org.accountByName.get(reportGateAccount(org.config)!.name)!;
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
  ]);
  return {
    name: "compliance gate",
    "runs-on": pipelines.runner,
    "timeout-minutes": 30,
    permissions: { contents: "read", "id-token": "write" },
    steps: [
      checkoutStep(settings),
      ...nodeSteps(settings),
      assumeRoleStep(settings, `Assume the plan role of ${account.name} (OIDC)`, "report", {
        role: pipelineRoles(org, account)!.plan,
        region: gate.region,
        accountId: account.id,
      }),
      { name: `Config score of at least ${gate.failUnder}%`, run: reportGateScript(report) },
    ],
  };
}
