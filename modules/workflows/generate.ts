import type { ResolvedOrg } from "../../config/model.js";
import { applyWorkflow } from "./apply-workflow.js";
import { driftWorkflow } from "./drift-workflow.js";
import { planWorkflow } from "./plan-workflow.js";
import { renderWorkflow } from "./render.js";
import { workflowSettings } from "./settings.js";
import { shards } from "./shards.js";

/** A generated file: its name inside the output folder and its exact text. */
export interface GeneratedFile {
  name: string;
  content: string;
}

/** Every workflow file of an organization, in a fixed order: plan, apply (and drift), shard by shard. */
export function generateWorkflows(org: ResolvedOrg, configPath: string): GeneratedFile[] {
  const settings = workflowSettings(org, configPath);
  return shards(org, settings).flatMap((shard) =>
    [planWorkflow(org, shard, settings), applyWorkflow(org, shard, settings), ...(settings.pipelines.drift ? [driftWorkflow(org, shard, settings)] : [])].map(
      (file) => ({
        name: file.name,
        content: renderWorkflow(file, settings.configPath, settings.pins),
      }),
    ),
  );
}
