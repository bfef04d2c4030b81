import type { GateResult } from "../model/gates.js";
import { delta } from "../model/score.js";
import type { AccountRow, FrameworkView, History, RuleRow, Scorecard } from "../model/types.js";
import { formatCount, formatDelta, formatPercent, formatTime, safeUrl, unusedFindingLabel } from "./format.js";

export interface MarkdownOptions {
  /** The `--fail-under` gates, with their results. */
  gates?: readonly GateResult[];
  /** Rows per list; the JSON has the rest. */
  limit?: number;
}

/**
 * A summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the scores, the gate, the
 * accounts and rules that need attention, and what could not be read. Every name from AWS is
 * escaped: GitHub renders both Markdown and HTML, and an account name can be anything.
 */
export function renderMarkdown(card: Scorecard, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? 10;
  const out: string[] = [];
  const trend = card.trend;
  const since = trend ? ` (${formatDelta(trend.overall.delta) || "n/a"} since ${formatTime(trend.previousCollectedAt)})` : "";
  out.push(`## ${icon(card.score.overall)} Compliance scorecard: ${formatPercent(card.score.overall)}${since}`, "");

  const s = card.summary;
  out.push("| | |", "|---|---|");
  out.push(
    `| Config score | **${formatPercent(card.score.overall)}**: ${formatCount(s.compliant)} compliant of ${formatCount(s.compliant + s.nonCompliant)} counted cells, ${formatCount(s.noData)} without data |`,
  );
  if (card.securityHub) {
    const sh = card.securityHub;
    const shDelta = trend?.securityHub.delta;
    out.push(
      `| Security Hub CSPM score | **${formatPercent(sh.score)}**${shDelta !== null && shDelta !== undefined ? ` (${formatDelta(shDelta)})` : ""}: ${formatCount(sh.passed)} of ${formatCount(sh.passed + sh.failed)} controls passed |`,
    );
  }
  if (card.securityHubV2) {
    const v2 = card.securityHubV2;
    const severities = v2.bySeverity.map((s) => `${formatCount(s.count)} ${md(s.severity)}`).join(", ");
    out.push(`| Security Hub (v2) | ${formatCount(v2.activeFindings)} active findings${severities ? `: ${severities}` : ""} (not scored) |`);
  }
  if (card.accessAnalyzer) {
    const aa = card.accessAnalyzer;
    out.push(
      `| IAM Access Analyzer | ${formatCount(aa.public)} public, ${formatCount(aa.outsideOrganization)} outside the organization` +
        `${aa.unclassified ? `, ${formatCount(aa.unclassified)} not classified` : ""} (secrets, keys and roles; not scored) |`,
    );
    if (aa.unused) {
      const types = aa.unused.byType.filter((t) => t.count > 0).map((t) => `${formatCount(t.count)} ${md(unusedFindingLabel(t.findingType, t.count))}`);
      out.push(
        `| IAM Access Analyzer (unused access) | ${formatCount(aa.unused.findings)} findings${types.length ? `: ${types.join(", ")}` : ""}` +
          `${aa.unused.analyzers && aa.unused.activeAnalyzerRegions.length === 0 ? "; no active unused-access analyzer" : ""} (not scored) |`,
      );
    }
  }
  for (const gate of options.gates ?? []) {
    out.push(`| Gate | ${gate.met ? "passed" : "**failed**"}: ${gate.label} ${formatPercent(gate.score)}, ${gate.threshold}% required |`);
  }
  out.push(
    `| Accounts | ${formatCount(s.accounts)} (${formatCount(card.coverage.reportingAccounts)} reporting, ${formatCount(s.failingAccounts)} with failures) |`,
  );
  out.push(`| Rules | ${formatCount(s.rules)} (${formatCount(s.failingRules)} with failures) in ${formatCount(s.regions)} regions |`);
  out.push(`| Non-compliant resources | ${formatCount(s.nonCompliantResources)} listed${unlistedNote(card)} |`);
  const silent = card.coverage.notReporting.length;
  out.push(
    `| Coverage | ${formatPercent(card.coverage.percent)} of cells have data; ${formatCount(card.coverage.reportingAccountRegions)} account-regions reporting` +
      `${silent ? `, ${formatCount(silent)} not reporting (no evaluations; not a failed read)` : ""} |`,
  );
  out.push(
    `| Collected | ${formatTime(card.collectedAt)}${card.freshness.oldestUpdate ? `; oldest source update ${formatTime(card.freshness.oldestUpdate)}` : ""} |`,
  );
  out.push("");

  const accounts = card.accounts.filter((a) => a.nonCompliant > 0).slice(0, limit);
  if (accounts.length > 0) {
    out.push(`### Lowest-scoring accounts`, "", "| Account | OU | Score | Non-compliant | No data | Failing rules |", "|---|---|--:|--:|--:|---|");
    for (const a of accounts) out.push(accountRow(a));
    out.push("");
  }
  const rules = card.rules.filter((r) => r.nonCompliant > 0).slice(0, limit);
  if (rules.length > 0) {
    out.push(`### Lowest-scoring rules`, "", "| Rule | Severity | Score | Failing accounts | Resources |", "|---|---|--:|--:|--:|");
    for (const r of rules) out.push(ruleRow(r));
    out.push("");
  }
  if (card.frameworks.length > 0) {
    out.push("### Frameworks", "", "| Framework | Score | Passed | Failed | No data | Failed requirements |", "|---|--:|--:|--:|--:|---|");
    for (const f of card.frameworks) out.push(frameworkRow(f, limit));
    out.push("");
  }
  if (card.accessAnalyzer && card.accessAnalyzer.byAccount.length > 0) {
    const aa = card.accessAnalyzer;
    out.push(
      "### IAM Access Analyzer: reachable from outside the organization",
      "",
      "| Account | Public | Outside the organization | Not classified |",
      "|---|--:|--:|--:|",
    );
    for (const a of aa.byAccount.slice(0, limit)) {
      out.push(
        `| ${md(a.name ?? a.accountId)} (${md(a.accountId)}) | ${formatCount(a.public)} | ${formatCount(a.outsideOrganization)} | ${formatCount(a.unclassified)} |`,
      );
    }
    for (const r of aa.resources.filter((f) => f.access === "public").slice(0, limit)) out.push(`- public: ${md(r.resource)} (${md(r.resourceType)})`);
    out.push("");
  }
  if (card.accessAnalyzer?.unused && card.accessAnalyzer.unused.byAccount.length > 0) {
    out.push(
      "### IAM Access Analyzer: unused access",
      "",
      "| Account | Findings | Unused roles | Unused access keys | Unused passwords | Unused permissions |",
      "|---|--:|--:|--:|--:|--:|",
    );
    for (const a of card.accessAnalyzer.unused.byAccount.slice(0, limit)) {
      out.push(
        `| ${md(a.name ?? a.accountId)} (${md(a.accountId)}) | ${formatCount(a.findings)} | ${formatCount(a.roles)} | ${formatCount(a.accessKeys)} | ${formatCount(a.passwords)} | ${formatCount(a.permissions)} |`,
      );
    }
    out.push("");
  }
  if (trend && (trend.newlyFailing.length > 0 || trend.fixed.length > 0)) {
    out.push(`### Since ${formatTime(trend.previousCollectedAt)}`, "");
    out.push(`${formatCount(trend.newlyFailing.length)} newly failing, ${formatCount(trend.fixed.length)} fixed (rule × account × region).`, "");
    for (const c of trend.newlyFailing.slice(0, limit))
      out.push(`- newly failing: ${md(c.title)} in ${md(c.accountName ?? c.accountId)} (${md(c.accountId)}) ${md(c.region)}`);
    for (const c of trend.fixed.slice(0, limit))
      out.push(`- fixed: ${md(c.title)} in ${md(c.accountName ?? c.accountId)} (${md(c.accountId)}) ${md(c.region)}`);
    out.push("");
  }
  if (card.history) out.push(...historyTable(card.history, limit));
  if (card.declared) {
    const d = card.declared;
    out.push(
      "### Declared vs observed",
      "",
      `- ${formatCount(d.accountsNotReporting.length)} of ${formatCount(d.declaredAccounts)} declared accounts not reporting${list(
        d.accountsNotReporting.map((a) => `${a.name} (${a.accountId})`),
        limit,
      )}`,
      `- ${formatCount(d.regionsNotReporting.length)} declared account regions not reporting`,
      `- ${formatCount(d.controlsNotObserved.length)} of ${formatCount(d.declaredControls)} declared controls not observed everywhere${list(
        d.controlsNotObserved.map((c) => `${c.controlId} (${c.missing.length} of ${c.expected})`),
        limit,
      )}`,
      `- ${formatCount(d.undeclaredAccounts.length)} reporting accounts not in the config`,
      "",
    );
    if (d.drift) {
      const drift = d.drift;
      out.push(
        `${formatCount(drift.drifted.length)} of ${formatCount(drift.checked)} stacks checked drifted from their configuration; ${formatCount(drift.failed.length)} drift plans failed; ${formatCount(drift.notChecked.length)} declared stacks not checked.`,
        "",
      );
      if (drift.drifted.length > 0) {
        out.push("| Drifted stack | Add | Change | Destroy | Checked |", "|---|--:|--:|--:|---|");
        for (const s of drift.drifted.slice(0, limit)) out.push(`| ${md(s.stack)} | ${s.add} | ${s.change} | ${s.destroy} | ${md(s.checkedAt ?? "")} |`);
        out.push("");
      }
    }
  }
  if (silent > 0) {
    out.push("### Not reporting", "", "No evaluations although every read succeeded: Config is not recording or not deployed there.", "");
    for (const n of card.coverage.notReporting.slice(0, limit)) {
      const where = n.accountId ? `${md(n.name ?? n.accountId)} (${md(n.accountId)}) ${md(n.region)}` : `region ${md(n.region)}`;
      out.push(`- ${where}: ${md(n.reason)}`);
    }
    if (silent > limit) out.push(`- and ${formatCount(silent - limit)} more (see the JSON report)`);
    out.push("");
  }
  if (card.gaps.length > 0 || card.freshness.problems.length > 0) {
    out.push("### ⚠️ Could not read", "");
    for (const g of card.gaps.slice(0, limit)) out.push(`- ${formatCount(g.count)} × ${md(g.operation)} (${md(g.scope)}): ${md(g.reason)}`);
    if (card.gaps.length > limit) out.push(`- and ${formatCount(card.gaps.length - limit)} more kinds (see the JSON report)`);
    if (card.freshness.problems.length > 0) out.push(`- ${formatCount(card.freshness.problems.length)} aggregator sources did not update successfully`);
    out.push("");
  }
  out.push("<details><summary>How the scores are computed</summary>", "", ...Object.values(card.formulas).map((f) => `- ${md(f)}`), "", "</details>", "");
  return out.join("\n");
}

