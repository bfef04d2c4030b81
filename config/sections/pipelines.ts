import { z } from "zod";
import { resourceName } from "./common.js";

const githubName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "a GitHub owner or repository name (letters, digits, _ . -, no wildcards)");

/** A GitHub account or repository id: never reused, unlike a name. */
export const githubId = z
  .number({ error: "a numeric GitHub id (digits only, unquoted), e.g. from gh api repos/OWNER/REPO --jq '.owner.id, .id'" })
  .int("a numeric GitHub id (digits only)")
  .positive("a numeric GitHub id (digits only)")
  .max(Number.MAX_SAFE_INTEGER, "a numeric GitHub id (digits only)");

/** Which OIDC subject forms a role trusts (see githubSubjects). */
export const subjectFormat = z.enum(["immutable", "legacy", "both"]);

/** The actions the generated workflows use; each is pinned (see modules/workflows/actions.ts). */
export const PINNED_ACTIONS = [
  "actions/checkout",
  "actions/setup-node",
  "actions/upload-artifact",
  "actions/download-artifact",
  "aws-actions/configure-aws-credentials",
  "hashicorp/setup-terraform",
] as const;

/** A pin must not move: a full commit SHA, or at least an exact release tag. */
const actionPin = z.strictObject({
  ref: z
    .string()
    .regex(/^(?:[0-9a-f]{40}|v\d+\.\d+\.\d+)$/, "a full 40-character commit SHA (or an exact tag such as v4.2.1; never a branch or a moving major tag)"),
  /** Shown as a comment next to a SHA pin. */
  version: z
    .string()
    .regex(/^v\d+(?:\.\d+){0,2}$/, "a version such as v4.2.1")
    .optional(),
});

/**
 * GitHub Actions pipelines: the OIDC plan/apply roles (identity issue) and the
 * generated workflows (pipelines issue) both read this section.
 */
export const pipelinesSchema = z
  .strictObject({
    github: z.strictObject({
      owner: githubName,
      repository: githubName,
      /** `gh api repos/OWNER/REPO --jq .owner.id`: with repositoryId, the immutable OIDC subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… */
      ownerId: githubId.optional(),
      /** `gh api repos/OWNER/REPO --jq .id`. */
      repositoryId: githubId.optional(),
      /**
       * The subjects the plan and apply roles trust: `immutable` (repositories created, renamed
       * or transferred since 2026-07-15, or opted in; needs the ids), `legacy` (name-only, older
       * repositories) or `both` while migrating.
       */
      subjectFormat: subjectFormat.default("immutable"),
      /** Branch whose pushes apply reviewed plans. */
      branch: z
        .string()
        .regex(/^[A-Za-z0-9._/-]+$/, "a branch name without wildcards")
        .default("main"),
    }),
    /** Apply role trust: the GitHub environment named after the account's environment, or the pinned branch ref. */
    applyTrust: z.enum(["environment", "branch"]).default("environment"),
    planRoleName: resourceName.default("org-baseline-github-plan"),
    applyRoleName: resourceName.default("org-baseline-github-apply"),
    maxParallel: z.number().int().min(1).max(256).default(10),
    /** Plan only stacks whose synthesized JSON changed in the pull request. */
    changedStacksOnly: z.boolean().default(false),
    /** Run `baseline check` before planning. */
    check: z.boolean().default(true),
    /** Optional scorecard gate in the pull-request workflow. */
    reportGate: z
      .strictObject({
        aggregator: z.string().min(1),
        region: z.string(),
        failUnder: z.number().min(0).max(100),
        /** Account whose plan role reads the aggregator; default: the account with role security. */
        account: z.string().optional(),
        /**
         * Keep a score history of this many days: each gate run restores the saved snapshots (an
         * artifact), draws them with `--history` and saves its own (`--save-snapshot`), one per UTC day.
         */
        historyDays: z.number().int().min(1).max(400).optional(),
      })
      .optional(),
    /** Exact Terraform CLI version (>= 1.10 for S3 native locking; >= 1.11 for write-only values, see config/checks/values.ts). */
    terraformVersion: z
      .string()
      .regex(/^1\.(?:1\d|[2-9]\d)\.\d+$/, "an exact Terraform version >= 1.10, such as 1.14.6")
      .default("1.14.6"),
    nodeVersion: z
      .string()
      .regex(/^\d+(?:\.\d+){0,2}$/, "a Node.js version such as 20 or 22.11.0")
      .default("20"),
    /** GitHub-hosted runner label (or a self-hosted label) for every job. */
    runner: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "a runner label")
      .default("ubuntu-latest"),
    /** How the workflows run this CLI in the live repository after `npm ci`. */
    cli: z
      .string()
      .regex(/^[A-Za-z0-9@/._=-]+(?: [A-Za-z0-9@/._=-]+)*$/, "a command of plain words (no shell metacharacters), such as npx --no-install baseline")
      .default("npx --no-install baseline"),
    /** Workflow files are `<prefix>-plan.yml` and `<prefix>-apply.yml` (numbered when the stacks need several). */
    workflowPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "lower-case letters, digits and -")
      .default("baseline"),
    /** Stacks per workflow file: GitHub runs at most 256 matrix jobs per workflow run. */
    stacksPerWorkflow: z.number().int().min(1).max(256).default(256),
    /** Days plan artifacts are kept for the apply. */
    artifactRetentionDays: z.number().int().min(1).max(90).default(14),
    /** Post (and update) one plan summary comment on the pull request. */
    comment: z.boolean().default(true),
    /** HCP Terraform backend: the repository or environment secret holding the API token `terraform` authenticates with. */
    hcp: z
      .strictObject({
        tokenSecret: z
          .string()
          .regex(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/, "a GitHub Actions secret name (letters, digits and _, not starting with a digit or GITHUB_)")
          .default("TF_API_TOKEN"),
      })
      .default({ tokenSecret: "TF_API_TOKEN" }),
    /**
     * Scheduled drift detection: every stack planned read-only as the plan role on the
     * branch, a drift summary artifact, and (with issues) one issue per drifted stack.
     */
    drift: z
      .strictObject({
        schedule: z.string().regex(/^[0-9A-Za-z*/,-]+(?: [0-9A-Za-z*/,-]+){4}$/, 'a cron schedule of five fields, such as "17 5 * * 1-5" (UTC)'),
        issues: z.boolean().default(true),
      })
      .optional(),
    /** Replace the built-in action pins. */
    actions: z.partialRecord(z.enum(PINNED_ACTIONS), actionPin).default({}),
  })
  .optional();
