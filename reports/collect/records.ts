import type {
  CellStatus,
  CollectionGap,
  ComplianceCell,
  ComplianceType,
  FindingStatistic,
  NonCompliantResource,
  NotReporting,
  SecurityHubControl,
  SecurityHubFinding,
  SnapshotAccount,
  SourceStatus,
} from "../snapshot.js";
import { z } from "zod";
import { jsonPath } from "./input-errors.js";
import { normalizeRuleName } from "./normalize.js";

/**
 * AWS response records (as the SDK returns them or the AWS CLI saves them) turned into
 * snapshot parts. Both collectors share these, so live and offline give the same cells.
 * Field names follow the AWS API; timestamps arrive as Date (SDK), ISO string or epoch
 * seconds (AWS CLI, depending on its timestamp format).
 */

/**
 * Per-rule detail requests a live collection makes at most (`--max-detail-calls`): about nine
 * minutes at the 1.9 calls/s AWS's adaptive retry settles at under a steady throttle.
 */
export const DEFAULT_MAX_DETAIL_CALLS = 1000;

export type Timestamp = Date | string | number;

export interface ComplianceRow {
  ConfigRuleName?: string;
  AccountId?: string;
  AwsRegion?: string;
  Compliance?: {
    ComplianceType?: string;
    ComplianceContributorCount?: { CappedCount?: number; CapExceeded?: boolean };
  };
}

export interface EvaluationRow {
  EvaluationResultIdentifier?: {
    EvaluationResultQualifier?: { ConfigRuleName?: string; ResourceType?: string; ResourceId?: string };
  };
  ComplianceType?: string;
  ResultRecordedTime?: Timestamp;
  Annotation?: string;
  AccountId?: string;
  AwsRegion?: string;
}

export interface SourceStatusRow {
  SourceId?: string;
  SourceType?: string;
  AwsRegion?: string;
  LastUpdateStatus?: string;
  LastUpdateTime?: Timestamp;
  LastErrorCode?: string;
  LastErrorMessage?: string;
}

export interface AccountRow {
  Id?: string;
  Name?: string;
  Email?: string;
  State?: string;
  Status?: string;
}

export interface FindingRow {
  AwsAccountId?: string;
  Region?: string;
  Title?: string;
  Severity?: { Label?: string };
  Compliance?: { Status?: string; SecurityControlId?: string };
  RecordState?: string;
  Workflow?: { Status?: string };
  WorkflowState?: string;
  ProductFields?: Record<string, string>;
  Resources?: Array<{ Type?: string; Id?: string }>;
  UpdatedAt?: string;
}

const COMPLIANCE_TYPES: readonly ComplianceType[] = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"];

