import { cellKey, compare, type Cell } from "./cells.js";
import { delta } from "./score.js";
import type { ScoredSnapshot } from "./scorecard.js";
import type { CellRef, Trend } from "./types.js";

/** What changed between two scored snapshots. Rows whose score did not change are left out. */
export function trendBetween(before: ScoredSnapshot, after: ScoredSnapshot): Trend {
  const prevAccounts = new Map(before.card.accounts.map((a) => [a.accountId, a]));
  const prevRules = new Map(before.card.rules.map((r) => [r.rule, r]));
  const names = new Map<string, string | null>([
    ...before.card.accounts.map((a) => [a.accountId, a.name] as const),
    ...after.card.accounts.map((a) => [a.accountId, a.name] as const),
  ]);
  const titles = new Map<string, string>([
    ...before.card.rules.map((r) => [r.rule, r.title] as const),
    ...after.card.rules.map((r) => [r.rule, r.title] as const),
  ]);

  const accounts = after.card.accounts
    .map((a) => {
      const prev = prevAccounts.get(a.accountId)?.score ?? null;
      return { accountId: a.accountId, name: a.name, before: prev, after: a.score, delta: delta(a.score, prev) };
    })
    .filter((a) => a.before !== a.after)
    .sort(byDelta((a) => a.accountId));
  const rules = after.card.rules
    .map((r) => {
      const prev = prevRules.get(r.rule)?.score ?? null;
      return { rule: r.rule, title: r.title, before: prev, after: r.score, delta: delta(r.score, prev) };
    })
    .filter((r) => r.before !== r.after)
    .sort(byDelta((r) => r.rule));

  const prevCells = new Map(before.cells.map((c) => [cellKey(c.rule, c.accountId, c.region), c]));
  const ref = (c: Cell, prev: Cell | undefined): CellRef => ({
    rule: c.rule,
    title: titles.get(c.rule) ?? c.rule,
    accountId: c.accountId,
    accountName: names.get(c.accountId) ?? null,
    region: c.region,
    before: prev?.status ?? null,
    after: c.status,
  });
  const newlyFailing: CellRef[] = [];
  const fixed: CellRef[] = [];
  for (const c of after.cells) {
    const prev = prevCells.get(cellKey(c.rule, c.accountId, c.region));
    if (c.status === "NON_COMPLIANT" && prev?.status !== "NON_COMPLIANT") newlyFailing.push(ref(c, prev));
    if (c.status === "COMPLIANT" && prev?.status === "NON_COMPLIANT") fixed.push(ref(c, prev));
  }

  const { overall: oBefore, securityHub: sBefore } = before.card.score;
  const { overall: oAfter, securityHub: sAfter } = after.card.score;
  return {
    previousCollectedAt: before.card.collectedAt,
    overall: { before: oBefore, after: oAfter, delta: delta(oAfter, oBefore) },
    securityHub: { before: sBefore, after: sAfter, delta: delta(sAfter, sBefore) },
    accounts,
    rules,
    newlyFailing,
    fixed,
  };
}

/** Ascending change: the biggest drop first; rows without a comparable score last. */
function byDelta<T extends { delta: number | null }>(key: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    if (a.delta === null || b.delta === null) return (a.delta === null ? 1 : 0) - (b.delta === null ? 1 : 0) || compare(key(a), key(b));
    return a.delta - b.delta || compare(key(a), key(b));
  };
}
