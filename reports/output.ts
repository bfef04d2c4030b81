import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes every file through a temporary file in its own directory and a rename, after all
 * of them rendered: a failure never leaves a half-written report or a stale mix of old and new.
 */
export function writeFilesAtomically(files: ReadonlyArray<{ path: string; content: string }>): void {
  const staged: Array<{ temporary: string; path: string }> = [];
  try {
    for (const { path, content } of files) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, content);
      staged.push({ temporary, path });
    }
  } catch (err) {
    for (const s of staged) rmSync(s.temporary, { force: true });
    throw err;
  }
  for (const s of staged) renameSync(s.temporary, s.path);
}
