import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, root, run, tools, type Run } from "./bash.js";
import { byName, exampleOrg, exampleWithPipelines, generate, step } from "./helpers.js";

/**
 * Runs the generated step scripts with bash against stub `terraform`, `gh`, `npm` and
 * `npx` commands (test/pipelines/bash.ts): the plan → artifact → verify → apply hand-off, and every refusal.
 */
const org = exampleOrg();
const files = generate(org);
const planWf = byName(files, "baseline-plan.yml").workflow;
const applyWf = byName(files, "baseline-apply.yml").workflow;
const planJob = planWf.jobs.plan!;
const applyJob = applyWf.jobs.apply!;
const STACK = "payments-prod-eu-west-1";
const TREE = "a".repeat(40);
const stack = org.stacks.find((s) => s.name === STACK)!;

/** A plan job's workspace after `terraform plan`, bundled by the generated script. */
function planAndBundle(showJson = ""): { workspace: string; result: Run } {
  const workspace = freshDir("plan");
  const dir = join(workspace, "synth/stacks", STACK);
  mkdirSync(join(dir, "assets/lambda"), { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), '{"resource":{}}');
  writeFileSync(join(dir, "assets/lambda/code.zip"), "zip");
  const env = {
    STACK,
    ACCOUNT_ID: stack.account.id,
    REGION: stack.region,
    ROLE: "arn:aws:iam::555555555555:role/org-baseline-github-plan",
    TREE,
    HEAD_SHA: "beef",
    TERRAFORM_VERSION: "1.14.6",
    TF_SHOW_JSON: showJson,
  };
  for (const name of ["terraform init", "terraform plan"]) expect(run(step(planJob, name), workspace, env).status).toBe(0);
  writeFileSync(join(dir, "tfplan"), "binary plan");
  const shown = run(step(planJob, "terraform show"), workspace, env);
  expect(shown.status, shown.stderr).toBe(0);
  // The show step's files live in its RUNNER_TEMP; the bundle step of the same job reads them there.
  return { workspace, result: run(step(planJob, "Summarize and bundle the plan"), workspace, env, shown.temp) };
}

/** An apply job's workspace holding the downloaded artifact, optionally tampered with. */
function applyWorkspace(bundle: string, tamper: (plan: string) => void = () => {}): string {
  const workspace = freshDir("apply");
  cpSync(bundle, join(workspace, "plan"), { recursive: true });
  tamper(join(workspace, "plan"));
  return workspace;
}

const verifyEnv = { STACK, ACCOUNT_ID: stack.account.id, REGION: stack.region, TREE, RUN_ID: "4242" };
const verify = (workspace: string, env: Record<string, string> = {}) => run(step(applyJob, "Verify the plan"), workspace, { ...verifyEnv, ...env });

