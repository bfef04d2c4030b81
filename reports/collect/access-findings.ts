import type { AccessFinding, Snapshot, UnusedAccessFinding } from "../snapshot.js";
import { compare } from "../model/cells.js";
import { isoTime, type Timestamp } from "./records.js";

/**
 * IAM Access Analyzer findings as the report keeps them, from the SDK (ListFindingsV2 and
 * GetFindingV2) and from the AWS CLI's exports alike. Pure: the collectors do the reading.
 */

/** The resources the report reads findings for: secrets, keys and roles. */
export const ACCESS_RESOURCE_TYPES = ["AWS::IAM::Role", "AWS::KMS::Key", "AWS::SecretsManager::Secret"] as const;

/** GetFindingV2 calls at most per collection; findings beyond stay `unclassified` (counted, shown). */
export const MAX_FINDING_DETAILS = 1000;

/** A ListFindingsV2 summary, or a ListFindings (v1) one, which also carries isPublic and the principal. */
export interface FindingSummaryRow {
  id?: string;
  resource?: string;
  resourceType?: string;
  resourceOwnerAccount?: string;
  status?: string;
  findingType?: string;
  updatedAt?: Timestamp;
  isPublic?: boolean;
  principal?: Record<string, string>;
  action?: string[];
}

/** GetFindingV2's `findingDetails`: external-access entries say whether the access is public and to whom. */
export interface FindingDetailsRow {
  externalAccessDetails?: { isPublic?: boolean; principal?: Record<string, string>; action?: string[] };
}

export interface Classification {
  access: AccessFinding["access"];
  principals: string[];
  actions: string[];
}

const principalsOf = (principal: Record<string, string> | undefined) =>
  Object.entries(principal ?? {})
    .map(([kind, value]) => `${kind}: ${value}`)
    .sort();

/** Public when any external-access entry is public; otherwise shared with principals outside the organization. */
export function classify(details: readonly FindingDetailsRow[]): Classification {
  const external = details.flatMap((d) => (d.externalAccessDetails ? [d.externalAccessDetails] : []));
  return {
    access: external.some((e) => e.isPublic === true) ? "public" : "outside-organization",
    principals: [...new Set(external.flatMap((e) => principalsOf(e.principal)))].sort(),
    actions: [...new Set(external.flatMap((e) => e.action ?? []))].sort(),
  };
}

/** What a v1 summary says by itself (isPublic present), or undefined when only GetFindingV2 can tell. */
export function classifySummary(row: FindingSummaryRow): Classification | undefined {
  if (typeof row.isPublic !== "boolean") return undefined;
  return classify([{ externalAccessDetails: { isPublic: row.isPublic, principal: row.principal, action: row.action } }]);
}

/** Active external-access findings on a secret, key or role; anything else is not in the report's scope. */
export function inScope(row: FindingSummaryRow): boolean {
  return (
    row.status === "ACTIVE" &&
    (row.findingType === undefined || row.findingType === "ExternalAccess") &&
    (ACCESS_RESOURCE_TYPES as readonly string[]).includes(row.resourceType ?? "") &&
    typeof row.id === "string" &&
    typeof row.resource === "string" &&
    typeof row.resourceOwnerAccount === "string"
  );
}

/** `arn:aws:kms:eu-west-1:…` → eu-west-1; IAM ARNs have no region (global). */
export function regionOfArn(arn: string): string {
  return arn.split(":")[3] ?? "";
}

export function accessFinding(row: FindingSummaryRow, classification: Classification | undefined): AccessFinding {
  const updatedAt = isoTime(row.updatedAt);
  return {
    id: row.id!,
    accountId: row.resourceOwnerAccount!,
    region: regionOfArn(row.resource!),
    resourceType: row.resourceType!,
    resource: row.resource!,
    access: classification?.access ?? "unclassified",
    principals: classification?.principals ?? [],
    actions: classification?.actions ?? [],
    ...(updatedAt ? { updatedAt } : {}),
  };
}

const rank = { public: 0, "outside-organization": 1, unclassified: 2 } as const;

/**
 * One finding per resource, access and principals (an organization analyzer in each region
 * reports a global role again), public first, then by account and resource.
 */
export function sortAccessFindings(findings: readonly AccessFinding[]): AccessFinding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      rank[a.access] - rank[b.access] ||
      compare(a.accountId, b.accountId) ||
      compare(a.resource, b.resource) ||
      compare(a.principals.join(), b.principals.join()) ||
      compare(a.id, b.id),
  );
  const seen = new Set<string>();
  return sorted.filter((f) => {
    const key = [f.accountId, f.resource, f.access, ...f.principals].join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function accessAnalyzerSnapshot(
  analyzers: Array<{ name: string; region: string; status: string }>,
  regions: readonly string[],
  findings: readonly AccessFinding[],
): NonNullable<Snapshot["accessAnalyzer"]> {
  const sortedAnalyzers = [...analyzers].sort((a, b) => compare(a.region, b.region) || compare(a.name, b.name));
  const covered = new Set(sortedAnalyzers.filter((a) => a.status === "ACTIVE").map((a) => a.region));
  return {
    analyzers: sortedAnalyzers,
    regionsWithoutAnalyzer: [...new Set(regions)].filter((r) => !covered.has(r)).sort(compare),
    findings: sortAccessFindings(findings),
  };
}

/** What an organization unused-access analyzer reports: standing credentials and permissions nobody used. */
export const UNUSED_FINDING_TYPES = ["UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword", "UnusedPermission"] as const;

/** Active unused-access findings with what the report names them by; anything else is not one. */
export function isUnusedFinding(row: FindingSummaryRow): boolean {
  return (
    row.status === "ACTIVE" &&
    (UNUSED_FINDING_TYPES as readonly string[]).includes(row.findingType ?? "") &&
    typeof row.id === "string" &&
    typeof row.resource === "string" &&
    typeof row.resourceOwnerAccount === "string"
  );
}

export function unusedFinding(row: FindingSummaryRow): UnusedAccessFinding {
  const updatedAt = isoTime(row.updatedAt);
  return {
    id: row.id!,
    accountId: row.resourceOwnerAccount!,
    resource: row.resource!,
    resourceType: row.resourceType ?? "",
    findingType: row.findingType!,
    ...(updatedAt ? { updatedAt } : {}),
  };
}

/**
 * Analyzers by region and name; findings by account, resource and type, each once (IAM is global:
 * unused-access analyzers in two regions report the same role).
 */
export function unusedAccessSnapshot(
  analyzers: ReadonlyArray<{ name: string; region: string; status: string }> | undefined,
  findings: readonly UnusedAccessFinding[],
): NonNullable<NonNullable<Snapshot["accessAnalyzer"]>["unused"]> {
  const sorted = [...findings].sort(
    (a, b) => compare(a.accountId, b.accountId) || compare(a.resource, b.resource) || compare(a.findingType, b.findingType) || compare(a.id, b.id),
  );
  const seen = new Set<string>();
  return {
    ...(analyzers ? { analyzers: [...analyzers].sort((a, b) => compare(a.region, b.region) || compare(a.name, b.name)) } : {}),
    findings: sorted.filter((f) => {
      const key = [f.accountId, f.resource, f.findingType].join("\u0000");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
}
