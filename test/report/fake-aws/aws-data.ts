import type { GenCell, GeneratedOrg } from "./org.js";

/**
 * The generated organization as AWS API records (the shapes the services return and the
 * AWS CLI saves), shared by the loopback server and the AWS CLI exporter so both describe
 * the same data. Timestamps are ISO strings here; the server sends epoch seconds.
 */

export interface Unreadable {
  /** Accounts whose aggregator source fails: no rows, FAILED source status. */
  accounts?: string[];
  /** Regions whose aggregator sources fail. */
  regions?: string[];
}

export function complianceRows(org: GeneratedOrg, unreadable: Unreadable = {}) {
  const skipAccounts = new Set(unreadable.accounts ?? []);
  const skipRegions = new Set(unreadable.regions ?? []);
  const rows = [];
  for (const cell of org.cells) {
    if (skipAccounts.has(cell.accountId) || skipRegions.has(cell.region)) continue;
    const count = cell.resources.length;
    rows.push({
      ConfigRuleName: cell.ruleName,
      AccountId: cell.accountId,
      AwsRegion: cell.region,
      Compliance: {
        ComplianceType: cell.status,
        ComplianceContributorCount: { CappedCount: Math.min(count, 100), CapExceeded: count > 100 },
      },
    });
    if (cell.duplicateRuleName) {
      rows.push({
        ConfigRuleName: cell.duplicateRuleName,
        AccountId: cell.accountId,
        AwsRegion: cell.region,
        Compliance: {
          ComplianceType: cell.status === "NON_COMPLIANT" ? "COMPLIANT" : cell.status,
          ComplianceContributorCount: { CappedCount: 0, CapExceeded: false },
        },
      });
    }
  }
  return rows;
}

export const cellKey = (ruleName: string, accountId: string, region: string) => `${ruleName}|${accountId}|${region}`;

/** Cells by every deployed rule name (a duplicated rule is found under both). */
export function cellsByDeployedName(org: GeneratedOrg): Map<string, { cell: GenCell; duplicate: boolean }> {
  const map = new Map<string, { cell: GenCell; duplicate: boolean }>();
  for (const cell of org.cells) {
    map.set(cellKey(cell.ruleName, cell.accountId, cell.region), { cell, duplicate: false });
    if (cell.duplicateRuleName) map.set(cellKey(cell.duplicateRuleName, cell.accountId, cell.region), { cell, duplicate: true });
  }
  return map;
}

/** GetAggregateComplianceDetailsByConfigRule results for one deployed rule in one account and region. */
export function evaluationRows(org: GeneratedOrg, entry: { cell: GenCell; duplicate: boolean }, complianceType?: string) {
  const { cell, duplicate } = entry;
  const ruleName = duplicate ? cell.duplicateRuleName! : cell.ruleName;
  const recorded = org.asOf;
  const row = (resourceType: string, resourceId: string, type: string, annotation?: string) => ({
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: ruleName, ResourceType: resourceType, ResourceId: resourceId },
      OrderingTimestamp: recorded,
    },
    ComplianceType: type,
    ResultRecordedTime: recorded,
    ConfigRuleInvokedTime: recorded,
    ...(annotation ? { Annotation: annotation } : {}),
    AccountId: cell.accountId,
    AwsRegion: cell.region,
  });
  const rows = [];
  if (!duplicate) for (const r of cell.resources) rows.push(row(r.resourceType, r.resourceId, "NON_COMPLIANT", r.annotation));
  const compliantType = cell.resources[0]?.resourceType ?? "AWS::::Account";
  for (let k = 0; k < cell.compliantResources; k++) rows.push(row(compliantType, `${cell.rule}-ok-${k}`, "COMPLIANT"));
  return complianceType ? rows.filter((r) => r.ComplianceType === complianceType) : rows;
}

/**
 * `AWS::Config::ResourceCompliance` items (one per non-compliant resource, listing every
 * rule it was evaluated by) for accounts that record that type.
 */
