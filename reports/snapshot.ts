import { z } from "zod";

/**
 * The normalized data a report is built from. Collectors (live AWS, AWS CLI
 * exports) produce it, `--save-snapshot` writes it, `--from-snapshot`, `--previous`
 * and `--history` read it, and the scorecard model is a pure function of it.
 * The schema is the one definition: the types below are inferred from it.
 */

const COMPLIANCE_TYPES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"] as const;
export type ComplianceType = (typeof COMPLIANCE_TYPES)[number];

/** A cell whose data could not be read is NO_DATA with a reason; it never counts as compliant. */
const cellStatusSchema = z.enum([...COMPLIANCE_TYPES, "NO_DATA"]);
export type CellStatus = z.infer<typeof cellStatusSchema>;

const accountSchema = z.object({
  accountId: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  /** OU path from the root, e.g. `/Workloads/Prod`; undefined when Organizations could not be read. */
  ou: z.string().optional(),
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE... (`State`, falling back to the retiring `Status`). */
  state: z.string().optional(),
});
export type SnapshotAccount = z.infer<typeof accountSchema>;

/** One (normalized rule, account, region). */
const cellSchema = z.object({
  /** Normalized: `OrgConfigRule-<rule>-<suffix>` and `<rule>-conformance-pack-<id>` become `<rule>`. */
  rule: z.string(),
  /** Rule name as AWS reported it in that account. */
  ruleName: z.string(),
  accountId: z.string(),
  region: z.string(),
  status: cellStatusSchema,
  /** Non-compliant resource count as Config reported it (capped at 100 by AWS). */
  nonCompliantResources: z.object({ count: z.number(), capExceeded: z.boolean() }).optional(),
  /** Why a cell is NO_DATA. */
  reason: z.string().optional(),
  /**
   * NON_COMPLIANT cells whose resources the `--max-detail-calls` bound left out (live): `not-read`
   * (no detail call made) or `partly-read` (the listing stopped at the bound). A choice, not a
   * failed read (those are gaps), and not AWS's cap of 100 (`capExceeded`).
   */
  detailLeftOut: z.enum(["not-read", "partly-read"]).optional(),
});
export type ComplianceCell = z.infer<typeof cellSchema>;

const resourceSchema = z.object({
  rule: z.string(),
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  annotation: z.string().optional(),
  recordedAt: z.string().optional(),
});
export type NonCompliantResource = z.infer<typeof resourceSchema>;

/** Freshness of one aggregator source (DescribeConfigurationAggregatorSourcesStatus). */
const sourceSchema = z.object({
  sourceId: z.string(),
  sourceType: z.string(),
  region: z.string().optional(),
  status: z.string(),
  lastUpdate: z.string().optional(),
  errorCode: z.string().optional(),
});
export type SourceStatus = z.infer<typeof sourceSchema>;

const securityHubControlSchema = z.object({
  controlId: z.string(),
  accountId: z.string(),
  /** A control fails if any active, non-suppressed finding for it failed. */
  status: z.enum(["PASSED", "FAILED"]),
  title: z.string().optional(),
  severity: z.string().optional(),
});
export type SecurityHubControl = z.infer<typeof securityHubControlSchema>;

const securityHubFindingSchema = z.object({
  controlId: z.string(),
  accountId: z.string(),
  region: z.string(),
  title: z.string(),
  severity: z.string(),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
});
export type SecurityHubFinding = z.infer<typeof securityHubFindingSchema>;

/** One GetFindingStatisticsV2 group-by result: finding counts per value of an OCSF field. */
const statisticSchema = z.object({
  field: z.string(),
  values: z.array(z.object({ value: z.string(), count: z.number().int().nonnegative() })),
});
export type FindingStatistic = z.infer<typeof statisticSchema>;

/**
 * One active IAM Access Analyzer external-access finding on a secret, key or role: the resource
 * is reachable from outside the organization (the analyzers' zone of trust).
 */
const accessFindingSchema = z.object({
  id: z.string(),
  /** The resource's owner account. */
  accountId: z.string(),
  /** From the resource ARN; empty for IAM roles, which are global. */
  region: z.string(),
  resourceType: z.string(),
  resource: z.string(),
  /**
   * public: anyone (isPublic); outside-organization: named principals outside the organization;
   * unclassified: the finding's details were not read (bounded, or the read failed).
   */
  access: z.enum(["public", "outside-organization", "unclassified"]),
  /** `AWS: 444455556666`, `Federated: cognito-identity.amazonaws.com`... as the finding names them. */
  principals: z.array(z.string()),
  actions: z.array(z.string()),
  updatedAt: z.string().optional(),
});
export type AccessFinding = z.infer<typeof accessFindingSchema>;

