import { DEPLOY_ROLE_VARIABLE } from "../naming.js";
import { script, shellQuote } from "./shell.js";

/**
 * The shell of each generated step. Untrusted or run-time values reach a script only
 * through `env` (never `${{ }}` inside `run`, which would allow script injection);
 * the only literals are config values the schema restricts to plain words.
 */

/** Files every plan artifact holds, besides the rest of the stack's synthesized folder and SHA256SUMS. */
export const REQUIRED_PLAN_FILES = [".terraform.lock.hcl", "cdk.tf.json", "plan-meta.json", "tfplan"] as const;

export const PLAN_FILE = "tfplan";
export const LOCK_TIMEOUT = "-lock-timeout=10m";

/** A word passed to the shell as written (e.g. a quoted "$RUNNER_TEMP/..." path). */
export interface RawWord {
  raw: string;
}

export function cliCommand(cli: string, args: Array<string | RawWord>): string {
  return [cli, ...args.map((a) => (typeof a === "string" ? shellQuote(a) : a.raw))].join(" ");
}

/**
 * Picks the stacks this run plans (all, or those whose synthesized JSON differs from
 * the base branch's), bundles their synthesized folders and writes the manifest the
 * apply workflow reads. Env: STACKS, SHARD, HEAD_SHA.
 */
export function selectStacksScript(opts: { changedOnly: boolean; baseDir: string; baseSynth: string }): string {
  const select = opts.changedOnly
    ? [
        `planned=$(jq -c '[.[].stack]' <<<"$STACKS")`,
        `if (cd ${shellQuote(opts.baseDir)} && npm ci --no-audit --no-fund && ${opts.baseSynth}); then`,
        `  planned=$(jq -r '.[].stack' <<<"$STACKS" | while IFS= read -r stack; do`,
        `    if ! cmp -s "cdktf.out/stacks/$stack/cdk.tf.json" "$RUNNER_TEMP/base-out/stacks/$stack/cdk.tf.json"; then printf '%s\\n' "$stack"; fi`,
        `  done | jq -R . | jq -sc .)`,
        `else`,
        `  echo "::notice title=planning every stack::the base branch does not synthesize, so every stack counts as changed"`,
        `fi`,
      ]
    : [`planned=$(jq -c '[.[].stack]' <<<"$STACKS")`];
  return script(
    `tree=$(git rev-parse 'HEAD^{tree}')`,
    ...select,
    `mkdir -p "$RUNNER_TEMP/synth/stacks"`,
    `jq -r '.[]' <<<"$planned" | while IFS= read -r stack; do`,
    `  cp -R "cdktf.out/stacks/$stack" "$RUNNER_TEMP/synth/stacks/$stack"`,
    `done`,
    `jq -n --argjson shard "$SHARD" --arg tree "$tree" --arg commit "$GITHUB_SHA" --arg head "$HEAD_SHA" --arg runId "$GITHUB_RUN_ID" --argjson stacks "$planned" \\`,
    `  '{format: 1, shard: $shard, tree: $tree, commit: $commit, head: $head, runId: $runId, stacks: $stacks}' > "$RUNNER_TEMP/manifest.json"`,
    `matrix=$(jq -c --argjson planned "$planned" '{include: [.[] | select(.stack as $s | any($planned[]; . == $s))]}' <<<"$STACKS")`,
    `count=$(jq length <<<"$planned")`,
    `{ echo "tree=$tree"; echo "count=$count"; echo "matrix=$matrix"; } >> "$GITHUB_OUTPUT"`,
    `echo "planning $count of $(jq length <<<"$STACKS") stacks at tree $tree"`,
  );
}

/** Env: STACK. */
export function initScript(dir: string, extra: string[] = []): string {
  return script(`cd ${dir}`, ["terraform init -input=false", LOCK_TIMEOUT, ...extra].join(" "));
}

/** The plan runs as the OIDC plan role itself: the empty deploy-role variable stops the provider from assuming the deploy role. */
export function planScript(dir: string): string {
  return script(`cd ${dir}`, `terraform plan -input=false ${LOCK_TIMEOUT} -var '${DEPLOY_ROLE_VARIABLE}=' -out=${PLAN_FILE}`);
}

