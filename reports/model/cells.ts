import type { CellStatus, ComplianceCell } from "../snapshot.js";

/**
 * When two AWS rules normalize to the same (rule, account, region) (an organization rule and a
 * conformance-pack copy), the cell takes the most severe status. An unreadable copy outranks a
 * compliant one, so a read failure can never make a cell look compliant.
 */
const PRECEDENCE: Record<CellStatus, number> = {
  NON_COMPLIANT: 4,
  NO_DATA: 3,
  COMPLIANT: 2,
  INSUFFICIENT_DATA: 1,
  NOT_APPLICABLE: 0,
};

export interface Cell {
  rule: string;
  accountId: string;
  region: string;
  status: CellStatus;
  /** AWS rule names merged into this cell, sorted. */
  ruleNames: string[];
  nonCompliantResources?: { count: number; capExceeded: boolean };
  reason?: string;
  /** Resources the `--max-detail-calls` bound left out; `not-read` outranks `partly-read`. */
  detailLeftOut?: "not-read" | "partly-read";
}

export function cellKey(rule: string, accountId: string, region: string): string {
  return `${rule}\u0000${accountId}\u0000${region}`;
}

/** One cell per (normalized rule, account, region), sorted by rule, account, region. */
export function mergeCells(cells: readonly ComplianceCell[]): Cell[] {
  const byKey = new Map<string, Cell>();
  for (const c of cells) {
    const key = cellKey(c.rule, c.accountId, c.region);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, {
        rule: c.rule,
        accountId: c.accountId,
        region: c.region,
        status: c.status,
        ruleNames: [c.ruleName],
        ...(c.nonCompliantResources ? { nonCompliantResources: { ...c.nonCompliantResources } } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.detailLeftOut ? { detailLeftOut: c.detailLeftOut } : {}),
      });
      continue;
    }
    if (c.detailLeftOut && seen.detailLeftOut !== "not-read") seen.detailLeftOut = c.detailLeftOut;
    if (!seen.ruleNames.includes(c.ruleName)) seen.ruleNames.push(c.ruleName);
    if (PRECEDENCE[c.status] > PRECEDENCE[seen.status]) {
      seen.status = c.status;
      if (c.reason) seen.reason = c.reason;
    }
    if (c.nonCompliantResources) {
      const prev = seen.nonCompliantResources;
      seen.nonCompliantResources = prev
        ? { count: Math.max(prev.count, c.nonCompliantResources.count), capExceeded: prev.capExceeded || c.nonCompliantResources.capExceeded }
        : { ...c.nonCompliantResources };
    }
  }
  const merged = [...byKey.values()];
  for (const cell of merged) cell.ruleNames.sort();
  return merged.sort((a, b) => compare(a.rule, b.rule) || compare(a.accountId, b.accountId) || compare(a.region, b.region));
}

/** Locale-independent string order, so output is the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
