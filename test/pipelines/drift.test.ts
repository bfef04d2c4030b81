import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { pipelineRoles } from "../../modules/naming.js";
import type { PlanEntry, Step } from "../../modules/workflows/model.js";
import { freshDir, root, run, tools } from "./bash.js";
import { allSteps, byName, exampleOrg, exampleYaml, generate, largeOrg, stackEntries, step } from "./helpers.js";

/**
 * Drift detection and the HCP Terraform token: what the generator writes, and the drift
 * steps run with bash against a drifted plan, a clean one, and issues to open, update and close.
 */

const DRIFT = { schedule: "17 5 * * 1-5", issues: true };

/** The example with pipelines.drift and optionally an HCP backend. */
function driftOrg(options: { hcp?: Record<string, unknown>; drift?: object } = {}) {
  let yaml = exampleYaml(["pipelines"], { drift: options.drift ?? DRIFT });
  if (options.hcp)
    yaml = yaml.replace(/\nbackend:\n(  .*\n)+/, `\nbackend: ${JSON.stringify({ type: "hcp", organization: "example-corp", ...options.hcp })}\n`);
  return parseConfig(yaml, "drift.yaml");
}

describe("the drift workflow", () => {
  const org = driftOrg();
  const files = generate(org);
  const drift = byName(files, "baseline-drift.yml").workflow;

  it("is written only when the config asks for it, one per shard", () => {
    expect(generate(exampleOrg()).map((f) => f.name)).toEqual(["baseline-plan.yml", "baseline-apply.yml"]);
    expect(files.map((f) => f.name)).toEqual(["baseline-plan.yml", "baseline-apply.yml", "baseline-drift.yml"]);
    const sharded = generate(largeOrg(300, { drift: DRIFT })).map((f) => f.name);
    expect(sharded.filter((n) => n.includes("drift"))).toEqual(["baseline-drift-1.yml", "baseline-drift-2.yml", "baseline-drift-3.yml"]);
  });

  it("runs on the schedule and by hand, plans every stack read-only as its account's plan role", () => {
    expect(drift.on).toEqual({ schedule: [{ cron: "17 5 * * 1-5" }], workflow_dispatch: {} });
    const entries = stackEntries<PlanEntry>(drift, "synth", "stacks");
    expect(entries.map((e) => e.stack)).toEqual(org.stacks.map((s) => s.name));
    for (const e of entries) expect(e.role).toBe(pipelineRoles(org, org.accountByName.get(org.stacks.find((s) => s.name === e.stack)!.account.name)!)!.plan);
    const job = drift.jobs.drift!;
    expect(job.permissions).toEqual({ "id-token": "write" });
    expect(step(job, "Assume the plan role (OIDC)").with!["role-to-assume"]).toBe("${{ matrix.role }}");
    expect(step(job, "terraform plan (read-only, detailed exit code)").run).toContain(
      "terraform plan -input=false -lock=false -detailed-exitcode -var 'deploy_role_arn=' -out=tfplan",
    );
    expect(job.strategy).toMatchObject({ "fail-fast": false, "max-parallel": 10 });
  });

  it("gives issues: write to the issues job only, of every generated workflow", () => {
    const writers = files.flatMap((f) =>
      Object.entries(f.workflow.jobs)
        .filter(([, j]) => j.permissions.issues !== undefined)
        .map(([name]) => `${f.name}:${name}`),
    );
    expect(writers).toEqual(["baseline-drift.yml:issues"]);
    expect(drift.jobs.issues!.permissions).toEqual({ issues: "write" });
    expect(drift.permissions).toEqual({});
    expect(Object.keys(byName(generate(driftOrg({ drift: { ...DRIFT, issues: false } })), "baseline-drift.yml").workflow.jobs)).toEqual([
      "synth",
      "drift",
      "summary",
    ]);
  });

  it("refuses a schedule that is not five cron fields", () => {
    expect(() => driftOrg({ drift: { schedule: "daily" } })).toThrow(/pipelines\.drift\.schedule: a cron schedule of five fields/);
  });
});