/** Why some failing cells' resources are not listed; the bound's share says how to raise it. */
function unlistedNote(card: Scorecard): string {
  const u = card.unlisted;
  const parts: string[] = [];
  if (u.leftOut.cells > 0) {
    parts.push(
      `${cells(u.leftOut.cells)} (${u.leftOut.atLeast ? "at least " : ""}${formatCount(u.leftOut.resources)} resources) left out by ` +
        `\`--max-detail-calls${u.bound ? ` ${u.bound.maxCalls}` : ""}\`, worst cells first: raise it to list them (a choice, not a failed read; scores do not change)`,
    );
  }
  if (u.capped > 0) parts.push(`${cells(u.capped)} over the 100 AWS counts`);
  if (u.unread > 0) parts.push(`${cells(u.unread)} with none listed (detail read failed or empty)`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

function cells(n: number): string {
  return `${formatCount(n)} failing ${n === 1 ? "cell" : "cells"}`;
}

/** The organization's score per snapshot, newest first (the `limit` newest; the JSON has all). */
function historyTable(history: History, limit: number): string[] {
  const rows = history.snapshots.map((s, i) => ({ ...s, change: i > 0 ? delta(s.score, history.snapshots[i - 1]!.score) : null }));
  const shown = rows.slice(-limit).reverse();
  const out = [`### History`, "", "| Collected | Config score | Change | Security Hub CSPM | Snapshot |", "|---|--:|--:|--:|---|"];
  for (const s of shown) {
    out.push(
      `| ${formatTime(s.collectedAt)} | ${formatPercent(s.score)} | ${formatDelta(s.change)} | ${formatPercent(s.securityHub)} | ${s.current ? "this report" : md(s.file ?? "")} |`,
    );
  }
  if (rows.length > limit) out.push("", `${formatCount(rows.length - limit)} older snapshots in the JSON report.`);
  out.push("");
  return out;
}

function frameworkRow(f: FrameworkView, limit: number): string {
  const failed = f.requirements.filter((r) => r.status === "FAILED").map((r) => r.id);
  const shown = failed.slice(0, limit).map(md).join(", ") + (failed.length > limit ? `, +${failed.length - limit}` : "");
  return `| ${md(f.title)} | ${formatPercent(f.score)} | ${formatCount(f.passed)} | ${formatCount(f.failed)} | ${formatCount(f.noData)} | ${shown} |`;
}

function accountRow(a: AccountRow): string {
  const name = a.name ? `${md(a.name)} (${md(a.accountId)})` : md(a.accountId);
  const rules = a.failingRules.slice(0, 3).map(md).join(", ") + (a.failingRules.length > 3 ? `, +${a.failingRules.length - 3}` : "");
  return `| ${name} | ${md(a.ou ?? "")} | ${formatPercent(a.score)} | ${formatCount(a.nonCompliant)} | ${formatCount(a.noData)} | ${rules} |`;
}

function ruleRow(r: RuleRow): string {
  const url = safeUrl(r.docUrl);
  const title = r.title === r.rule ? md(r.rule) : `${md(r.title)} (${md(r.rule)})`;
  return `| ${url ? `[${title}](${url.replace(/[()\s]/g, encodeURIComponent)})` : title} | ${md(r.severity ?? "")} | ${formatPercent(r.score)} | ${formatCount(r.failingAccounts)} | ${formatCount(r.nonCompliantResources)} |`;
}

function list(items: string[], limit: number): string {
  if (items.length === 0) return "";
  const shown = items.slice(0, limit).map(md).join(", ");
  return `: ${shown}${items.length > limit ? `, +${items.length - limit} more` : ""}`;
}

function icon(score: number | null): string {
  if (score === null) return "⚪";
  return score >= 90 ? "🟢" : score >= 70 ? "🟡" : "🔴";
}

/**
 * Text from AWS made inert in GitHub Markdown: HTML special characters become entities,
 * inline Markdown punctuation (and list or heading markers at the start) is backslash-escaped,
 * line breaks (which would end a table row) become spaces, and `@` cannot start a mention.
 */
export function md(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/[\\`*_{}[\]()|~:]/g, "\\$&")
      // Block syntax only counts at the start of a line, where a value may land after "- ".
      .replace(/^[-+#]/, "\\$&")
      .replace(/^(\d+)\./, "$1\\.")
      .replace(/@/g, "@\u200b")
  );
}
