import { z } from "zod";
import { resourceName } from "./common.js";

const githubName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "a GitHub owner or repository name (letters, digits, _ . -, no wildcards)");

/**
 * GitHub Actions pipelines: the OIDC plan/apply roles (identity issue) and the
 * generated workflows (pipelines issue) both read this section.
 */
export const pipelinesSchema = z
  .strictObject({
    github: z.strictObject({
      owner: githubName,
      repository: githubName,
      /** Branch whose pushes apply reviewed plans. */
      branch: z.string().regex(/^[A-Za-z0-9._/-]+$/, "a branch name without wildcards").default("main"),
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
      })
      .optional(),
  })
  .optional();