/** The saved plan as JSON and as text, for the steps after it (which run no terraform). */
export function showScript(dir: string): string {
  return script(`cd ${dir}`, `terraform show -json ${PLAN_FILE} > "$RUNNER_TEMP/plan.json"`, `terraform show -no-color ${PLAN_FILE} > "$RUNNER_TEMP/plan.txt"`);
}

/**
 * Counts what the plan adds, changes and destroys (a replacement counts as both, as
 * Terraform's own summary does), writes the job summary, and bundles the plan with
 * the stack's synthesized folder (configuration, assets, provider lock), metadata and
 * SHA256SUMS over every file. Reads the show step's plan.json and plan.txt. Env: STACK, ACCOUNT_ID, REGION, ROLE, TREE, HEAD_SHA, TERRAFORM_VERSION.
 */
export function bundleScript(dir: string): string {
  return script(
    `cd ${dir}`,
    `counts=$(jq -c '[.resource_changes[]?.change.actions] as $r | {add: ($r | map(select(index("create"))) | length), change: ($r | map(select(. == ["update"])) | length), destroy: ($r | map(select(index("delete"))) | length), changed: (any($r[]; . != ["no-op"]) or any((.output_changes // {})[]; .actions != ["no-op"]))}' "$RUNNER_TEMP/plan.json")`,
    `rm -f "$RUNNER_TEMP/plan.json"`,
    `bundle="$GITHUB_WORKSPACE/bundle"`,
    `mkdir -p "$bundle" "$GITHUB_WORKSPACE/summary"`,
    `tar --exclude=./.terraform -cf - . | tar -xf - -C "$bundle"`,
    `jq -n --arg stack "$STACK" --arg accountId "$ACCOUNT_ID" --arg region "$REGION" --arg role "$ROLE" --arg tree "$TREE" \\`,
    `  --arg commit "$GITHUB_SHA" --arg head "$HEAD_SHA" --arg runId "$GITHUB_RUN_ID" --arg runAttempt "$GITHUB_RUN_ATTEMPT" --arg terraform "$TERRAFORM_VERSION" \\`,
    `  '{format: 1, stack: $stack, accountId: $accountId, region: $region, role: $role, tree: $tree, commit: $commit, head: $head, runId: $runId, runAttempt: $runAttempt, terraform: $terraform}' > "$bundle/plan-meta.json"`,
    `(cd "$bundle" && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum > "$RUNNER_TEMP/SHA256SUMS")`,
    `mv "$RUNNER_TEMP/SHA256SUMS" "$bundle/SHA256SUMS"`,
    `sha=$(sha256sum ${PLAN_FILE} | cut -d' ' -f1)`,
    `jq -n --arg stack "$STACK" --arg sha256 "$sha" --argjson counts "$counts" '{stack: $stack, sha256: $sha256} + $counts' > "$GITHUB_WORKSPACE/summary/$STACK.json"`,
    `{`,
    `  echo "### Plan: \\\`$STACK\\\`"`,
    `  jq -r '"\\(.add) to add, \\(.change) to change, \\(.destroy) to destroy"' <<<"$counts"`,
    `  echo`,
    `  echo "Plan file sha256: \\\`$sha\\\` (the apply refuses any other file)"`,
    `  echo`,
    `  echo "<details><summary>terraform show</summary><pre>"`,
    `  head -c 400000 "$RUNNER_TEMP/plan.txt" | sed -e 's/&/\\&amp;/g' -e 's/</\\&lt;/g' -e 's/>/\\&gt;/g'`,
    `  if [ "$(wc -c < "$RUNNER_TEMP/plan.txt")" -gt 400000 ]; then echo "[truncated: the full text is too long for a job summary]"; fi`,
    `  echo "</pre></details>"`,
    `} >> "$GITHUB_STEP_SUMMARY"`,
  );
}

/**
 * Posts the table of every stack's plan as one pull-request comment, updated in
 * place on later runs. Env: GH_TOKEN, REPO, PR, MATRIX, MARKER, TITLE, RUN_URL.
 */