export function isoTime(value: Timestamp | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const cellKey = (rule: string, accountId: string, region: string) => `${accountId}\u0000${region}\u0000${rule}`;

/** When two deployed rules normalize to one cell, the worse result stands. */
const SEVERITY: Record<CellStatus, number> = { NO_DATA: 0, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 2, COMPLIANT: 3, NON_COMPLIANT: 4 };

/**
 * The rule x account x region matrix. Rows whose rule names normalize to the same rule
 * merge into one cell; the raw names stay available for per-resource follow-up calls.
 */
export class CellMatrix {
  private readonly byKey = new Map<string, { cell: ComplianceCell; nonCompliantNames: Set<string> }>();

  add(row: ComplianceRow): void {
    const ruleName = row.ConfigRuleName;
    const accountId = row.AccountId;
    const region = row.AwsRegion;
    if (!ruleName || !accountId || !region) return;
    const type = row.Compliance?.ComplianceType;
    const status: ComplianceType = (COMPLIANCE_TYPES as readonly string[]).includes(type ?? "") ? (type as ComplianceType) : "INSUFFICIENT_DATA";
    const rule = normalizeRuleName(ruleName);
    const cell: ComplianceCell = { rule, ruleName, accountId, region, status };
    const counted = row.Compliance?.ComplianceContributorCount;
    if (status === "NON_COMPLIANT" && counted?.CappedCount !== undefined) {
      cell.nonCompliantResources = { count: counted.CappedCount, capExceeded: counted.CapExceeded ?? false };
    }
    this.merge(cell);
  }

  /** A cell known only to be missing (NO_DATA); never replaces a real result. */
  addNoData(cell: ComplianceCell): void {
    this.merge(cell);
  }

  private merge(cell: ComplianceCell): void {
    const key = cellKey(cell.rule, cell.accountId, cell.region);
    const existing = this.byKey.get(key);
    if (!existing) {
      const nonCompliantNames = new Set<string>(cell.status === "NON_COMPLIANT" ? [cell.ruleName] : []);
      this.byKey.set(key, { cell, nonCompliantNames });
      return;
    }
    if (cell.status === "NON_COMPLIANT") {
      existing.nonCompliantNames.add(cell.ruleName);
      if (existing.cell.status === "NON_COMPLIANT" && existing.cell.nonCompliantResources && cell.nonCompliantResources) {
        const a = existing.cell.nonCompliantResources;
        const b = cell.nonCompliantResources;
        existing.cell.nonCompliantResources = { count: a.count + b.count, capExceeded: a.capExceeded || b.capExceeded };
        return;
      }
    }
    if (SEVERITY[cell.status] > SEVERITY[existing.cell.status]) existing.cell = cell;
  }

  has(rule: string, accountId: string, region: string): boolean {
    return this.byKey.has(cellKey(rule, accountId, region));
  }

  get size(): number {
    return this.byKey.size;
  }

  cells(): ComplianceCell[] {
    return [...this.byKey.values()].map((v) => v.cell).sort(compareCells);
  }

  /** NON_COMPLIANT cells with every raw rule name that reported them. */
  nonCompliant(): Array<{ cell: ComplianceCell; ruleNames: string[] }> {
    return [...this.byKey.values()]
      .filter((v) => v.cell.status === "NON_COMPLIANT")
      .map((v) => ({ cell: v.cell, ruleNames: [...v.nonCompliantNames].sort() }))
      .sort((a, b) => compareCells(a.cell, b.cell));
  }

  /** (account, region) pairs that have at least one cell. */
  reporting(): Set<string> {
    return new Set([...this.byKey.values()].map((v) => pairKey(v.cell.accountId, v.cell.region)));
  }

  /** Expected (account, region) pairs without a cell, in those of `regions` that have cells. */
  silentPairs(expectedAccounts: readonly string[], regions: readonly string[]): Array<{ accountId: string; region: string }> {
    const reporting = this.reporting();
    const reportingRegions = new Set([...this.byKey.values()].map((v) => v.cell.region));
    return regions
      .filter((region) => reportingRegions.has(region))
      .flatMap((region) => expectedAccounts.filter((accountId) => !reporting.has(pairKey(accountId, region))).map((accountId) => ({ accountId, region })));
  }

  /**
   * NO_DATA cells where a read failed, so the missing data is shown and never counted: the
   * region's rules for an (account, region) in a region that reported, every known rule in a
   * region whose read failed as a whole.
   */
  fillUnreadable(unreadable: ReadonlyArray<{ accountId: string; region: string; reason: string }>): void {
    const present = [...this.byKey.values()].map((v) => v.cell);
    const allRules = new Set(present.map((c) => c.rule));
    const rulesByRegion = new Map<string, Set<string>>();
    const ruleNameFor = new Map<string, string>();
    for (const c of present) {
      if (!rulesByRegion.has(c.region)) rulesByRegion.set(c.region, new Set());
      rulesByRegion.get(c.region)!.add(c.rule);
      ruleNameFor.set(`${c.accountId}\u0000${c.rule}`, c.ruleName);
    }
    for (const { accountId, region, reason } of unreadable) {
      for (const rule of rulesByRegion.get(region) ?? allRules) {
        if (this.has(rule, accountId, region)) continue;
        const ruleName = ruleNameFor.get(`${accountId}\u0000${rule}`) ?? rule;
        this.addNoData({ rule, ruleName, accountId, region, status: "NO_DATA", reason });
      }
    }
  }
}

/**
 * Per-rule detail reads, worst cells first, so a bound on them keeps what matters most: the
 * rule's catalog severity (rank 0 most severe), then Config's non-compliant count (a count AWS
 * capped first among equals), then rule, account and region by code point; a cell's AWS rule
 * names in code-point order.
 */
export function detailReadOrder(
  cells: ReadonlyArray<{ cell: ComplianceCell; ruleNames: readonly string[] }>,
  severityRank: (rule: string) => number,
): Array<{ cell: ComplianceCell; ruleName: string }> {
  const count = (c: ComplianceCell) => c.nonCompliantResources?.count ?? 0;
  const capped = (c: ComplianceCell) => (c.nonCompliantResources?.capExceeded ? 1 : 0);
  return [...cells]
    .sort(
      (a, b) =>
        severityRank(a.cell.rule) - severityRank(b.cell.rule) ||
        count(b.cell) - count(a.cell) ||
        capped(b.cell) - capped(a.cell) ||
        cmp(a.cell.rule, b.cell.rule) ||
        cmp(a.cell.accountId, b.cell.accountId) ||
        cmp(a.cell.region, b.cell.region),
    )
    .flatMap(({ cell, ruleNames }) => [...ruleNames].sort(cmp).map((ruleName) => ({ cell, ruleName })));
}

export const pairKey = (accountId: string, region: string) => `${accountId}\u0000${region}`;

export function compareCells(a: ComplianceCell, b: ComplianceCell): number {
  return cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.rule, b.rule);
}

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Per-resource evaluations (GetAggregateComplianceDetailsByConfigRule); NON_COMPLIANT ones only. */
export function resourceFromEvaluation(row: EvaluationRow): NonCompliantResource | undefined {
  const q = row.EvaluationResultIdentifier?.EvaluationResultQualifier;
  if (row.ComplianceType !== "NON_COMPLIANT" || !q?.ConfigRuleName || !q.ResourceId || !row.AccountId || !row.AwsRegion) return undefined;
  const resource: NonCompliantResource = {
    rule: normalizeRuleName(q.ConfigRuleName),
    accountId: row.AccountId,
    region: row.AwsRegion,
    resourceType: q.ResourceType ?? "",
    resourceId: q.ResourceId,
  };
  if (row.Annotation) resource.annotation = row.Annotation;
  const recordedAt = isoTime(row.ResultRecordedTime);
  if (recordedAt) resource.recordedAt = recordedAt;
  return resource;
}

