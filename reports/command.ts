import { mkdirSync } from "node:fs";
import { dirname, relative } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { loadConfig } from "../config/load.js";
import { collectFromAwsCli } from "./collect/aws-cli.js";
import { loadDrift } from "./collect/drift.js";
import { stderrProgress } from "./collect/progress.js";
import { DEFAULT_MAX_DETAIL_CALLS } from "./collect/records.js";
import { loadHistory } from "./collect/history-io.js";
import { loadSnapshot, saveSnapshot } from "./collect/snapshot-io.js";
import { FRAMEWORK_IDS, isFrameworkId } from "../modules/controls/frameworks.js";
import { evaluateGates, type GateSpec } from "./model/gates.js";
import { buildScorecard } from "./model/scorecard.js";
import type { Scorecard } from "./model/types.js";
import { writeFilesAtomically } from "./output.js";
import { renderCsv } from "./render/csv.js";
import { formatCount, formatDelta, formatPercent, formatTime, unusedFindingLabel } from "./render/format.js";
import { renderHtml } from "./render/html.js";
import { renderJson } from "./render/json.js";
import { renderMarkdown } from "./render/markdown.js";
import { renderOscal } from "./render/oscal.js";
import type { Snapshot } from "./snapshot.js";

/** `baseline report` exit codes (0 ok, 1 invalid input or failure, as every command). */
export const EXIT_GATE_FAILED = 2;
/** The report was written, but a read failed (a call, or a cell's result); a failed gate (2) takes precedence. */
export const EXIT_PARTIAL_DATA = 3;

interface ReportOptions {
  drift?: string;
  aggregator?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  securityhub: boolean;
  /** false with --no-access-analyzer. */
  accessAnalyzer?: boolean;
  securityHub?: "cspm" | "v2";
  maxConcurrency?: number;
  maxDetailCalls?: number;
  fromAwsCli?: string;
  fromSnapshot?: string;
  saveSnapshot?: string;
  previous?: string;
  history?: string;
  config?: string;
  html?: string;
  json?: string;
  csv?: string;
  markdown?: string;
  oscal?: string;
  failUnder?: GateSpec[];
}

function percentage(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError("expected a percentage from 0 to 100");
  return n;
}

function concurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 64) throw new InvalidArgumentError("expected a whole number of requests from 1 to 64");
  return n;
}

function detailCalls(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number of calls, 0 or more");
  return Number(value);
}

/** `80` (the Config score) or `nist-800-53=80` (a framework's score); repeatable, every gate must hold. */
function gateSpec(value: string, previous: GateSpec[] = []): GateSpec[] {
  const eq = value.indexOf("=");
  if (eq < 0) return [...previous, { target: "config", threshold: percentage(value) }];
  const target = value.slice(0, eq).trim();
  if (!isFrameworkId(target)) throw new InvalidArgumentError(`unknown framework ${JSON.stringify(target)}: expected one of ${FRAMEWORK_IDS.join(", ")}`);
  return [...previous, { target, threshold: percentage(value.slice(eq + 1)) }];
}

export function reportCommand(program: Command): void {
  program
    .command("report")
    .description("compliance scorecard (HTML, JSON, CSV, Markdown) from AWS Config aggregator, Security Hub CSPM and Organizations data")
    .option("--aggregator <name>", "read live: the AWS Config aggregator to read")
    .option("--region <region>", "read live: region of the aggregator (and Security Hub CSPM home region)")
    .option("--profile <profile>", "read live: AWS shared-config profile (default credential chain otherwise)")
    .option("--endpoint-url <url>", "read live: endpoint for the Config, Organizations and Security Hub CSPM clients")
    .option("--no-securityhub", "read live: skip Security Hub CSPM")
    .option("--no-access-analyzer", "read live: skip IAM Access Analyzer's findings")
    .addOption(
      new Option(
        "--security-hub <source>",
        "read live: cspm (Security Hub CSPM control results, the default) or v2 (also the new Security Hub's GetFindingStatisticsV2)",
      ).choices(["cspm", "v2"]),
    )
    .option(
      "--max-concurrency <n>",
      "read live: AWS requests in flight at once (default 8); lower it when other tools share the organization's API limits",
      concurrency,
    )
    .option(
      "--max-detail-calls <n>",
      `read live: per-resource detail calls at most, worst cells first (default ${DEFAULT_MAX_DETAIL_CALLS}; 0: only what the advanced query lists); scores do not depend on it`,
      detailCalls,
    )
    .option("--from-aws-cli <dir>", "read JSON files saved by the AWS CLI from this directory")
    .option("--from-snapshot <file>", "read a snapshot saved by --save-snapshot")
    .option("--save-snapshot <file>", "write the normalized data collected")
    .option("--previous <file>", "an earlier snapshot: adds what changed since")
    .option(
      "--history <dir>",
      "a folder of snapshots saved by --save-snapshot (*.json): adds the score over time of the organization, each OU and each account",
    )
    .option("--config <file>", "organization config: adds declared vs observed")
    .option("--drift <path>", "drift-summary.json of the drift workflow, or a folder of them: drifted stacks in declared vs observed (needs --config)")
    .option("--html <file>", "write the self-contained HTML scorecard")
    .option("--json <file>", "write the full scorecard as JSON")
    .option("--csv <file>", "write one row per non-compliant resource")
    .option("--markdown <file>", "write a summary for a pull request or CI step summary")
    .option("--oscal <file>", "write the NIST SP 800-53 r5 view as OSCAL assessment-results JSON")
    .option(
      "--fail-under <[framework=]pct>",
      `exit ${EXIT_GATE_FAILED} when the overall Config score (or a framework's: ${FRAMEWORK_IDS.map((f) => `${f}=PCT`).join(", ")}) is below this percentage; repeatable`,
      gateSpec,
    )
    .addHelpText(
      "after",
      `\nExactly one input: --aggregator with --region (live), --from-aws-cli DIR or --from-snapshot FILE.\n` +
        `Exit codes: 0 ok; 1 invalid input or failure; ${EXIT_GATE_FAILED} --fail-under not met; ` +
        `${EXIT_PARTIAL_DATA} written, but a read failed (${EXIT_GATE_FAILED} takes precedence); account-regions that report nothing are coverage, not a failed read.`,
    )
    .action(async (opts: ReportOptions) => {
      process.exitCode = await runReport(opts);
    });
}