describe.skipIf(tools.length > 0)("the plan → apply hand-off, run for real", () => {
  const { workspace, result } = planAndBundle();
  const bundle = join(workspace, "bundle");

  it("the plan job counts changes, escapes the plan text and bundles the stack folder with checksums", () => {
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(workspace, "summary", `${STACK}.json`), "utf8"))).toMatchObject({
      stack: STACK,
      add: 2,
      change: 1,
      destroy: 2,
      changed: true,
    });
    expect(result.summary).toContain("2 to add, 1 to change, 2 to destroy");
    expect(result.summary).toContain("&lt;will be created&gt; &amp;");
    expect(result.summary).not.toContain("<will be created>");
    const sums = readFileSync(join(bundle, "SHA256SUMS"), "utf8");
    expect(
      sums
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(66))
        .sort(),
    ).toEqual([".terraform.lock.hcl", "assets/lambda/code.zip", "cdk.tf.json", "plan-meta.json", "tfplan"]);
    expect(existsSync(join(bundle, ".terraform"))).toBe(false);
    expect(JSON.parse(readFileSync(join(bundle, "plan-meta.json"), "utf8"))).toMatchObject({
      stack: STACK,
      accountId: "555555555555",
      region: "eu-west-1",
      tree: TREE,
      runId: "4242",
      commit: "c0ffee",
      head: "beef",
    });
  });

  it("a plan that changes no resource and no output is marked unchanged", () => {
    const noop = planAndBundle('{"resource_changes":[{"change":{"actions":["no-op"]}}],"output_changes":{"x":{"actions":["no-op"]}}}');
    expect(noop.result.status, noop.result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(noop.workspace, "summary", `${STACK}.json`), "utf8"))).toEqual({
      stack: STACK,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      add: 0,
      change: 0,
      destroy: 0,
      changed: false,
    });
    const output = planAndBundle('{"resource_changes":[],"output_changes":{"x":{"actions":["update"]}}}');
    expect(JSON.parse(readFileSync(join(output.workspace, "summary", `${STACK}.json`), "utf8")).changed).toBe(true);
  });

  it("an intact plan verifies, and the apply runs terraform apply on exactly that file", () => {
    const ws = applyWorkspace(bundle);
    const checked = verify(ws);
    expect(checked.status, checked.stderr + checked.stdout).toBe(0);
    expect(checked.summary).toContain("verified");
    writeFileSync(join(root, "tf.log"), "");
    for (const name of ["terraform init", "terraform apply (the verified plan file only)"]) expect(run(step(applyJob, name), ws, { STACK }).status).toBe(0);
    expect(readFileSync(join(root, "tf.log"), "utf8").trim().split("\n")).toEqual([
      "terraform init -input=false -lock-timeout=10m -lockfile=readonly",
      "terraform apply -input=false -lock-timeout=10m tfplan",
    ]);
  });

  const refusals: Array<[string, (plan: string) => void, Record<string, string>, RegExp]> = [
    ["a changed plan file", (p) => writeFileSync(join(p, "tfplan"), "another plan"), {}, /altered: a checksum does not match/],
    ["a changed configuration", (p) => writeFileSync(join(p, "cdk.tf.json"), "{}"), {}, /altered: a checksum does not match/],
    ["an added file", (p) => writeFileSync(join(p, "override.tf.json"), "{}"), {}, /altered: the files differ/],
    ["a removed plan file", (p) => rmSync(join(p, "tfplan")), {}, /missing: the plan artifact has no tfplan/],
    ["no checksums", (p) => rmSync(join(p, "SHA256SUMS")), {}, /missing: the plan artifact has no SHA256SUMS/],
    ["a symbolic link", (p) => symlinkSync("/etc/passwd", join(p, "link")), {}, /altered: the plan artifact holds links/],
    ["no artifact at all", (p) => rmSync(p, { recursive: true }), {}, /missing: no plan artifact/],
    ["a plan of another stack", () => {}, { STACK: "payments-dev-eu-west-1" }, /altered: the plan is for stack payments-prod-eu-west-1/],
    ["a plan of another account", () => {}, { ACCOUNT_ID: "666666666666" }, /altered: the plan is for account 555555555555/],
    ["a plan from another run", () => {}, { RUN_ID: "1" }, /altered: the plan was not made by run 1/],
    ["a plan of other content (stale)", () => {}, { TREE: "b".repeat(40) }, /stale: the plan was made from tree a{40}, this commit has tree b{40}/],
  ];
  for (const [what, tamper, env, message] of refusals) {
    it(`refuses ${what}`, () => {
      const refused = verify(applyWorkspace(bundle, tamper), env);
      expect(refused.status).not.toBe(0);
      expect(refused.stdout).toMatch(message);
      expect(refused.summary).toMatch(/Refused to apply/);
    });
  }
});

