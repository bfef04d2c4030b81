import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  SelectAggregateResourceConfigCommand,
} from "@aws-sdk/client-config-service";
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetFindingsCommand, GetFindingStatisticsV2Command, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import pLimit from "p-limit";
import { controlInfo, severityRank } from "../model/control-info.js";
import type { CollectionGap, ComplianceCell, FindingStatistic, NonCompliantResource, Snapshot, SnapshotAccount, SourceStatus } from "../snapshot.js";
import { readAccessAnalyzer } from "./access-analyzer-live.js";
import { noProgress, type Progress } from "./progress.js";
import {
  accountFromRow,
  activeAccountIds,
  CellMatrix,
  DEFAULT_MAX_DETAIL_CALLS,
  detailReadOrder,
  pairKey,
  parseComplianceItem,
  resourceComplianceQuery,
  resourceFromEvaluation,
  resourcesFromComplianceItem,
  resourcesOfCells,
  securityHubFromFindings,
  silenceReason,
  silentRegions,
  sortAccounts,
  sortGaps,
  sortNotReporting,
  sortSources,
  sourceFromRow,
  statisticsFromGroupBy,
  type FindingRow,
} from "./records.js";

export interface LiveOptions {
  aggregator: string;
  /** Region of the aggregator (and the Security Hub CSPM home region). */
  region: string;
  profile?: string;
  /** Applied to the Config, Organizations and Security Hub CSPM clients alike. */
  endpointUrl?: string;
  securityHub: boolean;
  /** Also read the new Security Hub's finding statistics (GetFindingStatisticsV2), a second source. */
  securityHubV2?: boolean;
  /** Also read IAM Access Analyzer's organization findings on secrets, keys and roles, in every region collected. */
  accessAnalyzer?: boolean;
  /** GetFindingV2 calls at most (default MAX_FINDING_DETAILS); the findings beyond stay unclassified. */
  maxFindingDetails?: number;
  /** Requests in flight at once (`--max-concurrency`, default 8); the SDK's adaptive retry slows down further when throttled. */
  concurrency?: number;
  progress?: Progress;
  /** Attempts per call, retries included. */
  maxAttempts?: number;
  /**
   * Per-rule detail requests at most (`--max-detail-calls`, default DEFAULT_MAX_DETAIL_CALLS; 0: resources
   * from the advanced query only). The matrix carries the counts, so scores do not depend on it.
   */
  maxDetailCalls?: number;
}

/**
 * Reads the compliance of a whole organization through a Config aggregator with few calls:
 * the rule x account x region matrix a thousand rows a page (one paging chain per region),
 * per-resource detail only for NON_COMPLIANT cells (one advanced query per region, then
 * per-cell detail calls where the query sees nothing), freshness from the sources status,
 * names and OUs by walking Organizations from the root, and Security Hub CSPM control results.
 * A call that fails after retries becomes a gap and NO_DATA cells with its reason; an account
 * or region that sends nothing although every read succeeded is listed as not reporting.
 */