export function resourceComplianceItems(org: GeneratedOrg, unreadable: Unreadable = {}) {
  const skipAccounts = new Set(unreadable.accounts ?? []);
  const skipRegions = new Set(unreadable.regions ?? []);
  const recording = new Set(org.accounts.filter((a) => a.recordsResourceCompliance).map((a) => a.id));
  const items = new Map<
    string,
    { accountId: string; awsRegion: string; resourceType: string; resourceId: string; rules: Array<{ name: string; type: string }> }
  >();
  for (const cell of org.cells) {
    if (!recording.has(cell.accountId) || skipAccounts.has(cell.accountId) || skipRegions.has(cell.region)) continue;
    for (const r of cell.resources) {
      const key = `${cell.accountId}|${cell.region}|${r.resourceType}|${r.resourceId}`;
      if (!items.has(key))
        items.set(key, { accountId: cell.accountId, awsRegion: cell.region, resourceType: r.resourceType, resourceId: r.resourceId, rules: [] });
      items.get(key)!.rules.push({ name: cell.ruleName, type: "NON_COMPLIANT" });
      // A rule the resource passes is listed too: the collector must filter by rule and result.
      if (cell.duplicateRuleName) items.get(key)!.rules.push({ name: cell.duplicateRuleName, type: "COMPLIANT" });
    }
  }
  return [...items.values()].map((item) => ({
    accountId: item.accountId,
    awsRegion: item.awsRegion,
    resourceId: `${item.resourceType}/${item.resourceId}`,
    resourceName: `${item.resourceType}/${item.resourceId}`,
    configurationItemCaptureTime: org.asOf,
    configuration: {
      complianceType: "NON_COMPLIANT",
      configRuleList: item.rules.map((r) => ({
        configRuleName: r.name,
        configRuleArn: `arn:aws:config:${item.awsRegion}:${item.accountId}:config-rule/config-rule-${r.name.length}`,
        complianceType: r.type,
      })),
    },
  }));
}

export function sourceStatusRows(org: GeneratedOrg, unreadable: Unreadable = {}) {
  const failAccounts = new Set(unreadable.accounts ?? []);
  const failRegions = new Set(unreadable.regions ?? []);
  const rows: Array<{
    SourceId: string;
    SourceType: string;
    AwsRegion: string;
    LastUpdateStatus: string;
    LastUpdateTime: string;
    LastErrorCode?: string;
    LastErrorMessage?: string;
  }> = [];
  const asOf = Date.parse(org.asOf);
  org.accounts.forEach((account, i) => {
    if (account.status !== "ACTIVE") return;
    for (const region of org.regions) {
      const failed = failAccounts.has(account.id) || failRegions.has(region);
      rows.push({
        SourceId: account.id,
        SourceType: "ACCOUNT",
        AwsRegion: region,
        LastUpdateStatus: failed ? "FAILED" : i % 50 === 9 ? "OUTDATED" : "SUCCEEDED",
        LastUpdateTime: new Date(asOf - ((i * 7) % 180) * 60_000).toISOString(),
        ...(failed ? { LastErrorCode: "AccessDeniedException", LastErrorMessage: "The aggregator is not authorized to read this source" } : {}),
      });
    }
  });
  return rows;
}

export function accountRows(org: GeneratedOrg) {
  return org.accounts.map((a) => ({
    Id: a.id,
    Arn: `arn:aws:organizations::${org.accounts[0]!.id}:account/${org.organizationId}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    ...(a.state ? { State: a.state } : {}),
    JoinedMethod: "CREATED",
    JoinedTimestamp: "2024-01-15T09:00:00.000Z",
  }));
}

/**
 * The new Security Hub's GetFindingStatisticsV2 `GroupByResults` for the same organization:
 * its failed, active, unsuppressed control findings are the active (New) OCSF findings.
 */
export function findingStatisticsV2(
  org: GeneratedOrg,
  fields: readonly string[],
): Array<{ GroupByField: string; GroupByValues: Array<{ FieldValue: string; Count: number }> }> {
  const active = org.findings.filter((f) => f.Compliance.Status === "FAILED" && f.RecordState === "ACTIVE" && f.Workflow.Status !== "SUPPRESSED");
  const keys: Record<string, (f: (typeof active)[number]) => string> = { severity: (f) => f.Severity.Label, "cloud.account.uid": (f) => f.AwsAccountId };
  return fields.map((GroupByField) => {
    const counts = new Map<string, number>();
    for (const f of active) counts.set(keys[GroupByField]!(f), (counts.get(keys[GroupByField]!(f)) ?? 0) + 1);
    return { GroupByField, GroupByValues: [...counts].map(([FieldValue, Count]) => ({ FieldValue, Count })) };
  });
}
