import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { snapshotSchema, type Snapshot } from "../snapshot.js";
import { InputError, validate } from "./input-errors.js";

/**
 * Snapshots are files a user keeps between runs (`--save-snapshot`, `--from-snapshot`,
 * `--previous`), so reading one validates its shape and names every wrong field.
 */

/** Writes the snapshot through a temporary file, so a failed write never leaves half a snapshot. */
export function saveSnapshot(file: string, snapshot: Snapshot): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(snapshot, null, 1) + "\n");
  renameSync(temporary, file);
}

export function loadSnapshot(file: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read snapshot: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not a snapshot, invalid JSON: ${(err as Error).message}`);
  }
  return parseSnapshot(data, file);
}

/** Validates data already parsed from JSON; `origin` names it in errors. */
export function parseSnapshot(data: unknown, origin: string): Snapshot {
  const result = validate(snapshotSchema, data, origin);
  if (!result.ok) throw new InputError(`${origin}: not a valid snapshot`, result.problems);
  return result.value;
}