export async function collectLive(options: LiveOptions): Promise<Snapshot> {
  const progress = options.progress ?? noProgress;
  const limit = pLimit(options.concurrency ?? 8);
  let apiCalls = 0;
  const clientConfig = {
    region: options.region,
    retryMode: "adaptive",
    maxAttempts: options.maxAttempts ?? 10,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  };
  const configService = new ConfigServiceClient(clientConfig);
  const organizations = new OrganizationsClient(clientConfig);
  const securityHub = new SecurityHubClient(clientConfig);
  const countCalls = (client: { middlewareStack: ConfigServiceClient["middlewareStack"] }) =>
    // The deserialize step runs once per attempt, inside the retry loop: retries are counted too.
    client.middlewareStack.add(
      (next) => (args) => {
        apiCalls++;
        progress.apiCall();
        return next(args);
      },
      { step: "deserialize", name: "countApiCalls" },
    );
  for (const client of [configService, organizations, securityHub]) countCalls(client);
  // Access Analyzer is regional: one client per region, created when first needed.
  const analyzerClients = new Map<string, AccessAnalyzerClient>();
  const analyzerClient = (region: string) => {
    let client = analyzerClients.get(region);
    if (!client) {
      client = new AccessAnalyzerClient({ ...clientConfig, region });
      countCalls(client as unknown as { middlewareStack: ConfigServiceClient["middlewareStack"] });
      analyzerClients.set(region, client);
    }
    return client;
  };
  const gaps: CollectionGap[] = [];
  const aggregator = options.aggregator;

  try {
    // Every request runs in a slot of `limit` (a paging chain holds one), so --max-concurrency bounds them all.
    const securityHubRead = options.securityHub ? limit(() => readSecurityHub(securityHub, gaps)) : Promise.resolve(undefined);
    const securityHubV2Read = options.securityHubV2 ? limit(() => readSecurityHubV2(securityHub, gaps)) : Promise.resolve(undefined);

    progress.phase("organizations and aggregator sources", 3);
    const [accounts, sources, aggregatedRegions] = await Promise.all([
      walkOrganization(organizations, limit, gaps).finally(() => progress.advance()),
      limit(() => readSources(configService, aggregator, gaps)).finally(() => progress.advance()),
      limit(() => readAggregatedRegions(configService, aggregator)).finally(() => progress.advance()),
    ]);

    const matrix = new CellMatrix();
    const failedRegions = new Map<string, string>();
    // One paging chain per region when the aggregator names its regions; one chain for all otherwise.
    const chains = aggregatedRegions ?? [undefined];
    progress.phase("compliance matrix", chains.length);
    const outcomes = await Promise.all(
      chains.map((region) =>
        limit(async () => {
          try {
            await eachPage(
              (token) =>
                configService.send(
                  new DescribeAggregateComplianceByConfigRulesCommand({
                    ConfigurationAggregatorName: aggregator,
                    ...(region ? { Filters: { AwsRegion: region } } : {}),
                    Limit: 1000,
                    NextToken: token,
                  }),
                ),
              (page) => {
                for (const row of page.AggregateComplianceByConfigRules ?? []) matrix.add(row);
                return page.NextToken;
              },
            );
            return undefined;
          } catch (err) {
            const reason = reasonOf(err);
            if (region) {
              failedRegions.set(region, reason);
              gaps.push({ scope: "region", operation: "DescribeAggregateComplianceByConfigRules", reason, region });
            }
            return reason;
          } finally {
            progress.advance();
          }
        }),
      ),
    );
    if (outcomes.every((o) => o !== undefined)) {
      throw new Error(`cannot read the compliance of aggregator ${aggregator} in ${options.region}: ${outcomes[0]}`);
    }

    const regions = [
      ...new Set([...(aggregatedRegions ?? []), ...sources.flatMap((s) => (s.region ? [s.region] : [])), ...matrix.cells().map((c) => c.region)]),
    ].sort();
    // Regions and account-regions that sent nothing although the reads succeeded are coverage facts.
    const notReporting = silentRegions(regions, matrix, sources).filter((r) => !failedRegions.has(r.region));
    const expected = accounts.length > 0 ? activeAccountIds(accounts) : [...new Set(sources.filter((s) => s.sourceType === "ACCOUNT").map((s) => s.sourceId))];
    const accountFailures = await recheckSilentAccounts(configService, aggregator, matrix, expected, regions, failedRegions, limit, progress, gaps);
    const unreadable = [...failedRegions].flatMap(([region, reason]) => expected.map((accountId) => ({ accountId, region, reason })));
    for (const pair of matrix.silentPairs(
      expected,
      regions.filter((r) => !failedRegions.has(r)),
    )) {
      const failure = accountFailures.get(pair.accountId);
      if (failure) unreadable.push({ ...pair, reason: failure });
      else notReporting.push({ ...pair, reason: silenceReason(sources, pair.accountId, pair.region) });
    }
    matrix.fillUnreadable(unreadable);

    const maxDetailCalls = options.maxDetailCalls ?? DEFAULT_MAX_DETAIL_CALLS;
    const detail = await readNonCompliantResources(configService, aggregator, matrix, limit, maxDetailCalls, progress, gaps);
    const cells = matrix.cells().map((cell) => {
      const leftOut = detail.leftOut.get(cell);
      return leftOut ? { ...cell, detailLeftOut: leftOut } : cell;
    });

    // After the Config reads, so the progress phases follow one another.
    const accessAnalyzer = options.accessAnalyzer
      ? await readAccessAnalyzer({
          clientFor: analyzerClient,
          regions: regions.length > 0 ? regions : [options.region],
          limit,
          progress,
          gaps,
          eachPage,
          reasonOf,
          maxDetails: options.maxFindingDetails,
        })
      : undefined;
    const snapshot: Snapshot = {
      version: 1,
      collectedAt: new Date().toISOString(),
      source: { kind: "live", aggregator, region: options.region },
      accounts,
      cells,
      resources: resourcesOfCells(cells, detail.resources),
      sources,
      notReporting: sortNotReporting(notReporting),
      gaps: [],
      detailBound: { maxCalls: maxDetailCalls, calls: detail.calls },
      apiCalls: 0,
    };
    const hub = await securityHubRead;
    if (hub) snapshot.securityHub = hub;
    const statistics = await securityHubV2Read;
    if (statistics) snapshot.securityHubV2 = { statistics };
    if (accessAnalyzer) snapshot.accessAnalyzer = accessAnalyzer;
    snapshot.gaps = sortGaps(gaps);
    snapshot.apiCalls = apiCalls;
    progress.finish(`${cells.length} cells, ${snapshot.resources.length} non-compliant resources, ${snapshot.gaps.length} gaps; ${apiCalls} API calls`);
    return snapshot;
  } finally {
    configService.destroy();
    organizations.destroy();
    securityHub.destroy();
    for (const client of analyzerClients.values()) client.destroy();
  }
}

