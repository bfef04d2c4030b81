import type { ResolvedOrg, StackSpec } from "../../config/model.js";
import { pipelineRoles } from "../naming.js";
import type { ApplyEntry, PlanEntry } from "./model.js";
import type { WorkflowSettings } from "./settings.js";

/**
 * The stacks one pair of plan/apply workflow files covers. GitHub runs at most 256
 * matrix jobs per workflow run and refuses workflow files over 500 KB, so large
 * organizations get several pairs, cut from the stacks in config order.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
  stacks: StackSpec[];
  planFile: string;
  applyFile: string;
  /** Written only with `pipelines.drift`. */
  driftFile: string;
}

export function shards(org: ResolvedOrg, settings: WorkflowSettings): Shard[] {
  const size = settings.pipelines.stacksPerWorkflow;
  const count = Math.max(1, Math.ceil(org.stacks.length / size));
  const prefix = settings.pipelines.workflowPrefix;
  return Array.from({ length: count }, (_, i) => {
    const suffix = count === 1 ? "" : `-${String(i + 1).padStart(String(count).length, "0")}`;
    return {
      index: i + 1,
      count,
      stacks: org.stacks.slice(i * size, (i + 1) * size),
      planFile: `${prefix}-plan${suffix}.yml`,
      applyFile: `${prefix}-apply${suffix}.yml`,
      driftFile: `${prefix}-drift${suffix}.yml`,
    };
  });
}

function roles(org: ResolvedOrg, stack: StackSpec) {
  const found = pipelineRoles(org, stack.account);
  if (!found) throw new Error("pipeline roles need the pipelines section");
  return found;
}

export function planEntry(org: ResolvedOrg, stack: StackSpec): PlanEntry {
  return { stack: stack.name, accountId: stack.account.id, region: stack.region, role: roles(org, stack).plan };
}

export function applyEntry(org: ResolvedOrg, stack: StackSpec): ApplyEntry {
  return { stack: stack.name, accountId: stack.account.id, region: stack.region, role: roles(org, stack).apply, environment: stack.account.environment };
}

/** A JSON array with one entry per line: literal in the workflow, so reviewers read every role a job may assume. */
export function entriesJson(entries: readonly object[]): string {
  return `[\n${entries.map((e) => `  ${JSON.stringify(e)}`).join(",\n")}\n]\n`;
}
