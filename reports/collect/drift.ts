import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, validate } from "./input-errors.js";

/**
 * `baseline report --drift FILE|DIR`: the drift summaries the generated drift workflows
 * upload (`drift-summary.json`, one per workflow file), read and merged by stack.
 */

const count = z.number().int().min(0);
const stackRecord = z.object({
  stack: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/, "a 12-digit account id"),
  region: z.string().min(1),
  status: z.enum(["drifted", "clean", "failed"]),
  add: count.optional(),
  change: count.optional(),
  destroy: count.optional(),
  resources: z.array(z.object({ address: z.string(), actions: z.array(z.string()) })).default([]),
  changedOutside: z.array(z.string()).default([]),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "a sha256 in hex")
    .optional(),
  checkedAt: z.string().optional(),
});

const driftSummarySchema = z.object({
  format: z.literal(1, "format 1 (a drift-summary.json of baseline's drift workflow)"),
  kind: z.literal("org-baseline-drift", 'kind "org-baseline-drift"'),
  repository: z.string(),
  runId: z.string(),
  runUrl: z.string(),
  generatedAt: z.string(),
  stacks: z.array(stackRecord),
});

export type DriftRecord = z.infer<typeof stackRecord> & { runUrl: string };

/** Every stack's newest record across the summaries (a failed plan never hides an earlier result). */
export interface DriftInput {
  files: string[];
  stacks: DriftRecord[];
}

/** A summary file, or every `.json` file in a folder (and its subfolders, as downloaded artifacts lie). */
export function loadDrift(path: string): DriftInput {
  const files = statSync(path).isDirectory() ? jsonFiles(path) : [path];
  if (files.length === 0) throw new InputError(`--drift ${path}`, [`${path}: no .json drift summary in the folder`]);
  const problems: string[] = [];
  const byStack = new Map<string, DriftRecord>();
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      problems.push(`${file}: not JSON: ${(e as Error).message}`);
      continue;
    }
    const parsed = validate(driftSummarySchema, data, file);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    for (const record of parsed.value.stacks) {
      const current = byStack.get(record.stack);
      const checkedAt = record.checkedAt ?? parsed.value.generatedAt;
      const newer = !current || (record.status !== "failed" && (current.status === "failed" || checkedAt > (current.checkedAt ?? "")));
      if (newer) byStack.set(record.stack, { ...record, checkedAt, runUrl: parsed.value.runUrl });
    }
  }
  if (problems.length > 0) throw new InputError(`--drift ${path}`, problems);
  const stacks = [...byStack.values()].sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
  return { files, stacks };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : []))
    .sort();
}
