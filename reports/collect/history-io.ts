import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { historyPoint, type HistoryPoint } from "../model/history.js";
import { snapshotSchema } from "../snapshot.js";
import { InputError, validate } from "./input-errors.js";

/**
 * `--history DIR`: every `*.json` file directly in DIR is a saved snapshot (`--save-snapshot`);
 * other files, hidden files and sub-folders are not read, so a README or a `.gitkeep` can sit
 * there. Every snapshot is validated and every problem of every file is named (file: JSON path:
 * message) before any is used: one bad file refuses the run. Each file is reduced to its scores
 * as it is read, so a folder of large snapshots never sits in memory at once.
 */
export function loadHistory(dir: string): HistoryPoint[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a folder");
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".json") && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw new Error(`--history ${dir}: cannot read the snapshot folder: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const points: HistoryPoint[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      problems.push(`${file}: (document): not a snapshot, ${err instanceof SyntaxError ? "invalid JSON" : "cannot read it"}: ${(err as Error).message}`);
      continue;
    }
    const result = validate(snapshotSchema, data, file);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    // The history orders snapshots in time: a collectedAt that is no instant cannot be placed.
    if (Number.isNaN(Date.parse(result.value.collectedAt))) {
      problems.push(`${file}: collectedAt: not an ISO 8601 date and time: ${JSON.stringify(result.value.collectedAt)}`);
      continue;
    }
    if (problems.length === 0) points.push(historyPoint(result.value, file));
  }
  if (problems.length > 0) throw new InputError(`--history ${dir}: invalid snapshots`, problems);
  return points;
}