/** One active finding of an organization unused-access analyzer: a role, access key, password or permission nobody used. */
const unusedFindingSchema = z.object({
  id: z.string(),
  /** The resource's owner account. */
  accountId: z.string(),
  resource: z.string(),
  resourceType: z.string(),
  /** UnusedIAMRole, UnusedIAMUserAccessKey, UnusedIAMUserPassword or UnusedPermission. */
  findingType: z.string(),
  updatedAt: z.string().optional(),
});
export type UnusedAccessFinding = z.infer<typeof unusedFindingSchema>;

/** A call that failed (after retries), so the report can say what it could not read. */
const gapSchema = z.object({
  scope: z.enum(["cell", "account", "region", "rule", "organizations", "securityhub", "sources", "resources", "accessanalyzer"]),
  operation: z.string(),
  reason: z.string(),
  accountId: z.string().optional(),
  region: z.string().optional(),
  rule: z.string().optional(),
});
export type CollectionGap = z.infer<typeof gapSchema>;

/**
 * An account-region (or, without `accountId`, a whole region) the aggregator covers that has
 * no evaluations although every read succeeded: a coverage fact (Config not recording or not
 * deployed there, or its aggregator source failing), not a failed read.
 */
const notReportingSchema = z.object({
  accountId: z.string().optional(),
  region: z.string(),
  reason: z.string(),
});
export type NotReporting = z.infer<typeof notReportingSchema>;

export const snapshotSchema = z.object({
  version: z.literal(1),
  /** ISO 8601. */
  collectedAt: z.string(),
  source: z.object({
    kind: z.enum(["live", "aws-cli"]),
    aggregator: z.string().optional(),
    region: z.string().optional(),
  }),
  accounts: z.array(accountSchema),
  cells: z.array(cellSchema),
  resources: z.array(resourceSchema),
  sources: z.array(sourceSchema),
  /** Absent when Security Hub CSPM was not read (`--no-securityhub`). */
  securityHub: z.object({ controls: z.array(securityHubControlSchema), failedFindings: z.array(securityHubFindingSchema) }).optional(),
  /**
   * The new Security Hub's (OCSF) statistics of active findings (`--security-hub v2`): a second
   * source shown beside Security Hub CSPM, not part of any score.
   */
  securityHubV2: z.object({ statistics: z.array(statisticSchema) }).optional(),
  /**
   * IAM Access Analyzer: the organization external-access analyzers read, the regions that have
   * none, and their active findings on secrets, keys and roles. Absent when not read
   * (`--no-access-analyzer`, exports without its files, snapshots saved before it was read).
   */
  accessAnalyzer: z
    .object({
      analyzers: z.array(z.object({ name: z.string(), region: z.string(), status: z.string() })),
      regionsWithoutAnalyzer: z.array(z.string()),
      findings: z.array(accessFindingSchema),
      /**
       * The organization unused-access analyzers listed and their active findings. Absent when their
       * listing was not read (snapshots saved before it was, exports without an unused-access analyzer).
       */
      unused: z
        .object({
          /** Absent when only findings were exported: whether an analyzer is active was not read. */
          analyzers: z.array(z.object({ name: z.string(), region: z.string(), status: z.string() })).optional(),
          findings: z.array(unusedFindingSchema),
        })
        .optional(),
    })
    .optional(),
  /** Snapshots saved before coverage was told apart from failed reads have none. */
  notReporting: z.array(notReportingSchema).default([]),
  gaps: z.array(gapSchema),
  /**
   * The per-resource detail bound of a live collection (`--max-detail-calls`) and the detail
   * calls made under it; absent offline and in snapshots saved before the bound existed.
   */
  detailBound: z.object({ maxCalls: z.number().int().nonnegative(), calls: z.number().int().nonnegative() }).optional(),
  /** AWS API calls the collection made. */
  apiCalls: z.number().int().nonnegative(),
});
export type Snapshot = z.output<typeof snapshotSchema>;
