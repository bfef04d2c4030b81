import type { ComplianceCell } from "../../reports/snapshot.js";
import type { ExpectedCounts } from "./fake-aws/org.js";

/** Loopback credentials for the SDK's default chain: the server never checks signatures. */
export function useLoopbackCredentials(): void {
  process.env["AWS_ACCESS_KEY_ID"] = "AKIDLOOPBACKTEST";
  process.env["AWS_SECRET_ACCESS_KEY"] = "loopback-only";
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  delete process.env["AWS_PROFILE"];
  delete process.env["AWS_SESSION_TOKEN"];
}

/** Counts of snapshot cells grouped by `key`, for comparing with the reference. */
export function countsBy(cells: ComplianceCell[], key: (c: ComplianceCell) => string): Map<string, Omit<ExpectedCounts, "noData">> {
  const out = new Map<string, { compliant: number; nonCompliant: number; score: number | null }>();
  for (const c of cells) {
    const k = key(c);
    if (!out.has(k)) out.set(k, { compliant: 0, nonCompliant: 0, score: null });
    const entry = out.get(k)!;
    if (c.status === "COMPLIANT") entry.compliant++;
    if (c.status === "NON_COMPLIANT") entry.nonCompliant++;
  }
  for (const e of out.values()) e.score = e.compliant + e.nonCompliant === 0 ? null : Math.round((1000 * e.compliant) / (e.compliant + e.nonCompliant)) / 10;
  return out;
}

export function withoutNoData(map: Map<string, ExpectedCounts>): Map<string, Omit<ExpectedCounts, "noData">> {
  return new Map([...map].map(([k, { compliant, nonCompliant, score }]) => [k, { compliant, nonCompliant, score }]));
}

/** The message of the error `fn` throws; fails the test when it throws none. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected an error");
}
