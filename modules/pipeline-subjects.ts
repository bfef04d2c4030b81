import type { OrgConfig } from "../config/schema.js";
import { githubSubjects, type GithubJobContext } from "./policies/trust-policy.js";

type Pipelines = NonNullable<OrgConfig["pipelines"]>;

export interface PipelineSubjects {
  plan: string[];
  apply: string[];
}

/**
 * The exact OIDC subjects the plan and apply roles of an account (by its environment)
 * trust: the jobs of the generated workflows, in the forms the repository uses.
 */
export function pipelineSubjects(pipelines: Pipelines, environment: string): PipelineSubjects {
  const { github } = pipelines;
  const subjects = (on: GithubJobContext) => githubSubjects(github, github.subjectFormat, on);
  return {
    // Scheduled drift plans run on the branch as the plan role, so it trusts that ref too.
    plan: [...subjects({ pullRequest: true }), ...(pipelines.drift ? subjects({ branch: github.branch }) : [])],
    apply: subjects(pipelines.applyTrust === "environment" ? { environment } : { branch: github.branch }),
  };
}
