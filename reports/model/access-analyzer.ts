import type { Snapshot, SnapshotAccount } from "../snapshot.js";
import { compare } from "./cells.js";
import type { AccessAnalyzerView } from "./types.js";

/**
 * IAM Access Analyzer's active external-access findings on secrets, keys and roles, per
 * account and per resource, with public access and access from outside the organization
 * counted apart (unclassified: the finding's details were not read). Not scored.
 */
export function accessAnalyzerView(data: NonNullable<Snapshot["accessAnalyzer"]>, accounts: ReadonlyMap<string, SnapshotAccount>): AccessAnalyzerView {
  const byAccount = new Map<string, AccessAnalyzerView["byAccount"][number]>();
  const totals = { public: 0, outsideOrganization: 0, unclassified: 0 };
  const key = { public: "public", "outside-organization": "outsideOrganization", unclassified: "unclassified" } as const;
  for (const f of data.findings) {
    const row = byAccount.get(f.accountId) ?? {
      accountId: f.accountId,
      name: accounts.get(f.accountId)?.name ?? null,
      public: 0,
      outsideOrganization: 0,
      unclassified: 0,
      resources: 0,
    };
    row[key[f.access]]++;
    totals[key[f.access]]++;
    byAccount.set(f.accountId, row);
  }
  for (const row of byAccount.values()) row.resources = new Set(data.findings.filter((f) => f.accountId === row.accountId).map((f) => f.resource)).size;
  return {
    findings: data.findings.length,
    ...totals,
    analyzers: data.analyzers.length,
    activeAnalyzerRegions: [...new Set(data.analyzers.filter((a) => a.status === "ACTIVE").map((a) => a.region))].sort(compare),
    regionsWithoutAnalyzer: [...data.regionsWithoutAnalyzer],
    byAccount: [...byAccount.values()].sort(
      (a, b) => b.public - a.public || b.outsideOrganization - a.outsideOrganization || b.unclassified - a.unclassified || compare(a.accountId, b.accountId),
    ),
    resources: data.findings.map((f) => ({
      accountId: f.accountId,
      accountName: accounts.get(f.accountId)?.name ?? null,
      region: f.region || null,
      resourceType: f.resourceType,
      resource: f.resource,
      access: f.access,
      principals: f.principals,
      actions: f.actions,
      updatedAt: f.updatedAt ?? null,
    })),
  };
}
