import { DEPLOY_ROLE_VARIABLE } from "../naming.js";
import { PLAN_FILE } from "./scripts.js";
import { script } from "./shell.js";

/**
 * The shell of the drift workflow's steps. As in scripts.ts, run-time values arrive
 * only through `env`.
 */

/** Drift runs plan from the branch only: the plan role trusts that ref, no other. Env: BRANCH. */
export function branchGuardScript(): string {
  return script(
    `if [ "$GITHUB_REF" != "refs/heads/$BRANCH" ]; then`,
    `  echo "::error title=drift runs on $BRANCH only::the plan role trusts drift plans from refs/heads/$BRANCH, not $GITHUB_REF"`,
    `  exit 1`,
    `fi`,
  );
}

/**
 * A read-only plan as the plan role: no state lock taken (a drift run never holds up an
 * apply), `-detailed-exitcode` telling clean (0) from changes (2). The exit code goes to
 * the step output `exitcode`; anything else fails the step.
 */
export function driftPlanScript(dir: string): string {
  return script(
    `cd ${dir}`,
    `status=0`,
    `terraform plan -input=false -lock=false -detailed-exitcode -var '${DEPLOY_ROLE_VARIABLE}=' -out=${PLAN_FILE} || status=$?`,
    `echo "exitcode=$status" >> "$GITHUB_OUTPUT"`,
    `if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then exit "$status"; fi`,
  );
}

/** jq: what a plan JSON changes (resources, counted as Terraform counts them) and what changed outside Terraform. */
const DRIFT_JQ = [
  `[.resource_changes[]? | select(.change.actions != ["no-op"])] as $changes`,
  `| [$changes[].change.actions] as $r`,
  `| {add: ($r | map(select(index("create"))) | length), change: ($r | map(select(. == ["update"])) | length), destroy: ($r | map(select(index("delete"))) | length),`,
  `   resources: [$changes[] | {address, actions: .change.actions}],`,
  `   changedOutside: [.resource_drift[]? | .address] | unique}`,
].join(" ");

/**
 * One stack's drift record (drift/<stack>.json) from the show step's plan.json, and its
 * job summary. Env: STACK, ACCOUNT_ID, REGION, EXITCODE.
 */
export function driftSummaryScript(dir: string): string {
  return script(
    `mkdir -p "$GITHUB_WORKSPACE/drift"`,
    `sha=$(sha256sum ${dir}/${PLAN_FILE} | cut -d' ' -f1)`,
    `jq --arg stack "$STACK" --arg accountId "$ACCOUNT_ID" --arg region "$REGION" --arg sha256 "$sha" --argjson exitcode "$EXITCODE" \\`,
    `  --arg checkedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg runId "$GITHUB_RUN_ID" --arg commit "$GITHUB_SHA" \\`,
    `  '{stack: $stack, accountId: $accountId, region: $region, status: (if $exitcode == 2 then "drifted" else "clean" end)} + (${DRIFT_JQ}) + {sha256: $sha256, checkedAt: $checkedAt, runId: $runId, commit: $commit}' \\`,
    `  "$RUNNER_TEMP/plan.json" > "$GITHUB_WORKSPACE/drift/$STACK.json"`,
    `rm -f "$RUNNER_TEMP/plan.json"`,
    `{`,
    `  jq -r '"### Drift: \`\\(.stack)\` \\(.status)\\n\\n\\(.add) to add, \\(.change) to change, \\(.destroy) to destroy; plan sha256 \`\\(.sha256)\`"' "$GITHUB_WORKSPACE/drift/$STACK.json"`,
    `  echo`,
    `  echo "<details><summary>terraform show</summary><pre>"`,
    `  head -c 400000 "$RUNNER_TEMP/plan.txt" | sed -e 's/&/\\&amp;/g' -e 's/</\\&lt;/g' -e 's/>/\\&gt;/g'`,
    `  echo "</pre></details>"`,
    `} >> "$GITHUB_STEP_SUMMARY"`,
  );
}

/**
 * The drift summary of this run (drift-summary.json): every stack of the matrix, with
 * its record, or status `failed` when its plan produced none. Env: MATRIX, SHARD, REPO, RUN_URL.
 */