/** Runs the report and returns its exit code; throws (exit 1) on invalid input. */
export async function runReport(opts: ReportOptions, out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const inputs = [opts.aggregator !== undefined, opts.fromAwsCli !== undefined, opts.fromSnapshot !== undefined].filter(Boolean).length;
  if (inputs !== 1) throw new Error("report: give exactly one input: --aggregator NAME --region R, --from-aws-cli DIR or --from-snapshot FILE");
  if (opts.aggregator !== undefined && !opts.region) throw new Error("report: --aggregator needs --region (the aggregator's region)");
  const liveOnly = [
    opts.region && "--region",
    opts.profile && "--profile",
    opts.endpointUrl && "--endpoint-url",
    !opts.securityhub && "--no-securityhub",
    opts.accessAnalyzer === false && "--no-access-analyzer",
    opts.securityHub && "--security-hub",
    opts.maxConcurrency && "--max-concurrency",
    opts.maxDetailCalls !== undefined && "--max-detail-calls",
  ].filter(Boolean);
  if (opts.aggregator === undefined && liveOnly.length > 0) throw new Error(`report: ${liveOnly.join(", ")} only apply with --aggregator`);

  // Everything that can be invalid is read before collecting, so a bad file fails fast.
  const org = opts.config ? loadConfig(opts.config) : undefined;
  if (opts.drift && !org) throw new Error("report: --drift needs --config: drift is shown against the declared stacks");
  const drift = opts.drift ? loadDrift(opts.drift) : undefined;
  const previous = opts.previous ? loadSnapshot(opts.previous) : undefined;
  const history = opts.history ? loadHistory(opts.history) : undefined;
  const snapshot = await collect(opts);
  if (opts.saveSnapshot) {
    mkdirSync(dirname(opts.saveSnapshot), { recursive: true });
    saveSnapshot(opts.saveSnapshot, snapshot);
  }

  const card = buildScorecard(snapshot, {
    previous,
    previousFile: opts.previous,
    history,
    declared: org ? { org, ...(drift ? { drift } : {}) } : undefined,
  });
  const gates = evaluateGates(card, opts.failUnder ?? []);
  const files: Array<{ path: string; content: string }> = [];
  if (opts.html) {
    const title = org ? `Compliance scorecard: ${org.config.organization.name}` : undefined;
    const jsonFile = opts.json ? relative(dirname(opts.html), opts.json) : undefined;
    files.push({ path: opts.html, content: renderHtml(card, { title, jsonFile, gates }) });
  }
  if (opts.json) files.push({ path: opts.json, content: renderJson(card) });
  if (opts.csv) files.push({ path: opts.csv, content: renderCsv(card) });
  if (opts.markdown) files.push({ path: opts.markdown, content: renderMarkdown(card, { gates }) });
  if (opts.oscal) files.push({ path: opts.oscal, content: renderOscal(card) });
  writeFilesAtomically(files);

  for (const line of summary(card)) out(line);
  for (const f of files) out(`wrote ${f.path}`);
  if (opts.saveSnapshot) out(`wrote ${opts.saveSnapshot}`);

  const failed = gates.filter((g) => !g.met);
  for (const g of failed) console.error(`gate failed: ${g.label} ${formatPercent(g.score)} is below the required ${g.threshold}%`);
  if (failed.length > 0) return EXIT_GATE_FAILED;
  return isPartial(card) ? EXIT_PARTIAL_DATA : 0;
}

