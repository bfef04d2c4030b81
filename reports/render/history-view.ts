import { delta } from "../model/score.js";
import type { History, HistorySeries } from "../model/types.js";
import { formatPercent, formatTime } from "./format.js";

/**
 * How much of a history the HTML draws: the newest snapshots only (the JSON has them all), one
 * path per row with whole-pixel x and one-decimal y, so a thousand accounts stay a few hundred KB.
 */
export const HISTORY_DRAWN = 60;
export const SPARK = { width: 120, height: 24, pad: 2 } as const;
export const CHART = { width: 720, height: 160, left: 44, right: 16, top: 10, bottom: 26 } as const;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The y axis every drawing of the section shares: `low`–100%, so rows compare at a glance. */
export interface Axis {
  low: number;
  height: number;
  pad: number;
}

/** From the lowest score drawn, rounded down to a multiple of 10 (at most 90), to 100. */
export function axisLow(scores: Iterable<number | null>): number {
  let min = 100;
  for (const s of scores) if (s !== null && s < min) min = s;
  return Math.min(90, Math.floor(min / 10) * 10);
}

/**
 * x of each snapshot, proportional to its time inside [0, width] (whole pixels); evenly spaced
 * when they share one instant, centred when there is one.
 */
export function xPositions(collectedAt: readonly string[], width: number): number[] {
  const times = collectedAt.map((t) => Date.parse(t));
  const first = times[0]!;
  const span = times[times.length - 1]! - first;
  if (times.length === 1) return [Math.round(width / 2)];
  if (!(span > 0)) return times.map((_, i) => Math.round((i * width) / (times.length - 1)));
  return times.map((t) => Math.round(((t - first) * width) / span));
}

/** y of a score (100 at the top, `low` at the bottom). */
export function yOf(score: number, axis: Axis): number {
  return round1(axis.pad + ((100 - score) * (axis.height - 2 * axis.pad)) / (100 - axis.low));
}

/**
 * One SVG path through the scores: a gap where a score is missing, and a dot (`h0`, drawn with a
 * round cap) for a score with no neighbour. Empty when there is no score at all.
 */
export function sparkPath(scores: ReadonlyArray<number | null>, xs: readonly number[], axis: Axis, dy = 0): string {
  const parts: string[] = [];
  let run = 0;
  scores.forEach((s, i) => {
    if (s === null) {
      if (run === 1) parts.push("h0");
      run = 0;
      return;
    }
    parts.push(`${run === 0 ? "M" : "L"}${xs[i]} ${round1(yOf(s, axis) + dy)}`);
    run++;
  });
  if (run === 1) parts.push("h0");
  return parts.join("");
}

/** One row's drawing: its path, accessible label, today's score and the change over the history. */
export interface Sparkline {
  now: number | null;
  change: number | null;
  path: string;
  label: string;
}

function describe(series: HistorySeries, now: number | null, count: number): string {
  return `Config score over ${count} ${count === 1 ? "snapshot" : "snapshots"}: first ${formatPercent(series.first)}, now ${formatPercent(now)}`;
}

/** What the history section needs: the drawn window, one path per row, the chart's geometry. */
export function historyView(history: History) {
  const total = history.snapshots.length;
  const start = Math.max(0, total - HISTORY_DRAWN);
  const shown = history.snapshots.slice(start);
  const times = shown.map((s) => s.collectedAt);
  const nowIndex = history.snapshots.findIndex((s) => s.current);
  const drawn = (r: HistorySeries) => r.scores.slice(start);
  const rows = [history.organization, ...history.ous, ...history.accounts];
  const low = axisLow(rows.flatMap(drawn));
  const spark: Axis = { low, height: SPARK.height, pad: SPARK.pad };
  const sparkX = xPositions(times, SPARK.width);
  const plot: Axis = { low, height: CHART.height - CHART.top - CHART.bottom, pad: 0 };
  const chartX = xPositions(times, CHART.width - CHART.left - CHART.right).map((x) => x + CHART.left);
  const row = <T extends HistorySeries>(r: T): T & Sparkline => {
    const now = r.scores[nowIndex] ?? null;
    return { ...r, now, path: sparkPath(drawn(r), sparkX, spark), label: describe(r, now, shown.length) };
  };
  const org = history.organization;
  const gridScores = [100, ...[90, 70].filter((g) => g > low + 5), low];
  return {
    total,
    drawn: shown.length,
    hidden: start,
    low,
    from: formatTime(shown[0]?.collectedAt),
    to: formatTime(shown[shown.length - 1]?.collectedAt),
    duplicates: history.duplicates,
    spark: SPARK,
    chart: {
      ...CHART,
      right: CHART.width - CHART.right,
      bottom: CHART.height - CHART.bottom,
      label: describe(org, org.scores[nowIndex] ?? null, shown.length),
      path: sparkPath(drawn(org), chartX, plot, CHART.top),
      grid: gridScores.map((score) => ({ score, y: round1(CHART.top + yOf(score, plot)) })),
      points: shown.flatMap((s, i) =>
        s.score === null
          ? []
          : [
              {
                x: chartX[i]!,
                y: round1(CHART.top + yOf(s.score, plot)),
                current: s.current,
                title: `${formatTime(s.collectedAt)}: ${formatPercent(s.score)}`,
              },
            ],
      ),
      firstLabel: formatTime(shown[0]?.collectedAt).slice(0, 10),
      lastLabel: formatTime(shown[shown.length - 1]?.collectedAt).slice(0, 10),
    },
    // Newest first, each with its change from the snapshot before it.
    snapshots: shown.map((s, i) => ({ ...s, change: i > 0 ? delta(s.score, shown[i - 1]!.score) : null })).reverse(),
    ous: history.ous.map(row),
    // Drawn in the accounts table, next to the one-step change: one cell per row, not a second 1000-row table.
    accounts: new Map(history.accounts.map((a) => [a.accountId, row(a)])),
  };
}