/** The advanced query everyone runs for per-resource detail, one region at a time. */
export function resourceComplianceQuery(region?: string): string {
  const base =
    "SELECT accountId, awsRegion, resourceId, resourceName, configuration, configurationItemCaptureTime " +
    "WHERE resourceType = 'AWS::Config::ResourceCompliance' AND configuration.complianceType = 'NON_COMPLIANT'";
  return region ? `${base} AND awsRegion = '${region.replace(/'/g, "")}'` : base;
}

const timestamp = z.union([z.string(), z.number()]);

/**
 * One row of SelectAggregateResourceConfig over `AWS::Config::ResourceCompliance` (the query
 * above selects these fields); AWS returns it as a JSON string. Unknown fields pass.
 */
export const resourceComplianceItemSchema = z.looseObject({
  accountId: z.string(),
  awsRegion: z.string(),
  resourceId: z.string().optional(),
  resourceName: z.string().optional(),
  configurationItemCaptureTime: timestamp.optional(),
  configuration: z
    .looseObject({
      complianceType: z.string().optional(),
      targetResourceId: z.string().optional(),
      targetResourceType: z.string().optional(),
      resourceId: z.string().optional(),
      resourceType: z.string().optional(),
      configRuleList: z.array(z.looseObject({ configRuleName: z.string().optional(), complianceType: z.string().optional() })).optional(),
    })
    .optional(),
});
export type ResourceComplianceItem = z.infer<typeof resourceComplianceItemSchema>;

/** A row as SelectAggregateResourceConfig returns it (a JSON string), checked; throws naming the wrong field. */
export function parseComplianceItem(row: string): ResourceComplianceItem {
  const parsed = resourceComplianceItemSchema.safeParse(JSON.parse(row));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`unexpected AWS::Config::ResourceCompliance row: ${jsonPath(issue.path)}: ${issue.message}`);
}

/**
 * One `AWS::Config::ResourceCompliance` item (a JSON string from SelectAggregateResourceConfig)
 * gives every rule the resource breaks. Conditions on array elements do not pair up in the
 * query language, so the rule filter happens here.
 */
export function resourcesFromComplianceItem(row: ResourceComplianceItem): NonCompliantResource[] {
  const config = row.configuration;
  if (!row.accountId || !row.awsRegion || !config?.configRuleList) return [];
  // The compliance item is named `<ResourceType>/<ResourceId>` after the resource it describes.
  const name = row.resourceName ?? row.resourceId ?? "";
  const slash = name.startsWith("AWS::") ? name.indexOf("/") : -1;
  const resourceType = config.targetResourceType ?? config.resourceType ?? (slash > 0 ? name.slice(0, slash) : "");
  const resourceId = config.targetResourceId ?? config.resourceId ?? (slash > 0 ? name.slice(slash + 1) : name);
  if (!resourceId) return [];
  const recordedAt = isoTime(row.configurationItemCaptureTime);
  return config.configRuleList
    .filter((r) => r.complianceType === "NON_COMPLIANT" && r.configRuleName)
    .map((r) => {
      const resource: NonCompliantResource = {
        rule: normalizeRuleName(r.configRuleName!),
        accountId: row.accountId!,
        region: row.awsRegion!,
        resourceType,
        resourceId,
      };
      if (recordedAt) resource.recordedAt = recordedAt;
      return resource;
    });
}

