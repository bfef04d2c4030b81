import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Step } from "../../modules/workflows/model.js";

/**
 * Runs generated step scripts with bash as a runner would (RUNNER_TEMP, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY), against stub `terraform`, `gh`, `npm` and `npx` commands.
 */
export const tools = ["bash", "jq", "git", "sha256sum", "tar", "cmp"].filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
if (tools.length) console.warn(`workflow script tests skipped: ${tools.join(", ")} not installed (GitHub's runners have them)`);

export const root = mkdtempSync(join(tmpdir(), "baseline-scripts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
export function freshDir(name: string): string {
  const dir = join(root, `${name}-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const BIN = join(root, "bin");
mkdirSync(BIN);
export function stub(name: string, body: string): void {
  writeFileSync(join(BIN, name), `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(join(BIN, name), 0o755);
}
stub(
  "terraform",
  `echo "terraform $*" >> "$TF_LOG"
case "$1" in
  show)
    if [ "$2" = -json ] && [ -n "\${TF_SHOW_JSON:-}" ]; then
      echo "$TF_SHOW_JSON"
    elif [ "$2" = -json ]; then
      echo '{"resource_changes":[{"change":{"actions":["create"]}},{"change":{"actions":["update"]}},{"change":{"actions":["delete"]}},{"change":{"actions":["delete","create"]}},{"change":{"actions":["no-op"]}}]}'
    else
      echo 'plan: aws_iam_role.x <will be created> & "tags" = {}'
    fi ;;
  init) mkdir -p .terraform/providers; echo lock > .terraform.lock.hcl ;;
  plan) exit "\${TF_PLAN_EXIT:-0}" ;;
esac`,
);
// gh api PATH [--jq EXPR]: answers reads from JSON files named after the path. Writes (-X, -f, -F)
// are recorded in $GH_LOG as one JSON line each (method, path, fields; a @file field read in) and answer {}.
stub(
  "gh",
  `path=""; expr=""; method=""; fields='{}'
while [ $# -gt 0 ]; do case "$1" in
  api|--paginate) ;;
  --jq) expr="$2"; shift ;;
  -X) method="$2"; shift ;;
  -f|-F) key="\${2%%=*}"; value="\${2#*=}"
     if [ "$1" = -F ] && [ "\${value#@}" != "$value" ]; then value=$(cat "\${value#@}"); fi
     fields=$(jq -c --arg k "$key" --arg v "$value" '. + {($k): $v}' <<<"$fields"); shift ;;
  *) path="$1" ;;
esac; shift; done
if [ -n "$method" ] || [ "$fields" != '{}' ]; then
  jq -cn --arg method "\${method:-POST}" --arg path "$path" --argjson fields "$fields" '{method: $method, path: $path, fields: $fields}' >> "$GH_LOG"
  echo '{}'; exit 0
fi
file="$GH_FIXTURES/$(printf '%s' "$path" | tr -c 'A-Za-z0-9' '_').json"
[ -f "$file" ] || { echo "gh: HTTP 404 $path" >&2; exit 1; }
if [ -n "$expr" ]; then jq -r "$expr" "$file"; else cat "$file"; fi`,
);
stub("npm", `echo "npm $*" >> "$TF_LOG"`);
// The base branch's synth: copies a prepared tree into the requested --out folder.
stub("npx", `out=""; prev=""; for a in "$@"; do [ "$prev" = --out ] && out="$a"; prev="$a"; done; cp -R "$BASE_SYNTH" "$out"`);

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The step's RUNNER_TEMP, for a later step of the same job. */
  temp: string;
}

export function run(s: Step, cwd: string, env: Record<string, string>, temp = freshDir("runner-temp")): Run {
  const output = join(temp, "output");
  const summary = join(temp, "summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", s.run!], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: `${BIN}:${process.env.PATH}`,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: cwd,
      GITHUB_SHA: "c0ffee",
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      TF_LOG: join(root, "tf.log"),
      GH_LOG: join(root, "gh.log"),
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs, summary: readFileSync(summary, "utf8"), temp };
}
