/** Formatting shared by the renderers, locale-independent so every output is deterministic. */

/** `60.0%`, or `n/a` where nothing was counted. */
export function formatPercent(score: number | null | undefined): string {
  return score === null || score === undefined ? "n/a" : `${score.toFixed(1)}%`;
}

/** `+1.2`, `−6.7` (a real minus sign) or `±0.0`; empty without a comparable score. */
export function formatDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return "";
  if (delta === 0) return "±0.0";
  return delta > 0 ? `+${delta.toFixed(1)}` : `−${Math.abs(delta).toFixed(1)}`;
}

/** 12345 -> `12,345`. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `2026-11-20T10:00:00.000Z` -> `2026-11-20 10:00 UTC`; unparseable input is returned as is. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** Score bands the HTML and Markdown colour by. */
export const GOOD = 90;
export const FAIR = 70;

export type Band = "good" | "fair" | "poor" | "none";

export function band(score: number | null | undefined): Band {
  if (score === null || score === undefined) return "none";
  return score >= GOOD ? "good" : score >= FAIR ? "fair" : "poor";
}

/** Only http(s) links are rendered: a `javascript:` URL from any data source becomes no link. */
export function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

const UNUSED_LABELS: Readonly<Record<string, [string, string]>> = {
  UnusedIAMRole: ["unused role", "unused roles"],
  UnusedIAMUserAccessKey: ["unused access key", "unused access keys"],
  UnusedIAMUserPassword: ["unused password", "unused passwords"],
  UnusedPermission: ["unused permissions", "unused permissions"],
};

/** `UnusedIAMUserAccessKey` → `unused access key` (`keys` for a count other than one); a type AWS adds later reads as itself. */
export function unusedFindingLabel(findingType: string, count = 1): string {
  const label = UNUSED_LABELS[findingType];
  return label ? label[count === 1 ? 0 : 1] : findingType;
}