const resourceKey = (r: NonCompliantResource) => `${cellKey(r.rule, r.accountId, r.region)}\u0000${r.resourceType}\u0000${r.resourceId}`;

/**
 * Keeps the resources of NON_COMPLIANT cells, one per (cell, resource), preferring the
 * record that carries an annotation, sorted.
 */
export function resourcesOfCells(cells: ComplianceCell[], resources: NonCompliantResource[]): NonCompliantResource[] {
  const nonCompliant = new Set(cells.filter((c) => c.status === "NON_COMPLIANT").map((c) => cellKey(c.rule, c.accountId, c.region)));
  const kept = new Map<string, NonCompliantResource>();
  for (const r of resources) {
    if (!nonCompliant.has(cellKey(r.rule, r.accountId, r.region))) continue;
    const key = resourceKey(r);
    const existing = kept.get(key);
    if (!existing || (!existing.annotation && r.annotation)) kept.set(key, r);
  }
  return [...kept.values()].sort(
    (a, b) =>
      cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.rule, b.rule) || cmp(a.resourceType, b.resourceType) || cmp(a.resourceId, b.resourceId),
  );
}

export function sourceFromRow(row: SourceStatusRow): SourceStatus | undefined {
  if (!row.SourceId) return undefined;
  const source: SourceStatus = { sourceId: row.SourceId, sourceType: row.SourceType ?? "ACCOUNT", status: row.LastUpdateStatus ?? "UNKNOWN" };
  if (row.AwsRegion) source.region = row.AwsRegion;
  const lastUpdate = isoTime(row.LastUpdateTime);
  if (lastUpdate) source.lastUpdate = lastUpdate;
  if (row.LastErrorCode) source.errorCode = row.LastErrorCode;
  return source;
}

export function sortSources(sources: SourceStatus[]): SourceStatus[] {
  return [...sources].sort((a, b) => cmp(a.sourceId, b.sourceId) || cmp(a.region, b.region));
}

/** Why an (account, region) the aggregator should cover sent no evaluations, from its source status. */
export function silenceReason(sources: SourceStatus[], accountId: string, region: string): string {
  const source = sources.find((s) => s.sourceId === accountId && s.region === region);
  if (source && source.status !== "SUCCEEDED") {
    return `no evaluations reported; aggregator source ${source.status}${source.errorCode ? ` (${source.errorCode})` : ""}`;
  }
  return "no evaluations reported by the aggregator for this account and region";
}

/**
 * Regions the aggregator should cover that sent no evaluations at all, with why as far as the
 * sources status tells (Config may simply not run there).
 */
export function silentRegions(regions: string[], matrix: CellMatrix, sources: SourceStatus[]): NotReporting[] {
  const reporting = new Set(matrix.cells().map((c) => c.region));
  return regions
    .filter((region) => !reporting.has(region))
    .map((region) => {
      const regional = sources.filter((s) => s.region === region);
      const failed = regional.filter((s) => s.status === "FAILED");
      const codes = [...new Set(failed.flatMap((s) => (s.errorCode ? [s.errorCode] : [])))].sort();
      const reason =
        regional.length > 0 && failed.length === regional.length
          ? `no evaluations reported; every aggregator source of the region FAILED${codes.length ? ` (${codes.join(", ")})` : ""}`
          : "no evaluations reported by the aggregator for this region";
      return { region, reason };
    });
}

/** Whole regions first, then by account and region. */
export function sortNotReporting(rows: NotReporting[]): NotReporting[] {
  return [...rows].sort((a, b) => (a.accountId ? 1 : 0) - (b.accountId ? 1 : 0) || cmp(a.accountId, b.accountId) || cmp(a.region, b.region));
}

export function accountFromRow(row: AccountRow, ou: string | undefined): SnapshotAccount | undefined {
  if (!row.Id) return undefined;
  const account: SnapshotAccount = { accountId: row.Id };
  if (row.Name !== undefined) account.name = row.Name;
  if (row.Email !== undefined) account.email = row.Email;
  if (ou !== undefined) account.ou = ou;
  // `Status` is being retired in favour of `State`.
  const state = row.State ?? row.Status;
  if (state !== undefined) account.state = state;
  return account;
}

