import type { CellStatus } from "../snapshot.js";

/** Counted cells of one group (account, OU, region, rule or the whole organization). */
export interface Tally {
  compliant: number;
  nonCompliant: number;
  /** INSUFFICIENT_DATA, NOT_APPLICABLE and unreadable (NO_DATA) cells: shown, never counted. */
  noData: number;
  /** 100 x compliant / (compliant + nonCompliant), one decimal; null when nothing was counted. */
  score: number | null;
}

/** A tally being built; `finish` turns it into the published shape with its score. */
export interface Counter {
  compliant: number;
  nonCompliant: number;
  noData: number;
}

export function newCounter(): Counter {
  return { compliant: 0, nonCompliant: 0, noData: 0 };
}

export function count(counter: Counter, status: CellStatus): void {
  if (status === "COMPLIANT") counter.compliant++;
  else if (status === "NON_COMPLIANT") counter.nonCompliant++;
  else counter.noData++;
}

export function finish({ compliant, nonCompliant, noData }: Counter): Tally {
  return { compliant, nonCompliant, noData, score: percent(compliant, compliant + nonCompliant) };
}

/**
 * 100 x part / whole rounded half-up to one decimal, or null when whole is 0.
 * Integer arithmetic before the single division keeps 12.25 from becoming 12.2.
 */
export function percent(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.round((1000 * part) / whole) / 10;
}

/** Difference of two published (already rounded) scores, itself rounded to one decimal. */
export function delta(after: number | null, before: number | null | undefined): number | null {
  if (after === null || before === null || before === undefined) return null;
  return Math.round((after - before) * 10) / 10;
}
