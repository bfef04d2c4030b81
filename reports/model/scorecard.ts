import { controls as catalog } from "../../modules/controls/catalog.js";
import type { Control } from "../../modules/controls/types.js";
import type { CollectionGap, FindingStatistic, Snapshot, SnapshotAccount } from "../snapshot.js";
import { accessAnalyzerView } from "./access-analyzer.js";
import { cellKey, compare, mergeCells, type Cell } from "./cells.js";
import { controlInfo, severityRank, type ControlInfo, type ControlLookup } from "./control-info.js";
import { declaredNotReporting, declaredVsObserved, type DeclaredInput } from "./declared.js";
import { FORMULAS } from "./formulas.js";
import { buildHistory, pointOfCard, type HistoryPoint } from "./history.js";
import { frameworkViews } from "./frameworks.js";
import { count, delta, finish, newCounter, percent, type Counter } from "./score.js";
import { securityHubScores } from "./security-hub.js";
import { trendBetween } from "./trend.js";
import type { AccountRow, Coverage, Freshness, GapGroup, OuRow, RegionRow, ResourceRow, RuleRow, Scorecard, SecurityHubV2View, Unlisted } from "./types.js";

export interface ScorecardOptions {
  /** The earlier snapshot `--previous` names: adds the trend (and a point of the history). */
  previous?: Snapshot;
  /** Where `previous` was read from, to name it in the history. */
  previousFile?: string;
  /** `--history DIR`: the saved snapshots' scores (collect/history-io.ts); adds the history. */
  history?: readonly HistoryPoint[];
  /** The organization config `--config` names: adds declared vs observed. */
  declared?: DeclaredInput;
  /** Controls catalog lookup; defaults to modules/controls/catalog.ts. */
  lookup?: ControlLookup;
  /** Controls whose framework mappings make the framework views; defaults to the catalog. */
  controls?: readonly Control[];
}

export const UNKNOWN_OU = "(unknown)";
const GAP_EXAMPLES = 5;

/** Snapshot (+ previous snapshot, + declared config) -> every number the report shows. Pure. */
export function buildScorecard(snapshot: Snapshot, options: ScorecardOptions = {}): Scorecard {
  const core = scoreSnapshot(snapshot, options.lookup);
  const before = options.previous ? scoreSnapshot(options.previous, options.lookup) : null;
  if (before) {
    const accountScore = new Map(before.card.accounts.map((a) => [a.accountId, a.score]));
    const ruleScore = new Map(before.card.rules.map((r) => [r.rule, r.score]));
    for (const a of core.card.accounts) {
      a.delta = delta(a.score, accountScore.get(a.accountId));
      a.newSincePrevious = !accountScore.has(a.accountId);
    }
    for (const r of core.card.rules) r.delta = delta(r.score, ruleScore.get(r.rule));
  }
  const trend = before ? trendBetween(before, core) : null;
  const declared = options.declared ? declaredVsObserved(options.declared, core.cells, core.card.accounts) : null;
  const frameworks = frameworkViews(options.controls ?? catalog, core.card.rules, core.card.securityHub, core.card.accessAnalyzer, core.card.gaps);
  const history = options.history
    ? buildHistory(
        before ? [...options.history, pointOfCard(before.card, options.previousFile ?? "--previous")] : options.history,
        pointOfCard(core.card, null),
        core.card,
      )
    : null;
  const card = { ...core.card, trend, history, declared, frameworks };
  if (options.declared) card.coverage = { ...card.coverage, notReporting: declaredNotReporting(options.declared, core.cells, card.coverage.notReporting) };
  return card;
}

/** A scorecard without trend or declared view, plus the merged cells the trend compares. */
export interface ScoredSnapshot {
  card: Omit<Scorecard, "trend" | "history" | "declared" | "frameworks">;
  cells: Cell[];
}