/** A checked-out repository with synthesized stacks, as the synth job has it before selecting. */
function synthWorkspace(): string {
  const workspace = freshDir("synth");
  for (const s of org.stacks) {
    mkdirSync(join(workspace, "cdktf.out/stacks", s.name), { recursive: true });
    writeFileSync(join(workspace, "cdktf.out/stacks", s.name, "cdk.tf.json"), `{"stack":"${s.name}"}`);
  }
  const git = (...args: string[]) => spawnSync("git", args, { cwd: workspace, encoding: "utf8" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x");
  return workspace;
}

describe.skipIf(tools.length > 0)("selecting the stacks to plan", () => {
  it("plans every stack and writes the manifest the apply reads", () => {
    const ws = synthWorkspace();
    const select = step(planWf.jobs.synth!, "Select the stacks");
    const result = run(select, ws, { ...(select.env as Record<string, string>), HEAD_SHA: "beef" });
    expect(result.status, result.stderr).toBe(0);
    const tree = spawnSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: ws, encoding: "utf8" }).stdout.trim();
    expect(result.outputs.tree).toBe(tree);
    expect(result.outputs.count).toBe(String(org.stacks.length));
    expect(JSON.parse(result.outputs.matrix!).include.map((e: { stack: string }) => e.stack)).toEqual(org.stacks.map((s) => s.name));
  });

  it("with changedStacksOnly, plans only the stacks whose synthesized JSON differs from the base branch", () => {
    const changedFiles = generate(exampleWithPipelines({ changedStacksOnly: true }));
    const select = step(byName(changedFiles, "baseline-plan.yml").workflow.jobs.synth!, "Select the changed stacks");
    const ws = synthWorkspace();
    mkdirSync(join(ws, ".baseline-base"));
    const base = freshDir("base-synth");
    cpSync(join(ws, "cdktf.out"), base, { recursive: true });
    writeFileSync(join(base, "stacks/security-eu-west-1/cdk.tf.json"), "{}");
    rmSync(join(base, "stacks/payments-dev-eu-central-1"), { recursive: true });
    const result = run(select, ws, { ...(select.env as Record<string, string>), HEAD_SHA: "beef", BASE_SYNTH: base });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.outputs.matrix!).include.map((e: { stack: string }) => e.stack)).toEqual(["security-eu-west-1", "payments-dev-eu-central-1"]);
    expect(result.outputs.count).toBe("2");
  });
});