type Limit = ReturnType<typeof pLimit>;

/** Pages until the token is absent: AWS may return an empty page that still carries a token. */
async function eachPage<P>(fetch: (token: string | undefined) => Promise<P>, take: (page: P) => string | undefined): Promise<void> {
  let token: string | undefined;
  do {
    const previous = token;
    token = take(await fetch(token)) || undefined;
    if (token !== undefined && token === previous) throw new Error("paging did not advance (the same NextToken came back)");
  } while (token !== undefined);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const attempts = (err as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  return `${err.name}: ${err.message}${attempts && attempts > 1 ? ` (after ${attempts} attempts)` : ""}`;
}

/** Account names and OU paths, walking the OUs from the root (no ListParents per account). */
async function walkOrganization(client: OrganizationsClient, limit: Limit, gaps: CollectionGap[]): Promise<SnapshotAccount[]> {
  const accounts: SnapshotAccount[] = [];
  const failed = (operation: string, err: unknown) => gaps.push({ scope: "organizations", operation, reason: reasonOf(err) });
  let roots: string[] = [];
  try {
    await eachPage(
      (token) => limit(() => client.send(new ListRootsCommand({ NextToken: token }))),
      (page) => {
        roots.push(...(page.Roots ?? []).flatMap((r) => (r.Id ? [r.Id] : [])));
        return page.NextToken;
      },
    );
  } catch (err) {
    failed("ListRoots", err);
    roots = [];
  }
  const visit = async (parentId: string, path: string): Promise<void> => {
    const children: Array<{ id: string; name: string }> = [];
    await Promise.all([
      limit(() =>
        eachPage(
          (token) => client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: token })),
          (page) => {
            for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) children.push({ id: ou.Id, name: ou.Name ?? ou.Id });
            return page.NextToken;
          },
        ),
      ).catch((err: unknown) => failed(`ListOrganizationalUnitsForParent ${parentId}`, err)),
      limit(() =>
        eachPage(
          (token) => client.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken: token })),
          (page) => {
            for (const row of page.Accounts ?? []) {
              const account = accountFromRow(row, path || "/");
              if (account) accounts.push(account);
            }
            return page.NextToken;
          },
        ),
      ).catch((err: unknown) => failed(`ListAccountsForParent ${parentId}`, err)),
    ]);
    await Promise.all(children.map((child) => visit(child.id, `${path}/${child.name}`)));
  };
  await Promise.all(roots.map((root) => visit(root, "")));
  return sortAccounts(accounts);
}

