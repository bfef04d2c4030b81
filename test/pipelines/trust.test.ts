import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ResolvedOrg } from "../../config/model.js";
import { GITHUB_OIDC_HOST, pipelineRoles } from "../../modules/naming.js";
import type { ApplyEntry, Job, PlanEntry, Workflow } from "../../modules/workflows/model.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { byName, exampleOrg, exampleWithGithub, exampleWithPipelines, generate, stackEntries } from "./helpers.js";

/**
 * End to end with the identity module: the roles the workflows assume exist in each
 * account's synthesized stack, and each trusts exactly the OIDC subject GitHub gives
 * the job that assumes it.
 */
const root = mkdtempSync(join(tmpdir(), "baseline-trust-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Statement {
  Principal: { Federated: string };
  Action: string;
  Condition: { StringEquals: Record<string, string | string[]> };
}

/** name -> trust statements of every IAM role in a synthesized stack. */
function rolesOf(outdir: string, stack: string): Map<string, Statement[]> {
  const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
    resource?: { aws_iam_role?: Record<string, { name: string; assume_role_policy: string }> };
  };
  return new Map(Object.values(json.resource?.aws_iam_role ?? {}).map((r) => [r.name, (JSON.parse(r.assume_role_policy) as { Statement: Statement[] }).Statement]));
}

/**
 * GitHub's `sub` claim for a job: the environment when the job names one, else the pull
 * request or the ref; `immutable` as a repository created today gets it, `legacy` as an old one.
 */
function subject(org: ResolvedOrg, form: "immutable" | "legacy", workflow: Workflow, job: Job, environment: string | undefined): string {
  const { owner, repository, ownerId, repositoryId } = org.config.pipelines!.github;
  const repo = form === "immutable" ? `${owner}@${ownerId}/${repository}@${repositoryId}` : `${owner}/${repository}`;
  if (job.environment) return `repo:${repo}:environment:${environment}`;
  if ("pull_request" in workflow.on) return `repo:${repo}:pull_request`;
  const branches = (workflow.on.push as { branches: string[] }).branches;
  return `repo:${repo}:ref:refs/heads/${branches[0]}`;
}

function checkTrust(org: ResolvedOrg, name: string): void {
  const outdir = join(root, name);
  synthesizeInto(org, outdir);
  const files = generate(org);
  const plan = byName(files, "baseline-plan.yml").workflow;
  const apply = byName(files, "baseline-apply.yml").workflow;
  const planEntries = stackEntries<PlanEntry>(plan, "synth", "stacks");
  const applyEntries = stackEntries<ApplyEntry>(apply, "resolve", "manifest");
  const format = org.config.pipelines!.github.subjectFormat;
  const forms = format === "both" ? (["immutable", "legacy"] as const) : ([format] as const);

  for (const account of org.accounts) {
    const roles = rolesOf(outdir, `${account.name}-${account.homeRegion}`);
    const arns = pipelineRoles(org, account)!;
    for (const [kind, workflow, job, entries] of [
      ["plan", plan, plan.jobs.plan!, planEntries],
      ["apply", apply, apply.jobs.apply!, applyEntries],
    ] as const) {
      const arn = kind === "plan" ? arns.plan : arns.apply;
      const mine = entries.filter((e) => e.accountId === account.id);
      expect(mine.length).toBe(account.regions.length);
      for (const entry of mine) expect(entry.role).toBe(arn);
      const trust = roles.get(arn.split("/").at(-1)!);
      expect(trust, `${account.name} has no ${kind} role`).toBeDefined();
      const environment = "environment" in mine[0]! ? (mine[0] as ApplyEntry).environment : undefined;
      expect(trust).toHaveLength(1);
      expect(trust![0]!.Action).toBe("sts:AssumeRoleWithWebIdentity");
      const { [`${GITHUB_OIDC_HOST}:sub`]: sub, ...rest } = trust![0]!.Condition.StringEquals;
      expect(rest).toEqual({ [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" });
      expect([sub].flat()).toEqual(forms.map((form) => subject(org, form, workflow, job, environment)));
    }
  }
}

describe("the workflows and the identity module's OIDC roles", () => {
  it("environment trust: plan jobs present pull_request, apply jobs the account's environment (immutable subjects)", () => {
    checkTrust(exampleOrg(), "environment");
  });

  it("branch trust: apply jobs present the branch ref (they name no environment)", () => {
    checkTrust(exampleWithPipelines({ applyTrust: "branch" }), "branch");
  });

  it("legacy and both: the name-only subject only where the config says the repository uses it", () => {
    checkTrust(exampleWithGithub({ subjectFormat: "legacy", ownerId: null, repositoryId: null }), "legacy");
    checkTrust(exampleWithGithub({ subjectFormat: "both" }), "both");
  });
});