async function collect(opts: ReportOptions): Promise<Snapshot> {
  if (opts.fromSnapshot) return loadSnapshot(opts.fromSnapshot);
  if (opts.fromAwsCli) return collectFromAwsCli(opts.fromAwsCli);
  // The AWS SDK clients load only when reading live: offline reports start faster.
  const { collectLive } = await import("./collect/live.js");
  return collectLive({
    aggregator: opts.aggregator!,
    region: opts.region!,
    profile: opts.profile,
    endpointUrl: opts.endpointUrl,
    securityHub: opts.securityhub,
    securityHubV2: opts.securityHub === "v2",
    accessAnalyzer: opts.accessAnalyzer !== false,
    concurrency: opts.maxConcurrency,
    maxDetailCalls: opts.maxDetailCalls,
    progress: stderrProgress(),
  });
}

/** A read failed: a collection gap, or a cell whose result could not be read. Silence is coverage, not this. */
function isPartial(card: Scorecard): boolean {
  return card.gaps.length > 0 || card.summary.unreadable > 0;
}

function summary(card: Scorecard): string[] {
  const s = card.summary;
  const trend = card.trend ? ` (${formatDelta(card.trend.overall.delta) || "no comparable score"} since ${formatTime(card.trend.previousCollectedAt)})` : "";
  const sh = card.securityHub ? ` · Security Hub CSPM score ${formatPercent(card.securityHub.score)}` : "";
  const lines = [
    `Config score ${formatPercent(card.score.overall)}${trend}${sh}`,
    `${formatCount(s.accounts)} accounts (${formatCount(card.coverage.reportingAccounts)} reporting, ${formatCount(s.failingAccounts)} with failures) · ` +
      `${formatCount(s.rules)} rules · ${formatCount(s.regions)} regions · ${formatCount(s.nonCompliantResources)} non-compliant resources`,
  ];
  if (card.history) {
    const h = card.history;
    lines.push(
      `history: ${formatCount(h.snapshots.length)} snapshots since ${formatTime(h.snapshots[0]!.collectedAt)}, Config score ${formatPercent(h.organization.first)} then` +
        `${h.organization.change === null ? "" : ` (${formatDelta(h.organization.change)} to now)`}` +
        (h.duplicates.length > 0 ? ` · ${formatCount(h.duplicates.length)} duplicate files left out` : ""),
    );
  }
  if (card.frameworks.length > 0) {
    lines.push(card.frameworks.map((f) => `${f.title} ${formatPercent(f.score)} (${f.passed} passed, ${f.failed} failed, ${f.noData} no data)`).join(" · "));
  }
  if (card.accessAnalyzer) {
    const aa = card.accessAnalyzer;
    lines.push(
      `IAM Access Analyzer: ${formatCount(aa.public)} public, ${formatCount(aa.outsideOrganization)} outside the organization` +
        `${aa.unclassified ? `, ${formatCount(aa.unclassified)} not classified` : ""} (secrets, keys and roles)` +
        `${aa.regionsWithoutAnalyzer.length ? ` · no organization analyzer in ${aa.regionsWithoutAnalyzer.join(", ")}` : ""}`,
    );
    if (aa.unused) {
      const types = aa.unused.byType.filter((t) => t.count > 0).map((t) => `${formatCount(t.count)} ${unusedFindingLabel(t.findingType, t.count)}`);
      lines.push(
        `IAM Access Analyzer (unused access): ${formatCount(aa.unused.findings)} findings${types.length ? ` (${types.join(", ")})` : ""}` +
          `${aa.unused.analyzers && aa.unused.activeAnalyzerRegions.length === 0 ? " · no active unused-access analyzer" : ""}`,
      );
    }
  }
  if (card.declared) {
    const d = card.declared;
    lines.push(
      `declared vs observed: ${formatCount(d.accountsNotReporting.length)} of ${formatCount(d.declaredAccounts)} declared accounts not reporting, ` +
        `${formatCount(d.controlsNotObserved.length)} of ${formatCount(d.declaredControls)} declared controls not observed everywhere`,
    );
  }
  const c = card.coverage;
  const silent = c.notReporting.length;
  lines.push(
    `coverage: ${formatCount(c.reportingAccountRegions)} account-regions reporting` +
      (silent ? ` · ${formatCount(silent)} not reporting (no evaluations although every read succeeded; see the report's coverage)` : ""),
  );
  const left = card.unlisted.leftOut;
  if (left.cells > 0) {
    lines.push(
      `resources: ${formatCount(left.cells)} failing ${left.cells === 1 ? "cell" : "cells"} not listed (${left.atLeast ? "at least " : ""}${formatCount(left.resources)} resources), ` +
        `bounded by --max-detail-calls ${card.unlisted.bound?.maxCalls ?? "?"}; raise it to list them (scores do not change)`,
    );
  }
  if (isPartial(card)) {
    const gaps = card.gaps.reduce((n, g) => n + g.count, 0);
    lines.push(`could not read: ${formatCount(gaps)} reads failed, ${formatCount(s.unreadable)} cells unreadable (counted as no data, never as compliant)`);
  } else {
    lines.push("could not read: nothing, every read succeeded");
  }
  return lines;
}
