import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { NonCompliantResource, NotReporting, Snapshot, SnapshotAccount, SourceStatus } from "../snapshot.js";
import {
  accessAnalyzerSnapshot,
  accessFinding,
  classify,
  classifySummary,
  inScope,
  isUnusedFinding,
  regionOfArn,
  unusedAccessSnapshot,
  unusedFinding,
  type FindingSummaryRow,
} from "./access-findings.js";
import { InputError, jsonPath, validate } from "./input-errors.js";
import {
  accountFromRow,
  activeAccountIds,
  CellMatrix,
  isoTime,
  resourceComplianceItemSchema,
  resourceFromEvaluation,
  resourcesFromComplianceItem,
  resourcesOfCells,
  securityHubFromFindings,
  silenceReason,
  silentRegions,
  sortAccounts,
  sortNotReporting,
  sortSources,
  sourceFromRow,
  statisticsFromGroupBy,
  type AccountRow,
  type ComplianceRow,
  type EvaluationRow,
  type FindingRow,
  type SourceStatusRow,
} from "./records.js";

/**
 * `--from-aws-cli DIR`: builds a snapshot from JSON files saved by the AWS CLI, so a
 * scorecard can be made where the tool cannot call AWS itself. Each file is recognized by
 * its top-level keys; any number of files of one kind (pages, regions, accounts) may be given:
 *
 * | top-level key                      | saved by                                                        |
 * |------------------------------------|-----------------------------------------------------------------|
 * | `AggregateComplianceByConfigRules` | aws configservice describe-aggregate-compliance-by-config-rules  |
 * | `AggregateEvaluationResults`       | aws configservice get-aggregate-compliance-details-by-config-rule |
 * | `AggregatedSourceStatusList`       | aws configservice describe-configuration-aggregator-sources-status |
 * | `Results` (+ `QueryInfo`)          | aws configservice select-aggregate-resource-config (on AWS::Config::ResourceCompliance) |
 * | `Accounts`                         | aws organizations list-accounts (or list-accounts-for-parent)   |
 * | `AccountOuPaths`                   | an OU map: `{"AccountOuPaths": {"<account id>": "/Workloads/Prod"}}` |
 * | `Roots`, `OrganizationalUnits`     | aws organizations list-roots / list-organizational-units-for-parent (accepted, not needed) |
 * | `Findings`                         | aws securityhub get-findings (Security Hub CSPM)                 |
 * | `GroupByResults`                   | aws securityhub get-finding-statistics-v2 (the new Security Hub; see README) |
 * | `analyzers`                        | aws accessanalyzer list-analyzers (one file per region; rows of type ORGANIZATION and ORGANIZATION_UNUSED_ACCESS are read) |
 * | `findings`                         | aws accessanalyzer list-findings-v2 (or list-findings, which also says isPublic), per analyzer; rows of findingType Unused* are the unused-access analyzer's |
 * | `findingDetails` (+ `id`)          | aws accessanalyzer get-finding-v2, per finding: public or outside the organization |
 *
 * The Organizations list outputs do not say which parent they were listed for, so OU paths
 * come from the `AccountOuPaths` file. One way to write it (walks the OUs from the root):
 *
 *   walk() { # parent-id path
 *     aws organizations list-accounts-for-parent --parent-id "$1" --query 'Accounts[].Id' --output text |
 *       tr '\t' '\n' | while read -r id; do [ -n "$id" ] && printf '"%s":"%s"\n' "$id" "${2:-/}"; done
 *     aws organizations list-organizational-units-for-parent --parent-id "$1" \
 *       --query 'OrganizationalUnits[].[Id,Name]' --output text |
 *       while read -r ou name; do [ -n "$ou" ] && walk "$ou" "$2/$name"; done
 *   }
 *   root=$(aws organizations list-roots --query 'Roots[0].Id' --output text)
 *   { echo '{"AccountOuPaths":{'; walk "$root" "" | paste -sd, -; echo '}}'; } > ou-paths.json
 */

const timestamp = z.union([z.string(), z.number()]);
const obj = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

const complianceRow = obj({
  ConfigRuleName: z.string(),
  AccountId: z.string(),
  AwsRegion: z.string(),
  Compliance: obj({
    ComplianceType: z.string().optional(),
    ComplianceContributorCount: obj({ CappedCount: z.number().optional(), CapExceeded: z.boolean().optional() }).optional(),
  }).optional(),
});