/**
 * The regions the aggregator collects, from its definition; undefined when it collects all
 * regions (or the definition cannot be read): then the matrix is read in one chain, since a
 * region-filtered read of a region nobody listed would silently miss its rows.
 */
async function readAggregatedRegions(client: ConfigServiceClient, aggregator: string): Promise<string[] | undefined> {
  try {
    const { ConfigurationAggregators } = await client.send(new DescribeConfigurationAggregatorsCommand({ ConfigurationAggregatorNames: [aggregator] }));
    const definition = ConfigurationAggregators?.[0];
    if (!definition) return undefined;
    const sources = [
      ...(definition.OrganizationAggregationSource ? [definition.OrganizationAggregationSource] : []),
      ...(definition.AccountAggregationSources ?? []),
    ];
    if (sources.length === 0 || sources.some((s) => s.AllAwsRegions || !s.AwsRegions?.length)) return undefined;
    return [...new Set(sources.flatMap((s) => s.AwsRegions ?? []))].sort();
  } catch {
    // The matrix read that follows reports the same problem (e.g. no such aggregator) with its reason.
    return undefined;
  }
}

async function readSources(client: ConfigServiceClient, aggregator: string, gaps: CollectionGap[]): Promise<SourceStatus[]> {
  const sources: SourceStatus[] = [];
  try {
    await eachPage(
      (token) =>
        client.send(new DescribeConfigurationAggregatorSourcesStatusCommand({ ConfigurationAggregatorName: aggregator, Limit: 100, NextToken: token })),
      (page) => {
        for (const row of page.AggregatedSourceStatusList ?? []) {
          const source = sourceFromRow(row);
          if (source) sources.push(source);
        }
        return page.NextToken;
      },
    );
  } catch (err) {
    gaps.push({ scope: "sources", operation: "DescribeConfigurationAggregatorSourcesStatus", reason: reasonOf(err) });
  }
  return sortSources(sources);
}

/**
 * Accounts that should report but sent nothing in a region that did report get one
 * account-filtered call: it either finds their rows or fails with the reason to show.
 */
async function recheckSilentAccounts(
  client: ConfigServiceClient,
  aggregator: string,
  matrix: CellMatrix,
  expected: string[],
  regions: string[],
  failedRegions: Map<string, string>,
  limit: Limit,
  progress: Progress,
  gaps: CollectionGap[],
): Promise<Map<string, string>> {
  const reporting = matrix.reporting();
  const reportingRegions = new Set([...reporting].map((k) => k.split("\u0000")[1]!));
  const silent = expected.filter((accountId) =>
    regions.some((region) => !failedRegions.has(region) && reportingRegions.has(region) && !reporting.has(pairKey(accountId, region))),
  );
  const failures = new Map<string, string>();
  if (silent.length === 0) return failures;
  progress.phase("accounts without results", silent.length);
  await Promise.all(
    silent.map((accountId) =>
      limit(async () => {
        try {
          await eachPage(
            (token) =>
              client.send(
                new DescribeAggregateComplianceByConfigRulesCommand({
                  ConfigurationAggregatorName: aggregator,
                  Filters: { AccountId: accountId },
                  Limit: 1000,
                  NextToken: token,
                }),
              ),
            (page) => {
              for (const row of page.AggregateComplianceByConfigRules ?? []) {
                if (!row.AwsRegion || !failedRegions.has(row.AwsRegion)) matrix.add(row);
              }
              return page.NextToken;
            },
          );
        } catch (err) {
          const reason = reasonOf(err);
          failures.set(accountId, reason);
          gaps.push({ scope: "account", operation: "DescribeAggregateComplianceByConfigRules", reason, accountId });
        } finally {
          progress.advance();
        }
      }),
    ),
  );
  return failures;
}

