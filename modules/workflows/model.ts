/**
 * The part of the GitHub Actions workflow syntax the generator emits. Objects are
 * built with keys in the order they should appear, so the YAML is stable.
 */

export type Permission = "read" | "write";
export type Permissions = Partial<Record<"actions" | "contents" | "id-token" | "issues" | "pull-requests", Permission>>;

export interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  run?: string;
}

export interface Job {
  name?: string;
  needs?: string[];
  if?: string;
  "runs-on": string;
  "timeout-minutes": number;
  environment?: string;
  permissions: Permissions;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "fail-fast": boolean; "max-parallel": number; matrix: string };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Permissions;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env: Record<string, string>;
  defaults: { run: { shell: string } };
  jobs: Record<string, Job>;
}

/** One generated file. */
export interface WorkflowFile {
  /** File name inside the output folder. */
  name: string;
  workflow: Workflow;
}

/** The matrix entry of one stack, as the plan and apply jobs read it. */
export interface PlanEntry {
  stack: string;
  accountId: string;
  region: string;
  role: string;
}

export interface ApplyEntry extends PlanEntry {
  environment: string;
}