export function combineDriftScript(): string {
  return script(
    `mkdir -p drift out`,
    `records=$(find drift -name '*.json' -type f -print0 | xargs -0 -r cat | jq -sc .)`,
    `jq -n --argjson matrix "$MATRIX" --argjson records "$records" --argjson shard "$SHARD" --arg repository "$REPO" --arg runId "$GITHUB_RUN_ID" --arg runUrl "$RUN_URL" \\`,
    `  --arg commit "$GITHUB_SHA" --arg generatedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\`,
    `  '{format: 1, kind: "org-baseline-drift", repository: $repository, runId: $runId, runUrl: $runUrl, commit: $commit, shard: $shard, generatedAt: $generatedAt,`,
    `    stacks: [$matrix.include[] as $m | (first($records[] | select(.stack == $m.stack)) // {stack: $m.stack, accountId: $m.accountId, region: $m.region, status: "failed"})]}' > out/drift-summary.json`,
    `{`,
    `  echo "### Drift"`,
    `  echo`,
    `  echo "| stack | status | add | change | destroy |"`,
    `  echo "| --- | --- | ---: | ---: | ---: |"`,
    `  jq -r '.stacks[] | "| \\(.stack) | \\(.status) | \\(.add // "") | \\(.change // "") | \\(.destroy // "") |"' out/drift-summary.json`,
    `} >> "$GITHUB_STEP_SUMMARY"`,
    `jq -r '.stacks | "\\(map(select(.status == "drifted")) | length) drifted, \\(map(select(.status == "failed")) | length) failed, of \\(length) stacks"' out/drift-summary.json`,
  );
}

/**
 * Keeps one open issue per drifted stack, found by the marker on its body's first line:
 * opened when a stack drifts, updated while it stays drifted, closed (with a comment) when
 * a run finds it clean. Stacks whose plan failed keep their issue as it is.
 * Env: GH_TOKEN, REPO, RUN_URL, MARKER_PREFIX.
 */
export function driftIssuesScript(): string {
  return script(
    `summary=drift-summary/drift-summary.json`,
    `open=$(gh api --paginate "repos/$REPO/issues?state=open&per_page=100" --jq '.[] | select(.pull_request == null and .user.login == "github-actions[bot]") | [.number, ((.body // "") | split("\\n") | .[0])] | @tsv')`,
    `body="$RUNNER_TEMP/issue.md"`,
    `jq -c '.stacks[]' "$summary" | while IFS= read -r entry; do`,
    `  stack=$(jq -r .stack <<<"$entry")`,
    `  marker="$MARKER_PREFIX$stack -->"`,
    `  number=$(awk -F'\\t' -v marker="$marker" '$2 == marker { print $1; exit }' <<<"$open")`,
    `  case "$(jq -r .status <<<"$entry")" in`,
    `    drifted)`,
    `      {`,
    `        echo "$marker"`,
    `        jq -r '"Stack \`\\(.stack)\` (account \\(.accountId), region \\(.region)) differs from its configuration: \\(.add) to add, \\(.change) to change, \\(.destroy) to destroy.\\n\\nChecked \\(.checkedAt) at commit \\(.commit); plan sha256 \`\\(.sha256)\`."' <<<"$entry"`,
    `        echo`,
    `        echo "| resource | actions |"`,
    `        echo "| --- | --- |"`,
    `        jq -r '.resources[] | "| \`\\(.address | gsub("[|\`]"; "_"))\` | \\(.actions | join(", ")) |"' <<<"$entry"`,
    `        echo`,
    `        echo "Drift run: $RUN_URL"`,
    `        echo`,
    `        echo "Undo the change made outside Terraform, or bring it into the configuration through a pull request. A drift run that finds the stack clean closes this issue."`,
    `      } > "$body"`,
    `      title=$(jq -r '"Drift: \\(.stack) (\\(.add) to add, \\(.change) to change, \\(.destroy) to destroy)"' <<<"$entry")`,
    `      if [ -n "$number" ]; then`,
    `        gh api -X PATCH "repos/$REPO/issues/$number" -f "title=$title" -F "body=@$body" > /dev/null`,
    `        echo "$stack: drifted, issue #$number updated"`,
    `      else`,
    `        gh api "repos/$REPO/issues" -f "title=$title" -F "body=@$body" > /dev/null`,
    `        echo "$stack: drifted, issue opened"`,
    `      fi ;;`,
    `    clean)`,
    `      if [ -n "$number" ]; then`,
    `        gh api "repos/$REPO/issues/$number/comments" -f "body=No drift in $stack any more: $RUN_URL" > /dev/null`,
    `        gh api -X PATCH "repos/$REPO/issues/$number" -f state=closed -f state_reason=completed > /dev/null`,
    `        echo "$stack: clean, issue #$number closed"`,
    `      fi ;;`,
    `    *) echo "::warning title=drift of $stack unknown::its plan failed; its drift issue, if any, is left as it is" ;;`,
    `  esac`,
    `done`,
  );
}