type DetailLeftOut = NonNullable<ComplianceCell["detailLeftOut"]>;

interface DetailRead {
  resources: NonCompliantResource[];
  /** GetAggregateComplianceDetailsByConfigRule requests made (pages included, retries not). */
  calls: number;
  /** NON_COMPLIANT cells whose detail the bound left out. */
  leftOut: Map<ComplianceCell, DetailLeftOut>;
}

/**
 * Non-compliant resources: the advanced query on AWS::Config::ResourceCompliance per region
 * (rules filtered in code), then per-rule detail calls for NON_COMPLIANT cells it did not
 * cover (accounts that do not record that resource type), at most `maxCalls` of them, worst
 * cells first: in a large organization they are most of the calls.
 */
async function readNonCompliantResources(
  client: ConfigServiceClient,
  aggregator: string,
  matrix: CellMatrix,
  limit: Limit,
  maxCalls: number,
  progress: Progress,
  gaps: CollectionGap[],
): Promise<DetailRead> {
  const nonCompliant = matrix.nonCompliant();
  if (nonCompliant.length === 0) return { resources: [], calls: 0, leftOut: new Map() };
  const resources: NonCompliantResource[] = [];
  const regions = [...new Set(nonCompliant.map((n) => n.cell.region))].sort();
  progress.phase("non-compliant resources (advanced query)", regions.length);
  await Promise.all(
    regions.map((region) =>
      limit(async () => {
        try {
          await eachPage(
            (token) =>
              client.send(
                new SelectAggregateResourceConfigCommand({
                  ConfigurationAggregatorName: aggregator,
                  Expression: resourceComplianceQuery(region),
                  Limit: 100,
                  NextToken: token,
                }),
              ),
            (page) => {
              for (const row of page.Results ?? []) resources.push(...resourcesFromComplianceItem(parseComplianceItem(row)));
              return page.NextToken;
            },
          );
        } catch (err) {
          gaps.push({ scope: "resources", operation: "SelectAggregateResourceConfig", reason: reasonOf(err), region });
        } finally {
          progress.advance();
        }
      }),
    ),
  );

  const covered = new Set(resources.map((r) => `${r.accountId}\u0000${r.region}\u0000${r.rule}`));
  const uncovered = nonCompliant.filter(({ cell }) => !covered.has(`${cell.accountId}\u0000${cell.region}\u0000${cell.rule}`));
  const ranks = new Map(uncovered.map(({ cell }) => [cell.rule, severityRank(controlInfo(cell.rule).severity)]));
  const chains = detailReadOrder(uncovered, (rule) => ranks.get(rule)!).map((read) => ({
    ...read,
    started: false,
    done: false,
    token: undefined as string | undefined,
  }));
  // The bound counts requests (pages included), granted in waves so which cells it keeps does not depend on timing:
  // every chain's first page in worst-first order, then the next pages of the chains still paging, in the same order.
  let pending = chains;
  let calls = 0;
  if (chains.length > 0) progress.phase("non-compliant resources (per-rule detail)", Math.min(chains.length, maxCalls));
  while (pending.length > 0 && calls < maxCalls) {
    const wave = pending.slice(0, maxCalls - calls);
    calls += wave.length;
    await Promise.all(
      wave.map((chain) =>
        limit(async () => {
          const { cell, ruleName } = chain;
          const first = !chain.started;
          chain.started = true;
          try {
            const page = await client.send(
              new GetAggregateComplianceDetailsByConfigRuleCommand({
                ConfigurationAggregatorName: aggregator,
                ConfigRuleName: ruleName,
                AccountId: cell.accountId,
                AwsRegion: cell.region,
                ComplianceType: "NON_COMPLIANT",
                Limit: 100,
                NextToken: chain.token,
              }),
            );
            for (const row of page.AggregateEvaluationResults ?? []) {
              const resource = resourceFromEvaluation(row);
              if (resource) resources.push(resource);
            }
            const next = page.NextToken || undefined;
            if (next !== undefined && next === chain.token) throw new Error("paging did not advance (the same NextToken came back)");
            chain.token = next;
            chain.done = next === undefined;
          } catch (err) {
            chain.done = true;
            gaps.push({
              scope: "resources",
              operation: "GetAggregateComplianceDetailsByConfigRule",
              reason: reasonOf(err),
              accountId: cell.accountId,
              region: cell.region,
              rule: cell.rule,
            });
          } finally {
            if (first) progress.advance();
          }
        }),
      ),
    );
    pending = wave.filter((chain) => !chain.done);
  }
  // What the bound left out, per cell: nothing read, or a listing cut short (a failed read is a gap, not this).
  const leftOut = new Map<ComplianceCell, DetailLeftOut>();
  const read = new Set(chains.filter((c) => c.started).map((c) => c.cell));
  for (const { cell, done } of chains) if (!done) leftOut.set(cell, read.has(cell) ? "partly-read" : "not-read");
  return { resources, calls, leftOut };
}

