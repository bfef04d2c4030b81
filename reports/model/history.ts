import type { Snapshot } from "../snapshot.js";
import { compare, mergeCells } from "./cells.js";
import { count, delta, finish, newCounter, type Counter } from "./score.js";
import { accountIndex, ouAncestors, UNKNOWN_OU, type ScoredSnapshot } from "./scorecard.js";
import { securityHubScores } from "./security-hub.js";
import type { AccountRow, History, OuRow } from "./types.js";

/**
 * The scores of one snapshot that the history draws: the organization, every OU and every
 * account, by the scorecard's own formula (score.ts) over the snapshot's own OU membership.
 * A folder of a thousand-account snapshots is read one file at a time into these, so the
 * snapshots themselves never all sit in memory.
 */
export interface HistoryPoint {
  collectedAt: string;
  /** The file it was read from; null for the report's own snapshot. */
  file: string | null;
  overall: number | null;
  securityHub: number | null;
  ous: ReadonlyMap<string, number | null>;
  accounts: ReadonlyMap<string, number | null>;
}

/**
 * A saved snapshot's scores. The same numbers `scoreSnapshot` publishes (the tests hold the
 * two together), without building the rest of a scorecard for every snapshot of the folder.
 */
export function historyPoint(snapshot: Snapshot, file: string | null): HistoryPoint {
  const cells = mergeCells(snapshot.cells);
  const known = accountIndex(snapshot.accounts, cells);
  const overall = newCounter();
  const byAccount = new Map<string, Counter>([...known.keys()].map((id) => [id, newCounter()]));
  for (const cell of cells) {
    count(overall, cell.status);
    count(byAccount.get(cell.accountId)!, cell.status);
  }
  // An OU's tally is the sum of its accounts' tallies, as the scorecard's roll-up counts every cell of them.
  const byOu = new Map<string, Counter>();
  for (const [id, c] of byAccount) {
    for (const ou of ouAncestors(known.get(id)?.ou ?? UNKNOWN_OU)) {
      let o = byOu.get(ou);
      if (!o) byOu.set(ou, (o = newCounter()));
      o.compliant += c.compliant;
      o.nonCompliant += c.nonCompliant;
      o.noData += c.noData;
    }
  }
  return {
    collectedAt: snapshot.collectedAt,
    file,
    overall: finish(overall).score,
    securityHub: snapshot.securityHub ? securityHubScores(snapshot.securityHub).view.score : null,
    ous: new Map([...byOu].map(([ou, c]) => [ou, finish(c).score])),
    accounts: new Map([...byAccount].map(([id, c]) => [id, finish(c).score])),
  };
}

/** The point of a snapshot already scored (this report's own, or `--previous`). */
export function pointOfCard(card: ScoredSnapshot["card"], file: string | null): HistoryPoint {
  return {
    collectedAt: card.collectedAt,
    file,
    overall: card.score.overall,
    securityHub: card.score.securityHub,
    ous: new Map(card.ous.map((o) => [o.ou, o.score])),
    accounts: new Map(card.accounts.map((a) => [a.accountId, a.score])),
  };
}

/** Time order; at one instant, saved files by name and this report's own snapshot last. */
function chronological(a: HistoryPoint, b: HistoryPoint): number {
  const ta = instant(a.collectedAt);
  const tb = instant(b.collectedAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.file === null ? 1 : 0) - (b.file === null ? 1 : 0) || compare(a.file ?? "", b.file ?? "") || compare(a.collectedAt, b.collectedAt);
}

function instant(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Two snapshots are the same one when collected at the same instant with the same scores (a copy, or this report's input). */
function identity(p: HistoryPoint): string {
  const sorted = (m: ReadonlyMap<string, number | null>) => [...m].sort(([a], [b]) => compare(a, b));
  return JSON.stringify([instant(p.collectedAt), p.overall, p.securityHub, sorted(p.ous), sorted(p.accounts)]);
}

/**
 * Saved snapshots + this report's own -> the score over time of the organization and of each
 * OU and account the report shows (rows in the scorecard's order). Pure.
 */
export function buildHistory(saved: readonly HistoryPoint[], current: HistoryPoint, rows: { ous: readonly OuRow[]; accounts: readonly AccountRow[] }): History {
  const kept = new Map<string, HistoryPoint>();
  const duplicates: string[] = [];
  for (const p of [current, ...[...saved].sort(chronological)]) {
    const key = identity(p);
    if (kept.has(key)) duplicates.push(p.file!);
    else kept.set(key, p);
  }
  const points = [...kept.values()].sort(chronological);
  const now = points.indexOf(current);
  const series = (scores: Array<number | null>) => {
    const at = scores.findIndex((s) => s !== null);
    const first = at < 0 ? null : scores[at]!;
    // A row first scored in this report has nothing to change from.
    return { scores, first, change: at < now ? delta(scores[now] ?? null, first) : null };
  };
  return {
    snapshots: points.map((p) => ({ collectedAt: p.collectedAt, file: p.file, current: p === current, score: p.overall, securityHub: p.securityHub })),
    duplicates: duplicates.sort(compare),
    organization: series(points.map((p) => p.overall)),
    ous: rows.ous.map((o) => ({ ou: o.ou, name: o.name, depth: o.depth, ...series(points.map((p) => p.ous.get(o.ou) ?? null)) })),
    accounts: rows.accounts.map((a) => ({ accountId: a.accountId, name: a.name, ou: a.ou, ...series(points.map((p) => p.accounts.get(a.accountId) ?? null)) })),
  };
}
