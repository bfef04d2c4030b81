import { readFileSync } from "node:fs";
import { parse, parseDocument } from "yaml";
import { loadConfig, parseConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { generateWorkflows, type GeneratedFile } from "../../modules/workflows/generate.js";
import type { Job, Step, Workflow } from "../../modules/workflows/model.js";

export const EXAMPLE_CONFIG = "config/org.yaml";

export function exampleOrg(): ResolvedOrg {
  return loadConfig(EXAMPLE_CONFIG);
}

/** The example config with `pipelines` keys replaced (a null value removes the key). */
export function exampleWithPipelines(changes: Record<string, unknown>): ResolvedOrg {
  return parseConfig(exampleYaml(["pipelines"], changes), "test-config.yaml");
}

/** The example config with `pipelines.github` keys replaced (a null value removes the key). */
export function exampleWithGithub(changes: Record<string, unknown>): ResolvedOrg {
  return parseConfig(exampleYaml(["pipelines", "github"], changes), "test-config.yaml");
}

/** The example config's text with the keys of the mapping at `at` replaced (a null value removes the key). */
export function exampleYaml(at: string[], changes: Record<string, unknown>): string {
  const doc = parseDocument(readFileSync(EXAMPLE_CONFIG, "utf8"));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) doc.deleteIn([...at, key]);
    else doc.setIn([...at, key], doc.createNode(value));
  }
  return doc.toString();
}

/** An organization of `count` accounts in two regions each (2 × count stacks); `longNames` uses the longest account names allowed. */
export function largeOrg(count: number, pipelines: Record<string, unknown> = {}, longNames = false): ResolvedOrg {
  const accounts = Array.from({ length: count }, (_, i) => ({
    id: String(100000000000 + i),
    name: longNames ? `acct-${String(i).padStart(4, "0")}-`.padEnd(41, "x") : `acct-${String(i).padStart(4, "0")}`,
    role: i === 0 ? "management" : i === 1 ? "security" : "workload",
    environment: longNames && i > 2 ? `e${"x".repeat(31)}` : ["dev", "staging", "prod"][i % 3],
    ou: "/Workloads",
  }));
  const config = {
    organization: { id: "o-largeorg123", name: "Large" },
    defaults: { regions: ["eu-west-1", "us-east-1"] },
    permissionBoundary: { name: "boundary" },
    backend: { type: "s3", bucket: "large-tfstate", region: "eu-west-1" },
    pipelines: { github: { owner: "large-corp", repository: "live", ownerId: 1001, repositoryId: 2002 }, ...pipelines },
    accounts,
  };
  return parseConfig(JSON.stringify(config), "large.yaml");
}

export interface ParsedFile extends GeneratedFile {
  workflow: Workflow;
}

export function generate(org: ResolvedOrg): ParsedFile[] {
  return generateWorkflows(org, EXAMPLE_CONFIG).map((f) => ({ ...f, workflow: parse(f.content) as Workflow }));
}

export function byName(files: ParsedFile[], name: string): ParsedFile {
  const file = files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name} among ${files.map((f) => f.name).join(", ")}`);
  return file;
}

export function step(job: Job, name: string): Step {
  const found = job.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step "${name}" in ${job.steps.map((s) => s.name).join(", ")}`);
  return found;
}

export function allSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((j) => j.steps);
}

/** The literal matrix entries a workflow carries in a step's STACKS env. */
export function stackEntries<T>(workflow: Workflow, job: string, stepId: string): T[] {
  const s = workflow.jobs[job]!.steps.find((x) => x.id === stepId);
  if (!s?.env?.STACKS) throw new Error(`no STACKS in ${job}.${stepId}`);
  return JSON.parse(s.env.STACKS) as T[];
}