const evaluationRow = obj({
  EvaluationResultIdentifier: obj({
    EvaluationResultQualifier: obj({
      ConfigRuleName: z.string(),
      ResourceType: z.string().optional(),
      ResourceId: z.string(),
    }),
  }),
  ComplianceType: z.string(),
  ResultRecordedTime: timestamp.optional(),
  Annotation: z.string().optional(),
  AccountId: z.string(),
  AwsRegion: z.string(),
});

const sourceRow = obj({
  SourceId: z.string(),
  SourceType: z.string().optional(),
  AwsRegion: z.string().optional(),
  LastUpdateStatus: z.string().optional(),
  LastUpdateTime: timestamp.optional(),
  LastErrorCode: z.string().optional(),
  LastErrorMessage: z.string().optional(),
});

const accountRow = obj({
  Id: z.string(),
  Name: z.string().optional(),
  Email: z.string().optional(),
  State: z.string().optional(),
  Status: z.string().optional(),
});

const findingRow = obj({
  AwsAccountId: z.string(),
  Region: z.string().optional(),
  Title: z.string().optional(),
  Severity: obj({ Label: z.string().optional() }).optional(),
  Compliance: obj({ Status: z.string().optional(), SecurityControlId: z.string().optional() }).optional(),
  RecordState: z.string().optional(),
  Workflow: obj({ Status: z.string().optional() }).optional(),
  WorkflowState: z.string().optional(),
  ProductFields: z.record(z.string(), z.string()).optional(),
  Resources: z.array(obj({ Type: z.string().optional(), Id: z.string().optional() })).optional(),
  UpdatedAt: z.string().optional(),
});

const groupByResult = obj({
  GroupByField: z.string(),
  GroupByValues: z.array(obj({ FieldValue: z.string(), Count: z.number().int().nonnegative() })),
});

const analyzerRow = obj({ arn: z.string(), name: z.string(), type: z.string(), status: z.string() });

const analyzerFindingRow = obj({
  id: z.string(),
  resource: z.string().optional(),
  resourceType: z.string(),
  resourceOwnerAccount: z.string(),
  status: z.string(),
  findingType: z.string().optional(),
  updatedAt: timestamp.optional(),
  isPublic: z.boolean().optional(),
  principal: z.record(z.string(), z.string()).optional(),
  action: z.array(z.string()).optional(),
});

const externalAccessDetails = obj({
  isPublic: z.boolean().optional(),
  principal: z.record(z.string(), z.string()).optional(),
  action: z.array(z.string()).optional(),
});

/** get-finding-v2: the whole document, since the finding's id sits beside its details. */
const findingDetailsDoc = obj({ id: z.string(), findingDetails: z.array(obj({ externalAccessDetails: externalAccessDetails.optional() })) });

/** Export kinds, tried in order: the first whose key is present decides. */
const KINDS = [
  { key: "AggregateComplianceByConfigRules", schema: z.array(complianceRow) },
  { key: "AggregateEvaluationResults", schema: z.array(evaluationRow) },
  { key: "AggregatedSourceStatusList", schema: z.array(sourceRow) },
  { key: "Results", schema: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])) },
  { key: "Accounts", schema: z.array(accountRow) },
  { key: "AccountOuPaths", schema: z.record(z.string().regex(/^\d{12}$/, "an account id (12 digits)"), z.string()) },
  { key: "Roots", schema: z.array(z.unknown()) },
  { key: "OrganizationalUnits", schema: z.array(z.unknown()) },
  { key: "Findings", schema: z.array(findingRow) },
  { key: "GroupByResults", schema: z.array(groupByResult) },
  { key: "analyzers", schema: z.array(analyzerRow) },
  { key: "findings", schema: z.array(analyzerFindingRow) },
  { key: "findingDetails", schema: findingDetailsDoc, whole: true },
] as const;

type Kind = (typeof KINDS)[number]["key"];

interface Exports {
  compliance: ComplianceRow[];
  evaluations: EvaluationRow[];
  sources: SourceStatusRow[];
  queryResources: NonCompliantResource[];
  accounts: AccountRow[];
  ouPaths: Map<string, string>;
  findings: FindingRow[] | undefined;
  statistics: Array<z.infer<typeof groupByResult>> | undefined;
  analyzers: Array<z.infer<typeof analyzerRow>> | undefined;
  analyzerFindings: FindingSummaryRow[] | undefined;
  findingDetails: Map<string, z.infer<typeof findingDetailsDoc>["findingDetails"]>;
  files: string[];
}