export function scoreSnapshot(snapshot: Snapshot, lookup?: ControlLookup): ScoredSnapshot {
  const cells = mergeCells(snapshot.cells);
  const accountsById = accountIndex(snapshot.accounts, cells);
  const info = memo((rule: string) => controlInfo(rule, lookup));

  const overall = newCounter();
  const byAccount = new Map<string, Counter & { failingRules: Set<string>; withData: number }>();
  const byRegion = new Map<string, Counter & { accounts: Set<string> }>();
  const byRule = new Map<string, Counter & { ruleNames: Set<string>; failingAccounts: Set<string> }>();
  const breakdown = { insufficientData: 0, notApplicable: 0, unreadable: 0 };
  for (const id of accountsById.keys()) byAccount.set(id, { ...newCounter(), failingRules: new Set(), withData: 0 });

  for (const cell of cells) {
    count(overall, cell.status);
    if (cell.status === "INSUFFICIENT_DATA") breakdown.insufficientData++;
    else if (cell.status === "NOT_APPLICABLE") breakdown.notApplicable++;
    else if (cell.status === "NO_DATA") breakdown.unreadable++;

    const account = byAccount.get(cell.accountId)!;
    count(account, cell.status);
    if (cell.status !== "NO_DATA") account.withData++;
    if (cell.status === "NON_COMPLIANT") account.failingRules.add(cell.rule);

    let region = byRegion.get(cell.region);
    if (!region) byRegion.set(cell.region, (region = { ...newCounter(), accounts: new Set() }));
    count(region, cell.status);
    region.accounts.add(cell.accountId);

    let rule = byRule.get(cell.rule);
    if (!rule) byRule.set(cell.rule, (rule = { ...newCounter(), ruleNames: new Set(), failingAccounts: new Set() }));
    count(rule, cell.status);
    for (const n of cell.ruleNames) rule.ruleNames.add(n);
    if (cell.status === "NON_COMPLIANT") rule.failingAccounts.add(cell.accountId);
  }

  const resourcesByAccount = new Map<string, number>();
  const resourcesByRule = new Map<string, number>();
  for (const r of snapshot.resources) {
    resourcesByAccount.set(r.accountId, (resourcesByAccount.get(r.accountId) ?? 0) + 1);
    resourcesByRule.set(r.rule, (resourcesByRule.get(r.rule) ?? 0) + 1);
  }

  const sh = snapshot.securityHub ? securityHubScores(snapshot.securityHub) : null;

  const accounts: AccountRow[] = [...byAccount].map(([accountId, c]) => {
    const known = accountsById.get(accountId)!;
    return {
      accountId,
      name: known.name ?? null,
      ou: known.ou ?? null,
      state: known.state ?? null,
      ...finish(c),
      reporting: c.withData > 0,
      nonCompliantResources: resourcesByAccount.get(accountId) ?? 0,
      failingRules: [...c.failingRules].sort(compare),
      securityHub: sh ? (sh.byAccount.get(accountId) ?? { passed: 0, failed: 0, score: null }) : null,
      delta: null,
      newSincePrevious: false,
    };
  });
  accounts.sort(worstFirst((a) => a.accountId));

  const regions: RegionRow[] = [...byRegion]
    .map(([region, c]) => ({ region, ...finish(c), accounts: c.accounts.size }))
    .sort((a, b) => compare(a.region, b.region));

  const rules: RuleRow[] = [...byRule].map(([rule, c]) => ({
    rule,
    ...info(rule),
    ruleNames: [...c.ruleNames].sort(compare),
    ...finish(c),
    failingAccounts: c.failingAccounts.size,
    nonCompliantResources: resourcesByRule.get(rule) ?? 0,
    delta: null,
  }));
  rules.sort(worstFirst((r) => r.rule));

  const resources = resourceRows(snapshot, accountsById, info);
  const unlisted = unlistedDetail(snapshot, cells);

  const total = finish(overall);
  const card: ScoredSnapshot["card"] = {
    collectedAt: snapshot.collectedAt,
    source: snapshot.source,
    apiCalls: snapshot.apiCalls,
    score: { overall: total.score, securityHub: sh ? sh.view.score : null },
    summary: {
      ...total,
      cells: cells.length,
      ...breakdown,
      accounts: accounts.length,
      rules: rules.length,
      regions: regions.length,
      nonCompliantResources: snapshot.resources.length,
      failingAccounts: accounts.filter((a) => a.nonCompliant > 0).length,
      failingRules: rules.filter((r) => r.nonCompliant > 0).length,
    },
    ous: ouRows(cells, accountsById),
    accounts,
    regions,
    rules,
    resources,
    unlistedCells: unlisted.leftOut.cells + unlisted.capped + unlisted.unread,
    unlisted,
    securityHub: sh ? sh.view : null,
    securityHubV2: snapshot.securityHubV2 ? securityHubV2View(snapshot.securityHubV2.statistics, accountsById) : null,
    accessAnalyzer: snapshot.accessAnalyzer ? accessAnalyzerView(snapshot.accessAnalyzer, accountsById) : null,
    freshness: freshness(snapshot),
    coverage: coverage(snapshot, accountsById, cells, accounts, total.compliant + total.nonCompliant),
    gaps: groupGaps(snapshot.gaps),
    formulas: FORMULAS,
  };
  return { card, cells };
}