export function commentScript(): string {
  return script(
    `body="$RUNNER_TEMP/comment.md"`,
    `{`,
    `  echo "$MARKER"`,
    `  echo "### $TITLE"`,
    `  echo`,
    `  echo "| stack | add | change | destroy | plan sha256 |"`,
    `  echo "| --- | ---: | ---: | ---: | --- |"`,
    `  jq -r '.include[].stack' <<<"$MATRIX" | while IFS= read -r stack; do`,
    `    if [ -f "summaries/$stack.json" ]; then`,
    `      jq -r '"| \\(.stack) | \\(.add) | \\(.change) | \\(.destroy) | \\(.sha256[0:16]) |"' "summaries/$stack.json"`,
    `    else`,
    `      echo "| $stack | plan failed | | | |"`,
    `    fi`,
    `  done`,
    `  echo`,
    `  echo "Full plans: $RUN_URL"`,
    `} > "$body"`,
    `existing=$(gh api --paginate "repos/$REPO/issues/$PR/comments" --jq '.[] | select(.user.login == "github-actions[bot]") | [.id, (.body | split("\\n") | .[0])] | @tsv' | awk -F'\\t' -v marker="$MARKER" '$2 == marker { id = $1 } END { print id }')`,
    `if [ -n "$existing" ]; then`,
    `  gh api -X PATCH "repos/$REPO/issues/comments/$existing" -F "body=@$body" > /dev/null`,
    `else`,
    `  gh api "repos/$REPO/issues/$PR/comments" -F "body=@$body" > /dev/null`,
    `fi`,
  );
}

/** Runs the scorecard gate and shows the scorecard in the job summary whatever the outcome. */
export function reportGateScript(reportCommand: string, history = false): string {
  return script(
    `status=0`,
    // The name the snapshot is saved under orders the folder by time: 20261120T060000Z.json.
    ...(history ? [`stamp=$(date -u +%Y%m%dT%H%M%SZ)`] : []),
    `${reportCommand} || status=$?`,
    `if [ -f "$RUNNER_TEMP/scorecard.md" ]; then cat "$RUNNER_TEMP/scorecard.md" >> "$GITHUB_STEP_SUMMARY"; fi`,
    `if [ "$status" -eq 2 ]; then echo "::error title=compliance gate::the organization's Config score is below the gate"; fi`,
    `exit "$status"`,
  );
}

/** Where the report gate keeps the saved snapshots of its score history. */
export const HISTORY_DIR = "$RUNNER_TEMP/scorecard-history";

/**
 * Restores the newest history artifact of this repository (not one uploaded from a fork's run),
 * then keeps only snapshots the gate named (`YYYYMMDDTHHMMSSZ.json`), the newest of each UTC
 * day, for the last DAYS days. Env: GH_TOKEN, REPO, ARTIFACT, DAYS.
 */
export function restoreHistoryScript(dir: string): string {
  return script(
    `mkdir -p "${dir}"`,
    `id=$(gh api "repos/$REPO/actions/artifacts?name=$ARTIFACT&per_page=100" --jq '[.artifacts[] | select(.expired | not) | select(.workflow_run.head_repository_id == .workflow_run.repository_id)] | sort_by(.created_at) | last | .id // empty')`,
    `if [ -z "$id" ]; then echo "no earlier score history: this run starts it"; exit 0; fi`,
    `gh api "repos/$REPO/actions/artifacts/$id/zip" > "$RUNNER_TEMP/scorecard-history.zip"`,
    `unzip -q -o -j "$RUNNER_TEMP/scorecard-history.zip" '*.json' -d "${dir}" || echo "::warning title=score history::artifact $id holds no snapshot"`,
    `cutoff=$(date -u -d "-$DAYS days" +%Y%m%d)`,
    `for f in "${dir}"/*; do`,
    `  [ -e "$f" ] || continue`,
    `  name=$(basename "$f")`,
    `  [[ "$name" =~ ^[0-9]{8}T[0-9]{6}Z\\.json$ ]] || rm -f "$f"`,
    `done`,
    `find "${dir}" -maxdepth 1 -name '*.json' -printf '%f\\n' | sort -r | awk -v cutoff="$cutoff" '{ day = substr($0, 1, 8) } day < cutoff || seen[day]++ { print }' | while IFS= read -r name; do rm -f "${dir}/$name"; done`,
    `echo "restored $(find "${dir}" -maxdepth 1 -name '*.json' | wc -l) snapshots from artifact $id (the newest of each day, last $DAYS days)"`,
  );
}