/** Control results that count for the score: FAILED or PASSED, active, not suppressed. */
async function readSecurityHub(client: SecurityHubClient, gaps: CollectionGap[]): Promise<Snapshot["securityHub"]> {
  const findings: FindingRow[] = [];
  try {
    await eachPage(
      (token) =>
        client.send(
          new GetFindingsCommand({
            Filters: {
              ComplianceStatus: [
                { Value: "FAILED", Comparison: "EQUALS" },
                { Value: "PASSED", Comparison: "EQUALS" },
              ],
              RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
              WorkflowStatus: [{ Value: "SUPPRESSED", Comparison: "NOT_EQUALS" }],
            },
            MaxResults: 100,
            NextToken: token,
          }),
        ),
      (page) => {
        for (const f of page.Findings ?? []) findings.push(f as FindingRow);
        return page.NextToken;
      },
    );
  } catch (err) {
    // A partial read would skew the score: report no Security Hub CSPM score rather than a wrong one.
    gaps.push({ scope: "securityhub", operation: "GetFindings", reason: reasonOf(err) });
    return undefined;
  }
  return securityHubFromFindings(findings);
}

/** The new Security Hub's active findings (status New or In Progress) counted per severity and per account. */
const V2_ACTIVE = {
  CompositeFilters: [
    {
      StringFilters: ["New", "In Progress"].map((Value) => ({ FieldName: "status" as const, Filter: { Value, Comparison: "EQUALS" as const } })),
      Operator: "OR" as const,
    },
  ],
};

/**
 * GetFindingStatisticsV2 from the delegated administrator: aggregated counts, one call, no
 * paging. Not scored; a failure is a gap like any other read.
 */
async function readSecurityHubV2(client: SecurityHubClient, gaps: CollectionGap[]): Promise<FindingStatistic[] | undefined> {
  try {
    const response = await client.send(
      new GetFindingStatisticsV2Command({
        GroupByRules: [
          { GroupByField: "severity", Filters: V2_ACTIVE },
          { GroupByField: "cloud.account.uid", Filters: V2_ACTIVE },
        ],
        MaxStatisticResults: 400,
      }),
    );
    return statisticsFromGroupBy(response.GroupByResults ?? []);
  } catch (err) {
    gaps.push({ scope: "securityhub", operation: "GetFindingStatisticsV2", reason: reasonOf(err) });
    return undefined;
  }
}