describe("the HCP Terraform token", () => {
  /** Every step's env across the generated workflows, by workflow, job and step name. */
  function tokenSteps(files: ReturnType<typeof generate>, variable: string): string[] {
    return files.flatMap((f) =>
      Object.entries(f.workflow.jobs).flatMap(([job, j]) =>
        j.steps.filter((s: Step) => JSON.stringify(s).includes(variable) || JSON.stringify(s).includes("secrets.")).map((s) => `${f.name}:${job}:${s.name}`),
      ),
    );
  }

  it("reaches terraform only: the steps running terraform get TF_TOKEN_<host> from the secret, no other step does", () => {
    const files = generate(driftOrg({ hcp: {} }));
    const withToken = tokenSteps(files, "TF_TOKEN_app_terraform_io");
    expect(withToken).toEqual([
      "baseline-plan.yml:plan:terraform init",
      "baseline-plan.yml:plan:terraform plan",
      "baseline-plan.yml:plan:terraform show",
      "baseline-apply.yml:apply:terraform init",
      "baseline-apply.yml:apply:terraform apply (the verified plan file only)",
      "baseline-drift.yml:drift:terraform init",
      "baseline-drift.yml:drift:terraform plan (read-only, detailed exit code)",
      "baseline-drift.yml:drift:terraform show",
    ]);
    for (const f of files) {
      for (const s of allSteps(f.workflow)) {
        if (s.env?.TF_TOKEN_app_terraform_io) {
          expect(s.env.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TF_API_TOKEN }}");
          // Scripts run terraform and nothing that could print the variable.
          expect(s.run).not.toMatch(/TF_TOKEN|\benv\b|printenv|set -x/);
        }
      }
    }
  });

  it("names the secret the config sets, and the variable of the configured host", () => {
    const files = generate(driftOrg({ hcp: { hostname: "tfe.example-corp.com" } }));
    expect(tokenSteps(files, "TF_TOKEN_tfe_example__corp_com")).toHaveLength(8);
    const custom = parseConfig(
      exampleYaml(["pipelines"], { hcp: { tokenSecret: "HCP_TERRAFORM_TOKEN" } }).replace(
        /\nbackend:\n(  .*\n)+/,
        "\nbackend: { type: hcp, organization: example-corp }\n",
      ),
      "hcp.yaml",
    );
    const plan = byName(generate(custom), "baseline-plan.yml").workflow;
    expect(step(plan.jobs.plan!, "terraform init").env).toEqual({ TF_TOKEN_app_terraform_io: "${{ secrets.HCP_TERRAFORM_TOKEN }}" });
  });

  it("an S3 backend gets no token, and a secret name GitHub would refuse is refused", () => {
    expect(tokenSteps(generate(exampleOrg()), "TF_TOKEN")).toEqual([]);
    expect(() => parseConfig(exampleYaml(["pipelines"], { hcp: { tokenSecret: "GITHUB_TOKEN" } }), "x.yaml")).toThrow(
      /pipelines\.hcp\.tokenSecret: a GitHub Actions secret name/,
    );
  });
});