export function collectFromAwsCli(dir: string): Snapshot {
  const exports = readExports(dir);
  if (exports.compliance.length === 0) {
    throw new Error(`${dir}: no rows from describe-aggregate-compliance-by-config-rules (top-level key AggregateComplianceByConfigRules) found`);
  }

  const sources = sortSources(exports.sources.map(sourceFromRow).filter((s): s is SourceStatus => s !== undefined));
  const accounts = sortAccounts(
    exports.accounts.map((row) => accountFromRow(row, exports.ouPaths.get(row.Id!))).filter((a): a is SnapshotAccount => a !== undefined),
  );

  const matrix = new CellMatrix();
  for (const row of exports.compliance) matrix.add(row);
  const regions = [...new Set([...matrix.cells().map((c) => c.region), ...sources.flatMap((s) => (s.region ? [s.region] : []))])].sort();
  // Exports are read whole or not at all, so whatever is missing from them is coverage, not a failed read.
  const notReporting: NotReporting[] = [
    ...silentRegions(regions, matrix, sources),
    ...matrix
      .silentPairs(activeAccountIds(accounts), regions)
      .map(({ accountId, region }) => ({ accountId, region, reason: silenceReason(sources, accountId, region) })),
  ];
  const cells = matrix.cells();

  const evaluated = exports.evaluations.map(resourceFromEvaluation).filter((r): r is NonCompliantResource => r !== undefined);
  const resources = resourcesOfCells(cells, [...exports.queryResources, ...evaluated]);

  const snapshot: Snapshot = {
    version: 1,
    collectedAt: dataTime(exports, sources),
    source: { kind: "aws-cli" },
    accounts,
    cells,
    resources,
    sources,
    notReporting: sortNotReporting(notReporting),
    gaps: [],
    apiCalls: 0,
  };
  if (exports.findings) snapshot.securityHub = securityHubFromFindings(exports.findings);
  if (exports.statistics) snapshot.securityHubV2 = { statistics: statisticsFromGroupBy(exports.statistics) };
  if (exports.analyzerFindings || exports.analyzers) snapshot.accessAnalyzer = accessAnalyzerFromExports(exports, regions);
  return snapshot;
}

/**
 * Findings classified by their own isPublic (list-findings) or their get-finding-v2 export;
 * the rest stay unclassified. Regions without an analyzer only when list-analyzers was saved.
 */
function accessAnalyzerFromExports(exports: Exports, regions: string[]): NonNullable<Snapshot["accessAnalyzer"]> {
  const findings = (exports.analyzerFindings ?? []).filter(inScope).map((row) => {
    const details = exports.findingDetails.get(row.id!);
    return accessFinding(row, classifySummary(row) ?? (details ? classify(details) : undefined));
  });
  const analyzers = (exports.analyzers ?? [])
    .filter((a) => a.type === "ORGANIZATION")
    .map((a) => ({ name: a.name, region: regionOfArn(a.arn), status: a.status }));
  const snapshot = accessAnalyzerSnapshot(analyzers, exports.analyzers ? regions : [], findings);
  const unused = unusedFromExports(exports);
  return unused ? { ...snapshot, unused } : snapshot;
}

/**
 * The unused-access analyzers and their findings, when the exports show that analyzer was listed
 * (a list-analyzers row of its type) or its findings were saved. A list-analyzers export saved with
 * `--type ORGANIZATION` cannot tell that there is none, so no row of the type means "not read", not
 * "none"; findings without such a row leave the analyzers unread.
 */
function unusedFromExports(exports: Exports): NonNullable<NonNullable<Snapshot["accessAnalyzer"]>["unused"]> | undefined {
  const analyzers = (exports.analyzers ?? [])
    .filter((a) => a.type === "ORGANIZATION_UNUSED_ACCESS")
    .map((a) => ({ name: a.name, region: regionOfArn(a.arn), status: a.status }));
  const findings = (exports.analyzerFindings ?? []).filter(isUnusedFinding).map(unusedFinding);
  if (analyzers.length === 0 && findings.length === 0) return undefined;
  return unusedAccessSnapshot(analyzers.length > 0 ? analyzers : undefined, findings);
}

/**
 * Reads and validates every file before using any: each problem is named by file and JSON
 * path, all of them in one error, and nothing is built from a directory with one.
 */
