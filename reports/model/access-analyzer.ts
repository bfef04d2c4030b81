import type { Snapshot, SnapshotAccount } from "../snapshot.js";
import { compare } from "./cells.js";
import type { AccessAnalyzerView, UnusedAccessView } from "./types.js";

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
    unused: data.unused ? unusedAccessView(data.unused, accounts) : null,
  };
}

const UNUSED_COLUMNS = {
  UnusedIAMRole: "roles",
  UnusedIAMUserAccessKey: "accessKeys",
  UnusedIAMUserPassword: "passwords",
  UnusedPermission: "permissions",
} as const;

/**
 * The organization unused-access analyzers' active findings: roles, user access keys and
 * passwords nobody used (standing credentials) and unused permissions, per type and per account.
 */
export function unusedAccessView(
  data: NonNullable<NonNullable<Snapshot["accessAnalyzer"]>["unused"]>,
  accounts: ReadonlyMap<string, SnapshotAccount>,
): UnusedAccessView {
  const byType = new Map<string, number>(Object.keys(UNUSED_COLUMNS).map((t) => [t, 0]));
  const byAccount = new Map<string, UnusedAccessView["byAccount"][number]>();
  for (const f of data.findings) {
    byType.set(f.findingType, (byType.get(f.findingType) ?? 0) + 1);
    const row = byAccount.get(f.accountId) ?? {
      accountId: f.accountId,
      name: accounts.get(f.accountId)?.name ?? null,
      findings: 0,
      roles: 0,
      accessKeys: 0,
      passwords: 0,
      permissions: 0,
    };
    row.findings++;
    const column = UNUSED_COLUMNS[f.findingType as keyof typeof UNUSED_COLUMNS];
    if (column) row[column]++;
    byAccount.set(f.accountId, row);
  }
  return {
    analyzers: data.analyzers ? data.analyzers.map((a) => ({ ...a })) : null,
    activeAnalyzerRegions: [...new Set((data.analyzers ?? []).filter((a) => a.status === "ACTIVE").map((a) => a.region))].sort(compare),
    findings: data.findings.length,
    byType: [...byType].map(([findingType, count]) => ({ findingType, count })).sort((a, b) => b.count - a.count || compare(a.findingType, b.findingType)),
    byAccount: [...byAccount.values()].sort((a, b) => b.findings - a.findings || compare(a.accountId, b.accountId)),
    resources: data.findings.map((f) => ({
      accountId: f.accountId,
      accountName: accounts.get(f.accountId)?.name ?? null,
      resourceType: f.resourceType,
      resource: f.resource,
      findingType: f.findingType,
      updatedAt: f.updatedAt ?? null,
    })),
  };
}
