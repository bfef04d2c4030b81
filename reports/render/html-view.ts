import type { GateResult } from "../model/gates.js";
import type { AccountRow, RuleRow, Scorecard } from "../model/types.js";
import { band, formatTime, unusedFindingLabel, type Band } from "./format.js";
import { historyView, type Sparkline } from "./history-view.js";

/** How many rows the HTML shows where a list can grow with the organization; the JSON has them all. */
export const HTML_CAPS = {
  resources: 250,
  accessFindings: 250,
  trendCells: 100,
  missingPerControl: 12,
  regionsNotReporting: 100,
  notReporting: 200,
  chips: 4,
  attention: 5,
} as const;

export interface HtmlOptions {
  /** Shown in the title bar, e.g. the organization or aggregator name. */
  title?: string;
  /** The JSON file written next to the HTML, named where the HTML is capped. */
  jsonFile?: string;
  /** The `--fail-under` gates, with their results. */
  gates?: readonly GateResult[];
}

export interface Capped<T> {
  shown: T[];
  total: number;
  hidden: number;
}

function cap<T>(rows: readonly T[], max: number): Capped<T> {
  return { shown: rows.slice(0, max), total: rows.length, hidden: Math.max(0, rows.length - max) };
}

/** The template's context: the scorecard plus what only the page needs (caps, chart data). */
export function htmlView(card: Scorecard, options: HtmlOptions) {
  const history = card.history ? historyView(card.history) : null;
  const subtitle = [card.source.aggregator ? `aggregator ${card.source.aggregator}` : null, card.source.region, sourceLabel(card.source.kind)]
    .filter(Boolean)
    .join(" · ");
  return {
    card,
    title: options.title ?? (card.source.aggregator ? `Compliance scorecard: ${card.source.aggregator}` : "Compliance scorecard"),
    subtitle,
    collected: formatTime(card.collectedAt),
    jsonFile: options.jsonFile ?? null,
    gates: options.gates ?? [],
    distribution: distribution(card.accounts),
    attention: {
      accounts: card.accounts.filter((a) => a.nonCompliant > 0).slice(0, HTML_CAPS.attention),
      rules: card.rules.filter((r) => r.nonCompliant > 0).slice(0, HTML_CAPS.attention),
    },
    accounts: card.accounts.map((a) => accountView(a, history?.accounts.get(a.accountId))),
    rules: card.rules.map((r) => ruleView(r)),
    resources: cap(card.resources, HTML_CAPS.resources),
    accessFindings: card.accessAnalyzer ? cap(card.accessAnalyzer.resources, HTML_CAPS.accessFindings) : null,
    unusedAccess: card.accessAnalyzer?.unused ? unusedAccessView(card.accessAnalyzer.unused) : null,
    newlyFailing: card.trend ? cap(card.trend.newlyFailing, HTML_CAPS.trendCells) : null,
    fixed: card.trend ? cap(card.trend.fixed, HTML_CAPS.trendCells) : null,
    history,
    regionsNotReporting: card.declared ? cap(card.declared.regionsNotReporting, HTML_CAPS.regionsNotReporting) : null,
    controlsNotObserved: card.declared
      ? card.declared.controlsNotObserved.map((c) => ({ ...c, missingShown: cap(c.missing, HTML_CAPS.missingPerControl) }))
      : null,
    notReporting: cap(card.coverage.notReporting, HTML_CAPS.notReporting),
    unreadableCells: card.summary.unreadable,
    hasProblems: card.gaps.length > 0 || card.freshness.problems.length > 0 || card.summary.unreadable > 0,
    gapCount: card.gaps.reduce((n, g) => n + g.count, 0),
    cellsCounted: card.summary.compliant + card.summary.nonCompliant,
  };
}

/** The unused-access section: types with counts by name, and the listed resources capped like the external ones. */
function unusedAccessView(unused: NonNullable<NonNullable<Scorecard["accessAnalyzer"]>["unused"]>) {
  return {
    types: unused.byType.filter((t) => t.count > 0).map((t) => ({ ...t, label: unusedFindingLabel(t.findingType, t.count) })),
    noActiveAnalyzer: unused.analyzers !== null && unused.activeAnalyzerRegions.length === 0,
    resources: cap(
      unused.resources.map((r) => ({ ...r, label: unusedFindingLabel(r.findingType) })),
      HTML_CAPS.accessFindings,
    ),
  };
}

function sourceLabel(kind: Scorecard["source"]["kind"]): string {
  return kind === "live" ? "read live from AWS" : "from AWS CLI exports";
}

/** `spark`: the account's sparkline, drawn in the accounts table next to its change (with `--history`). */
function accountView(a: AccountRow, spark?: Sparkline) {
  return { ...a, spark: spark ?? null, chips: a.failingRules.slice(0, HTML_CAPS.chips), moreChips: Math.max(0, a.failingRules.length - HTML_CAPS.chips) };
}

function ruleView(r: RuleRow) {
  return { ...r, otherNames: r.ruleNames.filter((n) => n !== r.rule) };
}

/** Accounts per score band, for the summary's bar chart. */
function distribution(accounts: readonly AccountRow[]) {
  const bands: Array<{ tone: Band; label: string; count: number; width: number }> = [
    { tone: "good", label: "90–100%", count: 0, width: 0 },
    { tone: "fair", label: "70–89.9%", count: 0, width: 0 },
    { tone: "poor", label: "below 70%", count: 0, width: 0 },
    { tone: "none", label: "no data", count: 0, width: 0 },
  ];
  for (const a of accounts) bands.find((b) => b.tone === band(a.score))!.count++;
  const max = Math.max(1, ...bands.map((b) => b.count));
  for (const b of bands) b.width = Math.round((1000 * b.count) / max) / 10;
  return bands;
}