describe.skipIf(tools.length > 0)("finding the reviewed plan run", () => {
  const resolve = applyWf.jobs.resolve!;
  const find = step(resolve, "Find the plan run");
  const SHA = "1".repeat(40);
  function fixtures(files: Record<string, unknown>): string {
    const dir = freshDir("gh");
    for (const [path, body] of Object.entries(files)) writeFileSync(join(dir, `${path.replace(/[^A-Za-z0-9]/g, "_")}.json`), JSON.stringify(body));
    return dir;
  }
  const api = {
    [`repos/o/r/commits/${SHA}/pulls`]: [{ number: 7, merged_at: "2026-11-22T00:00:00Z", merge_commit_sha: SHA }],
    "repos/o/r/pulls/7": { head: { sha: "feed" } },
    "repos/o/r/actions/workflows/baseline-plan.yml/runs?event=pull_request&status=success&head_sha=feed&per_page=1": { workflow_runs: [{ id: 99 }] },
    "repos/o/r/actions/workflows/baseline-plan.yml": { id: 5 },
    "repos/o/r/actions/runs/99": { workflow_id: 5, event: "pull_request", conclusion: "success", html_url: "https://example.test/run/99" },
    "repos/o/r/actions/runs/98": { workflow_id: 6, event: "pull_request", conclusion: "success", html_url: "x" },
    [`repos/o/r/git/commits/${SHA}`]: { tree: { sha: TREE } },
  };
  const env = (over: Record<string, string>, gh: Record<string, unknown> = api) => ({
    ...(find.env as Record<string, string>),
    GH_TOKEN: "t",
    REPO: "o/r",
    EVENT: "push",
    REF: "refs/heads/main",
    SHA,
    INPUT_RUN_ID: "",
    GH_FIXTURES: fixtures(gh),
    ...over,
  });

  it("on push, follows the merge commit to its pull request's newest successful plan run", () => {
    const result = run(find, freshDir("resolve"), env({}));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.outputs).toEqual({ "run-id": "99", tree: TREE });
  });

  it("on manual dispatch, uses the named run after checking it is this plan workflow's", () => {
    expect(run(find, freshDir("resolve"), env({ EVENT: "workflow_dispatch", INPUT_RUN_ID: "99" })).outputs["run-id"]).toBe("99");
    expect(run(find, freshDir("resolve"), env({ EVENT: "workflow_dispatch", INPUT_RUN_ID: "98" })).stdout).toMatch(/run 98 is not a run of baseline-plan.yml/);
    expect(run(find, freshDir("resolve"), env({ EVENT: "workflow_dispatch", INPUT_RUN_ID: "99; rm -rf /" })).stdout).toMatch(/run-id must be the numeric id/);
  });

  it("refuses a commit that no pull request merged, and any other branch", () => {
    const direct = run(find, freshDir("resolve"), env({}, { ...api, [`repos/o/r/commits/${SHA}/pulls`]: [] }));
    expect(direct.status).not.toBe(0);
    expect(direct.stdout).toMatch(/is not the merge of a pull request/);
    expect(run(find, freshDir("resolve"), env({ REF: "refs/heads/feature" })).stdout).toMatch(/applied only from main/);
  });

  it("checks the manifest: same tree, and a plan for every stack", () => {
    const check = step(resolve, "Check the manifest");
    const stacks = org.stacks.map((s) => s.name);
    const withManifest = (manifest: object) => {
      const ws = freshDir("manifest");
      mkdirSync(join(ws, "manifest"));
      writeFileSync(join(ws, "manifest/manifest.json"), JSON.stringify(manifest));
      return ws;
    };
    const base = { format: 1, shard: 1, tree: TREE, runId: "99", stacks };
    const checkEnv = { ...(check.env as Record<string, string>), TREE, RUN_ID: "99", SHA };
    const ok = run(check, withManifest(base), checkEnv);
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.outputs.count).toBe(String(stacks.length));
    expect(JSON.parse(ok.outputs.matrix!).include[0]).toEqual({
      stack: stacks[0],
      accountId: "111111111111",
      region: "eu-west-1",
      role: "arn:aws:iam::111111111111:role/org-baseline-github-apply",
      environment: "shared",
    });
    expect(run(check, withManifest({ ...base, tree: "b".repeat(40) }), checkEnv).stdout).toMatch(/stale: the plans were made from tree b{40}/);
    expect(run(check, withManifest({ ...base, stacks: stacks.slice(1) }), checkEnv).stdout).toMatch(
      /missing: the plan run has no plan for management-eu-west-1/,
    );
    expect(run(check, freshDir("manifest"), checkEnv).stdout).toMatch(/missing: run 99 has no plan manifest/);

    // Reviewed plans that change nothing get no apply job; a stack whose summary is missing or changed is applied.
    const ws = withManifest(base);
    mkdirSync(join(ws, "summaries"));
    const summary = (stack: string, changed: boolean) => writeFileSync(join(ws, "summaries", `${stack}.json`), JSON.stringify({ stack, changed }));
    summary(stacks[0]!, false);
    summary(stacks[1]!, true);
    summary(stacks[2]!, false);
    writeFileSync(join(ws, "summaries", `${stacks[3]}.json`), JSON.stringify({ stack: stacks[4], changed: false }));
    const skipped = run(check, ws, checkEnv);
    expect(skipped.status, skipped.stdout).toBe(0);
    expect(JSON.parse(skipped.outputs.matrix!).include.map((e: { stack: string }) => e.stack)).toEqual(stacks.filter((_, i) => i !== 0 && i !== 2));
    expect(skipped.summary).toContain(`reviewed plans without changes: ${stacks[0]}, ${stacks[2]}`);
  });
});