/** Accounts from Organizations plus any account Config reports that Organizations did not list. */
export function accountIndex(known: readonly SnapshotAccount[], cells: readonly Cell[]): Map<string, SnapshotAccount> {
  const index = new Map<string, SnapshotAccount>();
  for (const a of known) index.set(a.accountId, { ...index.get(a.accountId), ...a });
  for (const c of cells) if (!index.has(c.accountId)) index.set(c.accountId, { accountId: c.accountId });
  return index;
}

/** Lowest score first (who needs attention), no-data rows last, then by key. */
function worstFirst<T extends { score: number | null }>(key: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    if (a.score === null || b.score === null) return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) || compare(key(a), key(b));
    return a.score - b.score || compare(key(a), key(b));
  };
}

/** Every OU path and its ancestors, each rolling up the cells of the accounts at or below it. */
function ouRows(cells: readonly Cell[], accounts: ReadonlyMap<string, SnapshotAccount>): OuRow[] {
  const ouOf = (accountId: string): string => accounts.get(accountId)?.ou ?? UNKNOWN_OU;
  const ancestorsOf = memo(ouAncestors);
  const rows = new Map<string, Counter & { accounts: Set<string> }>();
  const row = (ou: string) => {
    let r = rows.get(ou);
    if (!r) rows.set(ou, (r = { ...newCounter(), accounts: new Set() }));
    return r;
  };
  for (const id of accounts.keys()) for (const ou of ancestorsOf(ouOf(id))) row(ou).accounts.add(id);
  for (const cell of cells) for (const ou of ancestorsOf(ouOf(cell.accountId))) count(row(ou), cell.status);
  return [...rows]
    .map(([ou, c]) => {
      const parts = ou.split("/").filter(Boolean);
      return {
        ou,
        name: ou === "/" ? "Root" : ou === UNKNOWN_OU ? "Unknown OU" : parts[parts.length - 1]!,
        depth: ou === UNKNOWN_OU ? 0 : parts.length,
        accounts: c.accounts.size,
        ...finish(c),
      };
    })
    .sort((a, b) => (a.ou === UNKNOWN_OU ? 1 : 0) - (b.ou === UNKNOWN_OU ? 1 : 0) || compareOuPaths(a.ou, b.ou));
}

/** The OUs an account at `ou` counts in: the root, every OU on the way down, and `ou` itself. */
export function ouAncestors(ou: string): string[] {
  if (ou === UNKNOWN_OU) return [UNKNOWN_OU];
  const parts = ou.split("/").filter(Boolean);
  return ["/", ...parts.map((_, i) => "/" + parts.slice(0, i + 1).join("/"))];
}

