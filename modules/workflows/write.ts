import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GeneratedFile } from "./generate.js";
import { GENERATED_MARKER } from "./render.js";

/** Generated files in `dir` that this generation no longer produces (e.g. after the org shrank to fewer shards). */
export function staleGenerated(dir: string, files: readonly GeneratedFile[]): string[] {
  if (!existsSync(dir)) return [];
  const current = new Set(files.map((f) => f.name));
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && !current.has(name))
    .filter((name) => readFileSync(join(dir, name), "utf8").startsWith(GENERATED_MARKER))
    .sort();
}

/**
 * Writes every file to a temporary sibling first and renames them into place only once
 * all were written, so no file is ever half-written and a failed write replaces nothing;
 * then removes generated files that are no longer produced. Other files are untouched.
 */
export function writeWorkflows(dir: string, files: readonly GeneratedFile[]): { written: string[]; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const temps = files.map((f) => ({ file: f, temp: join(dir, `.${f.name}.${process.pid}.tmp`) }));
  try {
    for (const { file, temp } of temps) writeFileSync(temp, file.content);
    for (const { file, temp } of temps) renameSync(temp, join(dir, file.name));
  } finally {
    for (const { temp } of temps) rmSync(temp, { force: true });
  }
  const removed = staleGenerated(dir, files);
  for (const name of removed) rmSync(join(dir, name));
  return { written: files.map((f) => f.name), removed };
}

/** What differs between `dir` and a fresh generation: files missing, different or stale. */
export function workflowDrift(dir: string, files: readonly GeneratedFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    if (!existsSync(path)) problems.push(`${path}: missing`);
    else if (readFileSync(path, "utf8") !== file.content) problems.push(`${path}: differs from the config`);
  }
  for (const name of staleGenerated(dir, files)) problems.push(`${join(dir, name)}: generated earlier, no longer produced`);
  return problems;
}
