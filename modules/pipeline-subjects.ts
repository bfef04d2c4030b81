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
    plan: subjects({ pullRequest: true }),
    apply: subjects(pipelines.applyTrust === "environment" ? { environment } : { branch: github.branch }),
  };
}