export function sortAccounts(accounts: SnapshotAccount[]): SnapshotAccount[] {
  const unique = new Map<string, SnapshotAccount>();
  for (const a of accounts) unique.set(a.accountId, { ...unique.get(a.accountId), ...a });
  return [...unique.values()].sort((a, b) => cmp(a.accountId, b.accountId));
}

/** Accounts the aggregator should hear from: active ones (suspended or closing accounts send nothing). */
export function activeAccountIds(accounts: SnapshotAccount[]): string[] {
  return accounts.filter((a) => a.state === undefined || a.state === "ACTIVE").map((a) => a.accountId);
}

function controlIdOf(f: FindingRow): string | undefined {
  return f.Compliance?.SecurityControlId ?? f.ProductFields?.["ControlId"] ?? f.ProductFields?.["RuleId"];
}

/** Findings that count, as the console counts them: control results, active, not suppressed. */
export function countsForScore(f: FindingRow): boolean {
  const status = f.Compliance?.Status;
  if (status !== "PASSED" && status !== "FAILED") return false;
  if (f.RecordState !== undefined && f.RecordState !== "ACTIVE") return false;
  if ((f.Workflow?.Status ?? f.WorkflowState) === "SUPPRESSED") return false;
  return controlIdOf(f) !== undefined && f.AwsAccountId !== undefined;
}

/**
 * Per (control, account) status: a control fails if any active, non-suppressed finding
 * for it failed. Failed findings are kept for the report's "who fails what".
 */
export function securityHubFromFindings(findings: FindingRow[]): { controls: SecurityHubControl[]; failedFindings: SecurityHubFinding[] } {
  const controls = new Map<string, SecurityHubControl>();
  const failedFindings: SecurityHubFinding[] = [];
  for (const f of findings) {
    if (!countsForScore(f)) continue;
    const controlId = controlIdOf(f)!;
    const accountId = f.AwsAccountId!;
    const failed = f.Compliance!.Status === "FAILED";
    const key = `${controlId}\u0000${accountId}`;
    const control = controls.get(key);
    if (!control) {
      const entry: SecurityHubControl = { controlId, accountId, status: failed ? "FAILED" : "PASSED" };
      if (f.Title) entry.title = f.Title;
      if (f.Severity?.Label) entry.severity = f.Severity.Label;
      controls.set(key, entry);
    } else if (failed) {
      control.status = "FAILED";
    }
    if (failed) {
      const finding: SecurityHubFinding = {
        controlId,
        accountId,
        region: f.Region ?? "",
        title: f.Title ?? "",
        severity: f.Severity?.Label ?? "",
      };
      const resource = f.Resources?.[0];
      if (resource?.Type) finding.resourceType = resource.Type;
      if (resource?.Id) finding.resourceId = resource.Id;
      failedFindings.push(finding);
    }
  }
  return {
    controls: [...controls.values()].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.controlId, b.controlId)),
    failedFindings: failedFindings.sort(
      (a, b) => cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.controlId, b.controlId) || cmp(a.resourceId, b.resourceId),
    ),
  };
}

export function sortGaps(gaps: CollectionGap[]): CollectionGap[] {
  return [...gaps].sort(
    (a, b) => cmp(a.scope, b.scope) || cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.rule, b.rule) || cmp(a.operation, b.operation),
  );
}

/** GetFindingStatisticsV2 `GroupByResults` (SDK response or AWS CLI export) as snapshot statistics, largest counts first. */
export function statisticsFromGroupBy(
  results: ReadonlyArray<{ GroupByField?: string; GroupByValues?: Array<{ FieldValue?: string; Count?: number }> }>,
): FindingStatistic[] {
  const byField = new Map<string, Map<string, number>>();
  for (const r of results) {
    if (!r.GroupByField) continue;
    const values = byField.get(r.GroupByField) ?? new Map<string, number>();
    for (const v of r.GroupByValues ?? []) {
      if (v.FieldValue === undefined || v.Count === undefined) continue;
      values.set(v.FieldValue, (values.get(v.FieldValue) ?? 0) + v.Count);
    }
    byField.set(r.GroupByField, values);
  }
  return [...byField]
    .sort(([a], [b]) => cmp(a, b))
    .map(([field, values]) => ({
      field,
      values: [...values].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || cmp(a.value, b.value)),
    }));
}