/**
 * Finds the reviewed plan run: on push, the merged pull request's newest successful
 * plan run (by the PR head commit); on manual dispatch, the run id given. Checks the
 * run is this plan workflow, triggered by a pull request, and successful.
 * Env: GH_TOKEN, REPO, EVENT, REF, SHA, BRANCH, PLAN_WORKFLOW, INPUT_RUN_ID.
 */
export function findPlanRunScript(): string {
  return script(
    `fail() { echo "::error title=no reviewed plan::$1"; echo "No reviewed plan: $1" >> "$GITHUB_STEP_SUMMARY"; exit 1; }`,
    `[ "$REF" = "refs/heads/$BRANCH" ] || fail "plans are applied only from $BRANCH, not $REF"`,
    `if [ "$EVENT" = workflow_dispatch ]; then`,
    `  [[ "$INPUT_RUN_ID" =~ ^[0-9]+$ ]] || fail "run-id must be the numeric id of a $PLAN_WORKFLOW run"`,
    `  run_id="$INPUT_RUN_ID"`,
    `  source="run $run_id named by hand"`,
    `else`,
    `  pr=$(gh api "repos/$REPO/commits/$SHA/pulls" | jq -r --arg sha "$SHA" 'map(select(.merged_at != null and .merge_commit_sha == $sha)) | .[0].number // empty')`,
    `  [ -n "$pr" ] || fail "commit $SHA is not the merge of a pull request, so nobody reviewed a plan of it: merge through a pull request, or run this workflow by hand naming a plan run made from exactly this content"`,
    `  head=$(gh api "repos/$REPO/pulls/$pr" --jq .head.sha)`,
    `  run_id=$(gh api "repos/$REPO/actions/workflows/$PLAN_WORKFLOW/runs?event=pull_request&status=success&head_sha=$head&per_page=1" --jq '.workflow_runs[0].id // empty')`,
    `  [ -n "$run_id" ] || fail "pull request #$pr (head $head) has no successful $PLAN_WORKFLOW run"`,
    `  source="pull request #$pr, run $run_id"`,
    `fi`,
    `workflow_id=$(gh api "repos/$REPO/actions/workflows/$PLAN_WORKFLOW" --jq .id)`,
    `run=$(gh api "repos/$REPO/actions/runs/$run_id") || fail "run $run_id does not exist"`,
    `[ "$(jq -r .workflow_id <<<"$run")" = "$workflow_id" ] || fail "run $run_id is not a run of $PLAN_WORKFLOW"`,
    `[ "$(jq -r .event <<<"$run")" = pull_request ] || fail "run $run_id was not a pull-request plan"`,
    `[ "$(jq -r .conclusion <<<"$run")" = success ] || fail "run $run_id did not succeed"`,
    `tree=$(gh api "repos/$REPO/git/commits/$SHA" --jq .tree.sha)`,
    `{ echo "run-id=$run_id"; echo "tree=$tree"; } >> "$GITHUB_OUTPUT"`,
    `echo "Applying the plans reviewed in $source ($(jq -r .html_url <<<"$run")) to $SHA (tree $tree)" >> "$GITHUB_STEP_SUMMARY"`,
  );
}

/**
 * Checks the run's manifest: made from the tree being applied, for this workflow's
 * stacks, and (unless only changed stacks are planned) planning every one of them.
 * Stacks whose reviewed plan changes nothing get no apply job (and so ask no
 * environment reviewer); a stack without a summary is applied, and its verification
 * then decides. Env: STACKS, SHARD, TREE, RUN_ID, SHA.
 */
