/**
 * The normalized data a report is built from. Collectors (live AWS, AWS CLI
 * exports) produce it, `--save-snapshot` writes it, `--from-snapshot` and
 * `--previous` read it, and the scorecard model is a pure function of it.
 */

export type ComplianceType = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE" | "INSUFFICIENT_DATA";

/** A cell whose data could not be read is NO_DATA with a reason; it never counts as compliant. */
export type CellStatus = ComplianceType | "NO_DATA";

export interface SnapshotAccount {
  accountId: string;
  name?: string;
  email?: string;
  /** OU path from the root, e.g. `/Workloads/Prod`; undefined when Organizations could not be read. */
  ou?: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE... (`State`, falling back to the retiring `Status`). */
  state?: string;
}

/** One (normalized rule, account, region). */
export interface ComplianceCell {
  /** Normalized: `OrgConfigRule-<rule>-<suffix>` and `<rule>-conformance-pack-<id>` become `<rule>`. */
  rule: string;
  /** Rule name as AWS reported it in that account. */
  ruleName: string;
  accountId: string;
  region: string;
  status: CellStatus;
  /** Non-compliant resource count as Config reported it (capped at 100 by AWS). */
  nonCompliantResources?: { count: number; capExceeded: boolean };
  /** Why a cell is NO_DATA. */
  reason?: string;
}

export interface NonCompliantResource {
  rule: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  annotation?: string;
  recordedAt?: string;
}

/** Freshness of one aggregator source (DescribeConfigurationAggregatorSourcesStatus). */
export interface SourceStatus {
  sourceId: string;
  sourceType: string;
  region?: string;
  status: string;
  lastUpdate?: string;
  errorCode?: string;
}

export interface SecurityHubControl {
  controlId: string;
  accountId: string;
  /** A control fails if any active, non-suppressed finding for it failed. */
  status: "PASSED" | "FAILED";
  title?: string;
  severity?: string;
}

export interface SecurityHubFinding {
  controlId: string;
  accountId: string;
  region: string;
  title: string;
  severity: string;
  resourceType?: string;
  resourceId?: string;
}

/** Something the collector could not read, so the report can say so. */
export interface CollectionGap {
  scope: "cell" | "account" | "region" | "rule" | "organizations" | "securityhub" | "sources" | "resources";
  operation: string;
  reason: string;
  accountId?: string;
  region?: string;
  rule?: string;
}

export interface Snapshot {
  version: 1;
  /** ISO 8601. */
  collectedAt: string;
  source: { kind: "live" | "aws-cli"; aggregator?: string; region?: string };
  accounts: SnapshotAccount[];
  cells: ComplianceCell[];
  resources: NonCompliantResource[];
  sources: SourceStatus[];
  /** Absent when Security Hub was not read (`--no-securityhub`). */
  securityHub?: { controls: SecurityHubControl[]; failedFindings: SecurityHubFinding[] };
  gaps: CollectionGap[];
  /** AWS API calls the collection made. */
  apiCalls: number;
}
