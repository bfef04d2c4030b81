import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, treeHashes } from "../helpers/cli.js";

const CORPUS = "test/fixtures/bad-configs";
const GOOD = "test/fixtures/minimal.yaml";

/**
 * Each bad config says what it must produce on its first line: `# expect: LINE:COL PATH: TEXT`;
 * one that cannot carry a readable first line (UTF-16, binary, CR-only line endings) says it in `<file>.expect`.
 */
function expectation(file: string): { line: number; column: number; path: string; text: string } {
  const first = existsSync(`${file}.expect`) ? readFileSync(`${file}.expect`, "utf8").trimEnd() : readFileSync(file, "utf8").split("\n")[0]!;
  const m = /^# expect: (\d+):(\d+) (\S*): (.+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be "# expect: LINE:COL PATH: TEXT"`);
  return { line: Number(m[1]), column: Number(m[2]), path: m[3]!, text: m[4]! };
}

const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => join(CORPUS, f));

describe("bad configs", () => {
  let out: string;
  let before: Record<string, string>;

  beforeAll(() => {
    out = join(mkdtempSync(join(tmpdir(), "baseline-bad-")), "out");
    const good = runCli(["synth", "--config", GOOD, "--out", out]);
    expect(good.stderr).toBe("");
    expect(good.status).toBe(0);
    before = treeHashes(out);
  });
  afterAll(() => rmSync(join(out, ".."), { recursive: true, force: true }));

  it("has a corpus of at least 20 distinct cases", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(new Set(files.map((f) => readFileSync(f, "utf8"))).size).toBe(files.length);
  });

  it.each(files)("%s exits 1 naming file, line, column and path, and leaves the output untouched", (file) => {
    const want = expectation(file);
    const result = runCli(["synth", "--config", file, "--out", out]);
    expect(result.status).toBe(1);
    const located = want.path ? `${file}:${want.line}:${want.column} ${want.path}: ` : `${file}:${want.line}:${want.column} `;
    const line = result.stderr.split("\n").find((l) => l.includes(located));
    expect(line, `stderr was:\n${result.stderr}`).toBeDefined();
    expect(line).toContain(want.text);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe("");
    expect(treeHashes(out)).toEqual(before);
  });

  it("validate reports the same problems without writing anything", () => {
    const result = runCli(["validate", "--config", files[0]!]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${files[0]}:`);
  });

  it("a missing config file is a clear error", () => {
    const result = runCli(["validate", "--config", "does/not/exist.yaml"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("does/not/exist.yaml:1:1 cannot read config: file not found");
  });

  it("a folder where the config should be is a clear error", () => {
    const folder = join(out, "..", "a-folder.yaml");
    mkdirSync(folder, { recursive: true });
    const result = runCli(["validate", "--config", folder]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${folder}:1:1 cannot read config: it is a folder, not a file`);
    expect(result.stderr).not.toMatch(/EISDIR/);
  });

  it("--verbose adds a stack trace for runtime failures only", () => {
    // A file where a folder must be: synthesis fails at run time, not on input.
    const blocked = join(out, "..", "not-a-folder");
    writeFileSync(blocked, "");
    const result = runCli(["synth", "--config", GOOD, "--out", join(blocked, "out"), "--verbose"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\s+at /);
    const quiet = runCli(["synth", "--config", GOOD, "--out", join(blocked, "out")]);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toMatch(/^error: /);
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
  });
});