/** Tree order: a parent right before its children. */
function compareOuPaths(a: string, b: string): number {
  const pa = a.split("/").filter(Boolean);
  const pb = b.split("/").filter(Boolean);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compare(pa[i]!, pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

function resourceRows(snapshot: Snapshot, accounts: ReadonlyMap<string, SnapshotAccount>, info: (rule: string) => ControlInfo): ResourceRow[] {
  const rows = snapshot.resources.map((r): ResourceRow => {
    const ci = info(r.rule);
    const account = accounts.get(r.accountId);
    return {
      rule: r.rule,
      title: ci.title,
      severity: ci.severity,
      docUrl: ci.docUrl,
      accountId: r.accountId,
      accountName: account?.name ?? null,
      ou: account?.ou ?? null,
      region: r.region,
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      annotation: r.annotation ?? null,
      recordedAt: r.recordedAt ?? null,
    };
  });
  return rows.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      compare(a.rule, b.rule) ||
      compare(a.accountId, b.accountId) ||
      compare(a.region, b.region) ||
      compare(a.resourceType, b.resourceType) ||
      compare(a.resourceId, b.resourceId),
  );
}

/** Non-compliant cells whose resources are not all listed, each under the first reason that applies: the bound, AWS's cap, unread. */
function unlistedDetail(snapshot: Snapshot, cells: readonly Cell[]): Unlisted {
  const listed = new Map<string, number>();
  for (const r of snapshot.resources) listed.set(cellKey(r.rule, r.accountId, r.region), (listed.get(cellKey(r.rule, r.accountId, r.region)) ?? 0) + 1);
  const unlisted: Unlisted = { bound: snapshot.detailBound ?? null, leftOut: { cells: 0, partlyRead: 0, resources: 0, atLeast: false }, capped: 0, unread: 0 };
  for (const c of cells) {
    if (c.status !== "NON_COMPLIANT") continue;
    const shown = listed.get(cellKey(c.rule, c.accountId, c.region)) ?? 0;
    if (c.detailLeftOut) {
      const leftOut = unlisted.leftOut;
      leftOut.cells++;
      if (c.detailLeftOut === "partly-read") leftOut.partlyRead++;
      const counted = c.nonCompliantResources;
      leftOut.resources += Math.max(0, (counted?.count ?? 0) - shown);
      if (!counted || counted.capExceeded) leftOut.atLeast = true;
    } else if (c.nonCompliantResources?.capExceeded) unlisted.capped++;
    else if (shown === 0) unlisted.unread++;
  }
  return unlisted;
}

function securityHubV2View(statistics: readonly FindingStatistic[], accounts: ReadonlyMap<string, SnapshotAccount>): SecurityHubV2View {
  const values = (field: string) => statistics.find((s) => s.field === field)?.values ?? [];
  const bySeverity = values("severity").map((v) => ({ severity: v.value, count: v.count }));
  return {
    activeFindings: bySeverity.reduce((n, v) => n + v.count, 0),
    bySeverity,
    byAccount: values("cloud.account.uid").map((v) => ({ accountId: v.value, name: accounts.get(v.value)?.name ?? null, count: v.count })),
  };
}

function freshness(snapshot: Snapshot): Freshness {
  const byStatus: Record<string, number> = {};
  const updates: string[] = [];
  const problems: Freshness["problems"] = [];
  for (const s of snapshot.sources) {
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    if (s.lastUpdate) updates.push(s.lastUpdate);
    if (s.status !== "SUCCEEDED") {
      problems.push({
        sourceId: s.sourceId,
        sourceType: s.sourceType,
        region: s.region ?? null,
        status: s.status,
        lastUpdate: s.lastUpdate ?? null,
        errorCode: s.errorCode ?? null,
      });
    }
  }
  // ISO 8601 strings in UTC order like the instants they name; Date parsing handles offsets.
  updates.sort((a, b) => Date.parse(a) - Date.parse(b) || compare(a, b));
  problems.sort((a, b) => compare(a.status, b.status) || compare(a.sourceId, b.sourceId) || compare(a.region ?? "", b.region ?? ""));
  return {
    collectedAt: snapshot.collectedAt,
    sources: snapshot.sources.length,
    byStatus: Object.fromEntries(Object.entries(byStatus).sort(([a], [b]) => compare(a, b))),
    oldestUpdate: updates[0] ?? null,
    newestUpdate: updates[updates.length - 1] ?? null,
    problems,
  };
}

function coverage(
  snapshot: Snapshot,
  accountsById: ReadonlyMap<string, SnapshotAccount>,
  cells: readonly Cell[],
  accounts: readonly AccountRow[],
  counted: number,
): Coverage {
  const reportingPairs = new Set(cells.filter((c) => c.status !== "NO_DATA").map((c) => `${c.accountId}\u0000${c.region}`));
  return {
    accounts: accounts.length,
    reportingAccounts: accounts.filter((a) => a.reporting).length,
    cells: cells.length,
    cellsWithData: counted,
    percent: percent(counted, cells.length),
    reportingAccountRegions: reportingPairs.size,
    notReporting: snapshot.notReporting.map((n) => ({
      accountId: n.accountId ?? null,
      name: (n.accountId && accountsById.get(n.accountId)?.name) || null,
      region: n.region,
      reason: n.reason,
    })),
  };
}

function groupGaps(gaps: readonly CollectionGap[]): GapGroup[] {
  const groups = new Map<string, GapGroup>();
  for (const g of gaps) {
    const key = `${g.scope}\u0000${g.operation}\u0000${g.reason}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { scope: g.scope, operation: g.operation, reason: g.reason, count: 0, examples: [] }));
    group.count++;
    if (group.examples.length < GAP_EXAMPLES) {
      group.examples.push({
        ...(g.accountId ? { accountId: g.accountId } : {}),
        ...(g.region ? { region: g.region } : {}),
        ...(g.rule ? { rule: g.rule } : {}),
      });
    }
  }
  return [...groups.values()].sort(
    (a, b) => b.count - a.count || compare(a.scope, b.scope) || compare(a.operation, b.operation) || compare(a.reason, b.reason),
  );
}

function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = fn(key)));
    return v;
  };
}