function readExports(dir: string): Exports {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch (err) {
    throw new Error(`${dir}: cannot read AWS CLI exports: ${(err as Error).message}`);
  }
  if (names.length === 0) throw new Error(`${dir}: no *.json AWS CLI exports found`);

  const exports: Exports = {
    compliance: [],
    evaluations: [],
    sources: [],
    queryResources: [],
    accounts: [],
    ouPaths: new Map(),
    findings: undefined,
    statistics: undefined,
    analyzers: undefined,
    analyzerFindings: undefined,
    findingDetails: new Map(),
    files: [],
  };
  const problems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    exports.files.push(file);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      problems.push(`${file}: invalid JSON: ${(err as Error).message}`);
      continue;
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      problems.push(`${file}: not an AWS CLI export: expected a JSON object with one of the keys ${KINDS.map((k) => k.key).join(", ")}`);
      continue;
    }
    const kind = KINDS.find((k) => k.key in data);
    if (!kind) {
      const keys = Object.keys(data);
      problems.push(
        `${file}: not a recognized AWS CLI export (top-level keys: ${keys.length ? keys.join(", ") : "none"}); expected one of ${KINDS.map((k) => k.key).join(", ")}`,
      );
      continue;
    }
    const whole = "whole" in kind && kind.whole;
    const result = validate(kind.schema, whole ? data : (data as Record<string, unknown>)[kind.key], file, whole ? [] : [kind.key]);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    addExport(exports, kind.key, result.value, file, problems);
  }
  if (problems.length > 0) throw new InputError(`${dir}: invalid AWS CLI exports`, problems);
  return exports;
}

function addExport(exports: Exports, kind: Kind, rows: unknown, file: string, problems: string[]): void {
  switch (kind) {
    case "AggregateComplianceByConfigRules":
      exports.compliance.push(...(rows as ComplianceRow[]));
      return;
    case "AggregateEvaluationResults":
      exports.evaluations.push(...(rows as EvaluationRow[]));
      return;
    case "AggregatedSourceStatusList":
      exports.sources.push(...(rows as SourceStatusRow[]));
      return;
    case "Results":
      // Each row is one configuration item as a JSON string (or already an object with --output json piping).
      (rows as Array<string | object>).forEach((row, i) => {
        let item: unknown = row;
        if (typeof row === "string") {
          try {
            item = JSON.parse(row);
          } catch (err) {
            problems.push(`${file}: ${jsonPath(["Results", i])}: not a JSON row: ${(err as Error).message}`);
            return;
          }
        }
        const result = validate(resourceComplianceItemSchema, item, file, ["Results", i]);
        if (result.ok) exports.queryResources.push(...resourcesFromComplianceItem(result.value));
        else problems.push(...result.problems);
      });
      return;
    case "Accounts":
      exports.accounts.push(...(rows as AccountRow[]));
      return;
    case "AccountOuPaths":
      for (const [accountId, path] of Object.entries(rows as Record<string, string>)) exports.ouPaths.set(accountId, path);
      return;
    case "Roots":
    case "OrganizationalUnits":
      return;
    case "Findings":
      (exports.findings ??= []).push(...(rows as FindingRow[]));
      return;
    case "GroupByResults":
      (exports.statistics ??= []).push(...(rows as Array<z.infer<typeof groupByResult>>));
      return;
    case "analyzers":
      (exports.analyzers ??= []).push(...(rows as Array<z.infer<typeof analyzerRow>>));
      return;
    case "findings":
      (exports.analyzerFindings ??= []).push(...(rows as FindingSummaryRow[]));
      return;
    case "findingDetails": {
      const doc = rows as z.infer<typeof findingDetailsDoc>;
      exports.findingDetails.set(doc.id, [...(exports.findingDetails.get(doc.id) ?? []), ...doc.findingDetails]);
      return;
    }
  }
}

/** The data's own time (newest source update, evaluation or finding), so the same exports give the same snapshot. */
function dataTime(exports: Exports, sources: SourceStatus[]): string {
  const times = [
    ...sources.map((s) => s.lastUpdate),
    ...exports.evaluations.map((e) => isoTime(e.ResultRecordedTime)),
    ...(exports.findings ?? []).map((f) => isoTime(f.UpdatedAt)),
  ].filter((t): t is string => t !== undefined);
  if (times.length > 0) return times.sort().at(-1)!;
  const newest = Math.max(...exports.files.map((f) => statSync(f).mtimeMs));
  return new Date(newest).toISOString();
}