export function checkManifestScript(changedOnly: boolean): string {
  const coverage = changedOnly
    ? []
    : [
        `missing=$(jq -r --argjson planned "$planned" '[.[].stack | select(. as $s | any($planned[]; . == $s) | not)] | join(" ")' <<<"$STACKS")`,
        `[ -z "$missing" ] || fail "missing: the plan run has no plan for $missing"`,
      ];
  return script(
    `fail() { echo "::error title=refusing to apply::$1"; echo "Refused: $1" >> "$GITHUB_STEP_SUMMARY"; exit 1; }`,
    `manifest=manifest/manifest.json`,
    `[ -f "$manifest" ] || fail "missing: run $RUN_ID has no plan manifest"`,
    `[ "$(jq -r .runId "$manifest")" = "$RUN_ID" ] || fail "altered: the manifest is not run $RUN_ID's"`,
    `[ "$(jq -r .shard "$manifest")" = "$SHARD" ] || fail "the manifest is for workflow shard $(jq -r .shard "$manifest"), not $SHARD"`,
    `planned_tree=$(jq -r .tree "$manifest")`,
    `[ "$planned_tree" = "$TREE" ] || fail "stale: the plans were made from tree $planned_tree but $SHA has tree $TREE (the branch moved after the plan); plan again in a pull request"`,
    `planned=$(jq -c '.stacks' "$manifest")`,
    ...coverage,
    `unchanged=$(jq -r '.[]' <<<"$planned" | while IFS= read -r stack; do`,
    `  summary="summaries/$stack.json"`,
    `  if [ -f "$summary" ] && jq -e --arg stack "$stack" '.stack == $stack and .changed == false' "$summary" > /dev/null; then printf '%s\\n' "$stack"; fi`,
    `done | jq -R . | jq -sc .)`,
    `matrix=$(jq -c --argjson planned "$planned" --argjson unchanged "$unchanged" '{include: [.[] | select(.stack as $s | any($planned[]; . == $s) and (any($unchanged[]; . == $s) | not))]}' <<<"$STACKS")`,
    `count=$(jq '.include | length' <<<"$matrix")`,
    `{ echo "count=$count"; echo "matrix=$matrix"; } >> "$GITHUB_OUTPUT"`,
    `echo "applying $count of $(jq length <<<"$STACKS") stacks; reviewed plans without changes: $(jq -r 'join(", ")' <<<"$unchanged")" | tee -a "$GITHUB_STEP_SUMMARY"`,
  );
}

/**
 * Refuses a plan artifact that is missing, altered or stale: the required files present,
 * SHA256SUMS covering exactly the files there and every checksum right, and metadata
 * naming this stack, account, region, plan run and the tree being applied.
 * Env: STACK, ACCOUNT_ID, REGION, TREE, RUN_ID.
 */
export function verifyPlanScript(dir: string): string {
  return script(
    `refuse() { echo "::error title=refusing to apply $STACK::$1"; echo "Refused to apply $STACK: $1" >> "$GITHUB_STEP_SUMMARY"; exit 1; }`,
    `[ -d ${dir} ] || refuse "missing: no plan artifact for this stack"`,
    `cd ${dir}`,
    `for file in SHA256SUMS ${REQUIRED_PLAN_FILES.join(" ")}; do`,
    `  [ -f "$file" ] || refuse "missing: the plan artifact has no $file"`,
    `done`,
    `[ -z "$(find . ! -type f ! -type d)" ] || refuse "altered: the plan artifact holds links or special files"`,
    `present=$(find . -type f ! -path ./SHA256SUMS -printf '%P\\n' | LC_ALL=C sort)`,
    `listed=$(sed -E 's/^[0-9a-f]{64} [ *]//' SHA256SUMS | LC_ALL=C sort)`,
    `[ "$present" = "$listed" ] || refuse "altered: the files differ from those SHA256SUMS lists"`,
    `sha256sum --check --strict --quiet SHA256SUMS || refuse "altered: a checksum does not match"`,
    `meta() { jq -r --arg key "$1" '.[$key] // ""' plan-meta.json; }`,
    `[ "$(meta stack)" = "$STACK" ] || refuse "altered: the plan is for stack $(meta stack)"`,
    `[ "$(meta accountId)" = "$ACCOUNT_ID" ] || refuse "altered: the plan is for account $(meta accountId)"`,
    `[ "$(meta region)" = "$REGION" ] || refuse "altered: the plan is for region $(meta region)"`,
    `[ "$(meta runId)" = "$RUN_ID" ] || refuse "altered: the plan was not made by run $RUN_ID"`,
    `[ "$(meta tree)" = "$TREE" ] || refuse "stale: the plan was made from tree $(meta tree), this commit has tree $TREE"`,
    `echo "### Apply: \\\`$STACK\\\`, plan sha256 \\\`$(sha256sum ${PLAN_FILE} | cut -d' ' -f1)\\\` from run $RUN_ID, verified" >> "$GITHUB_STEP_SUMMARY"`,
  );
}

/** The only step that changes anything: applies exactly the verified plan file. */
export function applyScript(dir: string): string {
  return script(`cd ${dir}`, `terraform apply -input=false ${LOCK_TIMEOUT} ${PLAN_FILE}`);
}
