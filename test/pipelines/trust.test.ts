import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ResolvedOrg } from "../../config/model.js";
import { ask, buildWorld, type World } from "../../modules/access/world.js";
import { readSynthesized } from "../../modules/controls/check.js";
import { githubProviderArn } from "../../modules/identity-plan.js";
import { GITHUB_OIDC_HOST, pipelineRoles } from "../../modules/naming.js";
import type { ApplyEntry, Job, PlanEntry, Workflow } from "../../modules/workflows/model.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { byName, exampleOrg, exampleWithGithub, exampleWithPipelines, generate, stackEntries } from "./helpers.js";

/**
 * End to end with the identity module and the access evaluator: the roles the workflows
 * assume exist in each account's synthesized stack, and each lets exactly the jobs that
 * assume it in: GitHub's tokens of those jobs are allowed, tokens of any other
 * repository, branch, environment or event, and of a subject form the config does not
 * name, are denied.
 */
const root = mkdtempSync(join(tmpdir(), "baseline-trust-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Form = "immutable" | "legacy";

/** A repository as GitHub's tokens name it; `form` is the subject format GitHub gives it. */
interface Repo {
  owner: string;
  ownerId: number;
  name: string;
  id: number;
  form: Form;
}

type JobContext = { event: "pull_request" } | { ref: string } | { environment: string; ref: string };

/**
 * The claims of a GitHub Actions OIDC token (the ones IAM conditions read, and enough
 * others to tell the jobs apart), as GitHub issues them to a repository of either age.
 */
function token(repo: Repo, job: JobContext): Record<string, string> {
  const prefix = repo.form === "immutable" ? `repo:${repo.owner}@${repo.ownerId}/${repo.name}@${repo.id}` : `repo:${repo.owner}/${repo.name}`;
  const sub = "environment" in job ? `${prefix}:environment:${job.environment}` : "event" in job ? `${prefix}:pull_request` : `${prefix}:ref:${job.ref}`;
  return {
    iss: `https://${GITHUB_OIDC_HOST}`,
    aud: "sts.amazonaws.com",
    sub,
    repository: `${repo.owner}/${repo.name}`,
    repository_id: String(repo.id),
    repository_owner: repo.owner,
    repository_owner_id: String(repo.ownerId),
    event_name: "event" in job ? "pull_request" : "push",
    ref: "event" in job ? "refs/pull/7/merge" : job.ref,
    ...("environment" in job ? { environment: job.environment } : {}),
  };
}

/** Whether the world lets a job holding this token assume the role (the AssumeRoleWithWebIdentity trust decision). */
function assumes(world: World, roleArn: string, accountId: string, claims: Record<string, string>): boolean {
  return ask(world, {
    principal: { federated: githubProviderArn(accountId) },
    action: "sts:AssumeRoleWithWebIdentity",
    resource: { arn: roleArn },
    context: { [`${GITHUB_OIDC_HOST}:sub`]: claims.sub!, [`${GITHUB_OIDC_HOST}:aud`]: claims.aud! },
  }).allowed;
}

/** The job context GitHub puts in the token of a job of a generated workflow. */
function jobContext(workflow: Workflow, job: Job, environment: string | undefined): JobContext {
  if ("pull_request" in workflow.on) return { event: "pull_request" };
  const branches = (workflow.on.push as { branches: string[] }).branches;
  const ref = `refs/heads/${branches[0]}`;
  return job.environment ? { environment: environment!, ref } : { ref };
}

function checkTrust(org: ResolvedOrg, name: string): void {
  const outdir = join(root, name);
  synthesizeInto(org, outdir);
  const world = buildWorld(readSynthesized(outdir), org);
  const files = generate(org);
  const plan = byName(files, "baseline-plan.yml").workflow;
  const apply = byName(files, "baseline-apply.yml").workflow;
  const planEntries = stackEntries<PlanEntry>(plan, "synth", "stacks");
  const applyEntries = stackEntries<ApplyEntry>(apply, "resolve", "manifest");
  const { owner, repository, ownerId, repositoryId, subjectFormat, branch } = org.config.pipelines!.github;
  // The live repository as GitHub sees it when it was created today, and when it is an old one.
  const live = (form: Form): Repo => ({ owner, ownerId: ownerId ?? 81234567, name: repository, id: repositoryId ?? 1045678901, form });
  const trusted = (form: Form) => subjectFormat === "both" || subjectFormat === form;
  const forms: Form[] = ["immutable", "legacy"];

  for (const account of org.accounts) {
    const arns = pipelineRoles(org, account)!;
    for (const [kind, workflow, job, entries] of [
      ["plan", plan, plan.jobs.plan!, planEntries],
      ["apply", apply, apply.jobs.apply!, applyEntries],
    ] as const) {
      const arn = kind === "plan" ? arns.plan : arns.apply;
      const mine = entries.filter((e) => e.accountId === account.id);
      expect(mine.length).toBe(account.regions.length);
      for (const entry of mine) expect(entry.role).toBe(arn);
      expect(world.roles.has(arn), `${account.name} has no ${kind} role`).toBe(true);
      const environment = "environment" in mine[0]! ? (mine[0] as ApplyEntry).environment : undefined;
      const own = jobContext(workflow, job, environment);
      // The drift workflow's plans run on the branch as the plan role.
      const driftPlans = kind === "plan" && files.some((f) => f.name === "baseline-drift.yml");
      const at = (what: string) => `${account.name} ${kind} role: ${what}`;

      for (const form of forms) {
        const repo = live(form);
        expect(assumes(world, arn, account.id, token(repo, own)), at(`the job's own ${form} token`)).toBe(trusted(form));
        if (driftPlans)
          expect(assumes(world, arn, account.id, token(repo, { ref: `refs/heads/${branch}` })), at(`the drift job's ${form} token`)).toBe(trusted(form));
        if (!trusted(form)) continue;
        const others: Array<[string, JobContext | undefined, Repo]> = [
          ["another repository of the owner", own, { ...repo, name: `${repository}-fork`, id: repo.id + 1 }],
          // The name-only subject cannot tell a recreated repository apart: the risk README states for legacy and both.
          ["a recreated repository of the same name (new id)", form === "immutable" ? own : undefined, { ...repo, id: repo.id + 7 }],
          ["another branch", { ref: "refs/heads/attacker" }, repo],
          ["another environment", { environment: "attacker", ref: `refs/heads/${branch}` }, repo],
          ["a pull request", kind === "plan" ? undefined : { event: "pull_request" }, repo],
          ["a push to the branch", (kind === "apply" && !("environment" in own)) || driftPlans ? undefined : { ref: `refs/heads/${branch}` }, repo],
        ];
        for (const [what, context, other] of others) {
          if (!context) continue;
          expect(assumes(world, arn, account.id, token(other, context)), at(`${what} (${form})`)).toBe(false);
        }
        expect(assumes(world, arn, account.id, { ...token(repo, own), aud: "https://github.com/example-corp" }), at("another audience")).toBe(false);
      }
    }
  }
}

describe("the workflows' jobs, and only they, assume the pipeline roles (proven with the access evaluator)", () => {
  it("immutable (the example): a repository created today plans and applies; the name-only form and every other job are denied", () => {
    checkTrust(exampleOrg(), "immutable");
  });

  it("branch trust: apply jobs present the branch ref (they name no environment)", () => {
    checkTrust(exampleWithPipelines({ applyTrust: "branch" }), "branch");
  });

  it("legacy: an old repository's name-only tokens are trusted, immutable ones are not", () => {
    checkTrust(exampleWithGithub({ subjectFormat: "legacy", ownerId: null, repositoryId: null }), "legacy");
  });

  it("drift detection: the plan role also lets the branch's scheduled plans in, nothing else", () => {
    checkTrust(exampleWithPipelines({ drift: { schedule: "17 5 * * 1-5" } }), "drift");
  });

  it("both, while migrating: either form of the repository's own jobs", () => {
    checkTrust(exampleWithGithub({ subjectFormat: "both" }), "both");
  });
});