describe.skipIf(tools.length > 0)("drift steps, run for real", () => {
  const org = driftOrg();
  const drift = byName(generate(org), "baseline-drift.yml").workflow;
  const STACK = "payments-prod-eu-west-1";
  const stack = org.stacks.find((s) => s.name === STACK)!;
  const DRIFTED_PLAN = JSON.stringify({
    resource_drift: [{ address: "aws_iam_role.pipeline-roles_plan", change: { actions: ["update"] } }],
    resource_changes: [
      { address: "aws_iam_role.pipeline-roles_plan", change: { actions: ["update"] } },
      { address: 'aws_kms_alias.key["a|b"]', change: { actions: ["delete", "create"] } },
      { address: "aws_kms_key.logs", change: { actions: ["no-op"] } },
    ],
  });
  const CLEAN_PLAN = JSON.stringify({ resource_changes: [{ address: "aws_kms_key.logs", change: { actions: ["no-op"] } }] });

  /** A drift job of one stack: plan with the given exit code, show, record. */
  function driftRun(planExit: number, showJson: string) {
    const workspace = freshDir("drift");
    const dir = join(workspace, "synth/stacks", STACK);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), "{}");
    writeFileSync(join(dir, "tfplan"), "binary plan");
    const job = drift.jobs.drift!;
    const env = { STACK, TF_PLAN_EXIT: String(planExit), TF_SHOW_JSON: showJson };
    const plan = run(step(job, "terraform plan (read-only, detailed exit code)"), workspace, env);
    if (plan.status !== 0) return { plan };
    const shown = run(step(job, "terraform show"), workspace, env);
    const record = run(
      step(job, "Record the drift"),
      workspace,
      { ...env, ACCOUNT_ID: stack.account.id, REGION: stack.region, EXITCODE: plan.outputs.exitcode! },
      shown.temp,
    );
    expect(record.status, record.stderr).toBe(0);
    return { plan, record, json: JSON.parse(readFileSync(join(workspace, "drift", `${STACK}.json`), "utf8")) as Record<string, unknown> };
  }

  it("a drifted plan (exit 2) is recorded as drifted, with what changes and what changed outside Terraform", () => {
    const { plan, record, json } = driftRun(2, DRIFTED_PLAN);
    expect(plan.outputs.exitcode).toBe("2");
    expect(json).toMatchObject({
      stack: STACK,
      accountId: "555555555555",
      region: "eu-west-1",
      status: "drifted",
      add: 1,
      change: 1,
      destroy: 1,
      resources: [
        { address: "aws_iam_role.pipeline-roles_plan", actions: ["update"] },
        { address: 'aws_kms_alias.key["a|b"]', actions: ["delete", "create"] },
      ],
      changedOutside: ["aws_iam_role.pipeline-roles_plan"],
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(record!.summary).toContain(`Drift: \`${STACK}\` drifted`);
  });

  it("a clean plan (exit 0) is recorded clean; a failed plan (exit 1) fails the step", () => {
    expect(driftRun(0, CLEAN_PLAN).json).toMatchObject({ status: "clean", add: 0, change: 0, destroy: 0, resources: [], changedOutside: [] });
    const failed = driftRun(1, CLEAN_PLAN);
    expect(failed.plan.status).toBe(1);
    expect(failed.plan.outputs.exitcode).toBe("1");
  });

  it("the summary lists every stack of the matrix; one without a record is failed", () => {
    const ws = freshDir("summary");
    mkdirSync(join(ws, "drift"));
    const record = (stack: string, status: string) =>
      writeFileSync(join(ws, "drift", `${stack}.json`), JSON.stringify({ stack, status, add: 1, change: 0, destroy: 0 }));
    const [a, b, c] = org.stacks;
    record(a!.name, "clean");
    record(b!.name, "drifted");
    const matrix = JSON.stringify({ include: [a, b, c].map((s) => ({ stack: s!.name, accountId: s!.account.id, region: s!.region })) });
    const combine = step(drift.jobs.summary!, "Combine the drift summary");
    const result = run(combine, ws, { MATRIX: matrix, SHARD: "1", REPO: "o/r", RUN_URL: "https://example.test/run/1" });
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(ws, "out/drift-summary.json"), "utf8"));
    expect(summary).toMatchObject({ format: 1, kind: "org-baseline-drift", repository: "o/r", shard: 1, runId: "4242", runUrl: "https://example.test/run/1" });
    expect(summary.stacks.map((s: { stack: string; status: string }) => [s.stack, s.status])).toEqual([
      [a!.name, "clean"],
      [b!.name, "drifted"],
      [c!.name, "failed"],
    ]);
    expect(result.stdout).toContain("1 drifted, 1 failed, of 3 stacks");
  });

  describe("one issue per drifted stack", () => {
    const issues = step(drift.jobs.issues!, "Open, update or close the drift issues");
    const marker = `<!-- org-baseline-drift:${STACK} -->`;
    const entry = (status: string) => ({
      stack: STACK,
      accountId: "555555555555",
      region: "eu-west-1",
      status,
      add: 1,
      change: 1,
      destroy: 0,
      resources: [{ address: 'aws_kms_alias.key["a|b"]', actions: ["update"] }],
      changedOutside: [],
      sha256: "f".repeat(64),
      checkedAt: "2026-11-29T05:17:00Z",
      commit: "c0ffee",
    });
    const other = { stack: "security-eu-west-1", status: "failed" };

    /** Runs the issues step on a summary, with the repository's open issues as GitHub lists them; returns the writes made. */
    function sync(stacks: object[], open: object[]) {
      const ws = freshDir("issues");
      mkdirSync(join(ws, "drift-summary"));
      writeFileSync(join(ws, "drift-summary/drift-summary.json"), JSON.stringify({ format: 1, stacks }));
      const fixtures = freshDir("gh");
      writeFileSync(join(fixtures, "repos_o_r_issues_state_open_per_page_100.json"), JSON.stringify(open));
      writeFileSync(join(root, "gh.log"), "");
      const result = run(issues, ws, {
        ...(issues.env as Record<string, string>),
        GH_TOKEN: "t",
        REPO: "o/r",
        RUN_URL: "https://example.test/run/2",
        GH_FIXTURES: fixtures,
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const writes = readFileSync(join(root, "gh.log"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { method: string; path: string; fields: Record<string, string> });
      return { result, writes };
    }
    const bot = { login: "github-actions[bot]" };

    it("opens one when a stack drifts and none is open (another user's issue or a pull request with the marker does not count)", () => {
      const { writes, result } = sync(
        [entry("drifted"), other],
        [
          { number: 3, user: { login: "someone" }, body: `${marker}\nnot ours` },
          { number: 4, user: bot, body: `${marker}\n`, pull_request: {} },
        ],
      );
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ method: "POST", path: "repos/o/r/issues", fields: { title: `Drift: ${STACK} (1 to add, 1 to change, 0 to destroy)` } });
      const body = writes[0]!.fields.body!;
      expect(body.split("\n")[0]).toBe(marker);
      expect(body).toContain('| `aws_kms_alias.key["a_b"]` | update |');
      expect(body).toContain("Drift run: https://example.test/run/2");
      expect(result.stdout).toContain("security-eu-west-1");
    });

    it("updates the open one while the stack stays drifted", () => {
      const { writes } = sync(
        [entry("drifted")],
        [
          { number: 9, user: bot, body: `${marker}\nold text` },
          { number: 10, user: bot, body: "<!-- org-baseline-drift:other -->" },
        ],
      );
      expect(writes.map((w) => [w.method, w.path])).toEqual([["PATCH", "repos/o/r/issues/9"]]);
      expect(writes[0]!.fields.body!.split("\n")[0]).toBe(marker);
    });

    it("closes it, with a comment, when a run finds the stack clean; a clean stack without an issue gets none", () => {
      const { writes } = sync([entry("clean")], [{ number: 9, user: bot, body: `${marker}\nold text` }]);
      expect(writes).toEqual([
        { method: "POST", path: "repos/o/r/issues/9/comments", fields: { body: `No drift in ${STACK} any more: https://example.test/run/2` } },
        { method: "PATCH", path: "repos/o/r/issues/9", fields: { state: "closed", state_reason: "completed" } },
      ]);
      expect(sync([entry("clean")], []).writes).toEqual([]);
    });

    it("leaves the issue of a stack whose plan failed as it is", () => {
      expect(sync([{ ...entry("failed"), status: "failed" }], [{ number: 9, user: bot, body: `${marker}\n` }]).writes).toEqual([]);
    });
  });
});
