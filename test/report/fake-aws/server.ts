import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  accountRows,
  cellKey,
  cellsByDeployedName,
  complianceRows,
  evaluationRows,
  findingStatisticsV2,
  resourceComplianceItems,
  sourceStatusRows,
  type Unreadable,
} from "./aws-data.js";
import type { GeneratedOrg } from "./org.js";

/**
 * A loopback AWS for the report collectors: AWS Config (aggregator APIs) and Organizations
 * over JSON 1.1 (dispatch on X-Amz-Target), Security Hub GetFindings and GetFindingStatisticsV2 over REST-JSON
 * (POST /findings), and IAM Access Analyzer's ListAnalyzers, ListFindingsV2 and GetFindingV2 (REST-JSON, per region). It serves a generated organization with the real services' paging
 * limits, and can misbehave the way AWS does: empty pages that still carry a token,
 * injected throttling, a request-rate limit, and accounts or regions whose calls fail.
 */

export interface FakeAwsOptions {
  org: GeneratedOrg;
  /** Every n-th request is answered with a throttling error. */
  throttleEvery?: number;
  /** Requests per second per service (token bucket, burst = rate); over it: throttling errors. */
  rateLimit?: number;
  /** Serve an empty page with a token before every other page, and after the last one. */
  emptyPages?: boolean;
  /** Accounts and regions whose aggregator sources fail: calls naming them are refused. */
  unreadable?: Unreadable;
  /** The aggregator collects all regions (AllAwsRegions) instead of naming them. */
  allRegions?: boolean;
  /** Regions where every IAM Access Analyzer call is refused (AccessDeniedException). */
  accessAnalyzerDenied?: string[];
  /** Page size of ListFindingsV2 at most (AWS: 100), so small organizations page too. */
  analyzerPageSize?: number;
  /** Milliseconds before each answer, so concurrent requests overlap as they do against AWS. */
  latencyMs?: number;
}

export interface FakeAwsStats {
  requests: number;
  throttled: number;
  /** Empty pages that carry a NextToken, plus tokens handed out that lead to an empty last page. */
  emptyPages: number;
  byOperation: Record<string, number>;
  /** Most requests open at the same time (body received, not yet answered). */
  maxInFlight: number;
}

export interface FakeAws {
  url: string;
  stats: FakeAwsStats;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

interface Page<T> {
  items: T[];
  token?: string;
}

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const { org } = options;
  const unreadable = options.unreadable ?? {};
  const failAccounts = new Set(unreadable.accounts ?? []);
  const failRegions = new Set(unreadable.regions ?? []);
  const stats: FakeAwsStats = { requests: 0, throttled: 0, emptyPages: 0, byOperation: {}, maxInFlight: 0 };
  let inFlight = 0;

  const rows = complianceRows(org, unreadable);
  const details = cellsByDeployedName(org);
  const items = resourceComplianceItems(org, unreadable);
  const sources = sourceStatusRows(org, unreadable);
  const accounts = accountRows(org);
  const buckets = new Map<string, { tokens: number; at: number }>();

  function page<T>(all: T[], limit: number, token: unknown): Page<T> {
    let offset = 0;
    let emptied = false;
    if (typeof token === "string" && token !== "") {
      const match = /^p(\d+)(e?)$/.exec(Buffer.from(token, "base64url").toString());
      if (!match) throw new AwsError(400, "InvalidNextTokenException", "The nextToken provided is invalid");
      offset = Number(match[1]);
      emptied = match[2] === "e";
    }
    const encode = (o: number, e: boolean) => Buffer.from(`p${o}${e ? "e" : ""}`).toString("base64url");
    if (options.emptyPages && !emptied && offset > 0 && offset < all.length && (offset / limit) % 2 === 1) {
      stats.emptyPages++;
      return { items: [], token: encode(offset, true) };
    }
    const slice = all.slice(offset, offset + limit);
    const next = offset + limit;
    if (next < all.length) return { items: slice, token: encode(next, false) };
    // Like AWS, sometimes hand out a token whose page turns out empty.
    if (options.emptyPages && offset < all.length && all.length > 0) {
      stats.emptyPages++;
      return { items: slice, token: encode(all.length, false) };
    }
    return { items: slice };
  }

  const limitOf = (value: unknown, max: number) => (typeof value === "number" && value > 0 ? Math.min(value, max) : max);

  function requireAggregator(body: Body): void {
    if (body["ConfigurationAggregatorName"] !== org.aggregator) {
      throw new AwsError(
        400,
        "NoSuchConfigurationAggregatorException",
        `The configuration aggregator ${String(body["ConfigurationAggregatorName"])} does not exist`,
      );
    }
  }

  function refuse(accountId: unknown, region: unknown): void {
    if (typeof region === "string" && failRegions.has(region)) {
      throw new AwsError(503, "ServiceUnavailableException", `Config is unavailable for source region ${region}`);
    }
    if (typeof accountId === "string" && failAccounts.has(accountId)) {
      throw new AwsError(400, "AccessDeniedException", `The aggregator is not authorized to read account ${accountId}`);
    }
  }

  const epoch = (iso: string) => Date.parse(iso) / 1000;

  const config: Record<string, (body: Body) => unknown> = {
    DescribeAggregateComplianceByConfigRules(body) {
      requireAggregator(body);
      const f = (body["Filters"] ?? {}) as Record<string, string | undefined>;
      refuse(f["AccountId"], f["AwsRegion"]);
      const matching = rows.filter(
        (r) =>
          (!f["AccountId"] || r.AccountId === f["AccountId"]) &&
          (!f["AwsRegion"] || r.AwsRegion === f["AwsRegion"]) &&
          (!f["ConfigRuleName"] || r.ConfigRuleName === f["ConfigRuleName"]) &&
          (!f["ComplianceType"] || r.Compliance.ComplianceType === f["ComplianceType"]),
      );
      const p = page(matching, limitOf(body["Limit"], 1000), body["NextToken"]);
      return { AggregateComplianceByConfigRules: p.items, NextToken: p.token };
    },
    GetAggregateComplianceDetailsByConfigRule(body) {
      requireAggregator(body);
      refuse(body["AccountId"], body["AwsRegion"]);
      const entry = details.get(cellKey(String(body["ConfigRuleName"]), String(body["AccountId"]), String(body["AwsRegion"])));
      const all = entry ? evaluationRows(org, entry, body["ComplianceType"] as string | undefined) : [];
      const p = page(all, limitOf(body["Limit"], 100), body["NextToken"]);
      return {
        AggregateEvaluationResults: p.items.map((r) => ({
          ...r,
          EvaluationResultIdentifier: { ...r.EvaluationResultIdentifier, OrderingTimestamp: epoch(r.EvaluationResultIdentifier.OrderingTimestamp) },
          ResultRecordedTime: epoch(r.ResultRecordedTime),
          ConfigRuleInvokedTime: epoch(r.ConfigRuleInvokedTime),
        })),
        NextToken: p.token,
      };
    },
    DescribeConfigurationAggregators(body) {
      const names = body["ConfigurationAggregatorNames"] as string[] | undefined;
      if (names && !names.includes(org.aggregator)) {
        throw new AwsError(400, "NoSuchConfigurationAggregatorException", `The configuration aggregator ${names.join(", ")} does not exist`);
      }
      const regions = options.allRegions ? { AllAwsRegions: true } : { AwsRegions: org.regions, AllAwsRegions: false };
      return {
        ConfigurationAggregators: [
          {
            ConfigurationAggregatorName: org.aggregator,
            ConfigurationAggregatorArn: `arn:aws:config:${org.regions[0]}:${org.accounts[0]!.id}:config-aggregator/config-aggregator-loopback`,
            OrganizationAggregationSource: { RoleArn: `arn:aws:iam::${org.accounts[0]!.id}:role/aws-service-role/config-aggregator`, ...regions },
            CreationTime: epoch(org.asOf),
            LastUpdatedTime: epoch(org.asOf),
          },
        ],
      };
    },
    DescribeConfigurationAggregatorSourcesStatus(body) {
      requireAggregator(body);
      const p = page(sources, limitOf(body["Limit"], 100), body["NextToken"]);
      return { AggregatedSourceStatusList: p.items.map((s) => ({ ...s, LastUpdateTime: epoch(s.LastUpdateTime) })), NextToken: p.token };
    },
    SelectAggregateResourceConfig(body) {
      requireAggregator(body);
      const expression = String(body["Expression"] ?? "");
      if (!expression.includes("'AWS::Config::ResourceCompliance'") || !/configuration\.complianceType\s*=\s*'NON_COMPLIANT'/.test(expression)) {
        throw new AwsError(400, "InvalidExpressionException", "This loopback server only answers NON_COMPLIANT AWS::Config::ResourceCompliance queries");
      }
      const region = /awsRegion\s*=\s*'([^']*)'/.exec(expression)?.[1];
      const accountId = /accountId\s*=\s*'([^']*)'/.exec(expression)?.[1];
      refuse(accountId, region);
      const matching = items.filter((i) => (!region || i.awsRegion === region) && (!accountId || i.accountId === accountId));
      const p = page(matching, limitOf(body["Limit"] ?? body["MaxResults"], 100), body["NextToken"]);
      return {
        Results: p.items.map((i) => JSON.stringify(i)),
        QueryInfo: {
          SelectFields: ["accountId", "awsRegion", "resourceId", "resourceName", "configuration", "configurationItemCaptureTime"].map((Name) => ({ Name })),
        },
        NextToken: p.token,
      };
    },
  };

  const organizations: Record<string, (body: Body) => unknown> = {
    ListRoots() {
      return {
        Roots: [
          { Id: org.rootId, Arn: `arn:aws:organizations::${org.accounts[0]!.id}:root/${org.organizationId}/${org.rootId}`, Name: "Root", PolicyTypes: [] },
        ],
      };
    },
    ListOrganizationalUnitsForParent(body) {
      const children = org.ous
        .filter((ou) => ou.parentId === body["ParentId"])
        .map((ou) => ({
          Id: ou.id,
          Arn: `arn:aws:organizations::${org.accounts[0]!.id}:ou/${org.organizationId}/${ou.id}`,
          Name: ou.name,
        }));
      const p = page(children, limitOf(body["MaxResults"], 20), body["NextToken"]);
      return { OrganizationalUnits: p.items, NextToken: p.token };
    },
    ListAccountsForParent(body) {
      const children = accounts.filter((_, i) => org.accounts[i]!.parentId === body["ParentId"]);
      const p = page(children, limitOf(body["MaxResults"], 20), body["NextToken"]);
      return { Accounts: p.items.map((a) => ({ ...a, JoinedTimestamp: epoch(a.JoinedTimestamp) })), NextToken: p.token };
    },
  };

  function getFindings(body: Body): unknown {
    const filters = (body["Filters"] ?? {}) as Record<string, Array<{ Value: string; Comparison: string }> | undefined>;
    const test = (name: string, value: string | undefined) => {
      const conditions = filters[name];
      if (!conditions || conditions.length === 0) return true;
      const equals = conditions.filter((c) => c.Comparison === "EQUALS");
      const notEquals = conditions.filter((c) => c.Comparison === "NOT_EQUALS");
      if (equals.length > 0 && !equals.some((c) => c.Value === value)) return false;
      return !notEquals.some((c) => c.Value === value);
    };
    const matching = org.findings.filter(
      (f) =>
        test("ComplianceStatus", f.Compliance.Status) &&
        test("RecordState", f.RecordState) &&
        test("WorkflowStatus", f.Workflow.Status) &&
        test("AwsAccountId", f.AwsAccountId) &&
        test("ComplianceSecurityControlId", f.Compliance.SecurityControlId),
    );
    const p = page(matching, limitOf(body["MaxResults"], 100), body["NextToken"]);
    return { Findings: p.items, NextToken: p.token };
  }

  function getFindingStatisticsV2(body: Body): unknown {
    const rules = (body["GroupByRules"] ?? []) as Array<{ GroupByField: string }>;
    return {
      GroupByResults: findingStatisticsV2(
        org,
        rules.map((r) => r.GroupByField),
      ),
    };
  }

  // IAM Access Analyzer (REST-JSON): the region comes from the request's signature scope, as the analyzers are regional.
  const analyzerData = org.accessAnalyzer;
  function listAnalyzers(_body: Body, query: URLSearchParams, region: string): unknown {
    const analyzers = (analyzerData?.analyzers ?? []).filter((a) => a.region === region && (!query.get("type") || a.type === query.get("type")));
    const p = page(analyzers, limitOf(Number(query.get("maxResults")), 100), query.get("nextToken") ?? undefined);
    return { analyzers: p.items.map(({ region: _r, ...a }) => ({ ...a, createdAt: "2026-01-01T00:00:00Z" })), nextToken: p.token };
  }
  function analyzerOf(arn: unknown) {
    const analyzer = analyzerData?.analyzers.find((a) => a.arn === arn);
    if (!analyzer) throw new AwsError(404, "ResourceNotFoundException", `Analyzer ${String(arn)} not found`);
    return analyzer;
  }
  function findingsOf(arn: unknown) {
    const analyzer = analyzerOf(arn);
    return analyzer.type === "ORGANIZATION" ? analyzerData!.findings.filter((f) => f.analyzerRegion === analyzer.region) : [];
  }
  function listFindingsV2(body: Body): unknown {
    const filter = (body["filter"] ?? {}) as Record<string, { eq?: string[] }>;
    if (analyzerOf(body["analyzerArn"]).type === "ORGANIZATION_UNUSED_ACCESS") {
      const unused = analyzerData!.unusedFindings.filter((f) =>
        Object.entries(filter).every(([field, c]) => !c.eq || c.eq.includes(String((f as unknown as Record<string, unknown>)[field]))),
      );
      const p = page(unused, limitOf(body["maxResults"], options.analyzerPageSize ?? 100), body["nextToken"]);
      return { findings: p.items, nextToken: p.token };
    }
    const matching = findingsOf(body["analyzerArn"]).filter((f) =>
      Object.entries(filter).every(([field, c]) => {
        const value = field === "isPublic" ? f.findingDetails.some((d) => d.externalAccessDetails.isPublic) : (f as unknown as Record<string, unknown>)[field];
        return !c.eq || c.eq.includes(String(value));
      }),
    );
    const p = page(matching, limitOf(body["maxResults"], options.analyzerPageSize ?? 100), body["nextToken"]);
    return { findings: p.items.map(({ analyzerRegion: _r, findingDetails: _d, ...summary }) => summary), nextToken: p.token };
  }
  function getFindingV2(_body: Body, query: URLSearchParams, _region: string, id: string): unknown {
    const finding = findingsOf(query.get("analyzerArn")).find((f) => f.id === id);
    if (!finding) throw new AwsError(404, "ResourceNotFoundException", `Finding ${id} not found`);
    const { analyzerRegion: _r, ...rest } = finding;
    return rest;
  }

  function throttled(service: string): boolean {
    if (options.throttleEvery && stats.requests % options.throttleEvery === 0) return true;
    if (!options.rateLimit) return false;
    const now = Date.now() / 1000;
    const bucket = buckets.get(service) ?? { tokens: options.rateLimit, at: now };
    bucket.tokens = Math.min(options.rateLimit, bucket.tokens + (now - bucket.at) * options.rateLimit);
    bucket.at = now;
    buckets.set(service, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const target = req.headers["x-amz-target"];
    const rest = typeof target !== "string";
    let service: string;
    let operation: string;
    let handler: ((body: Body) => unknown) | undefined;
    const url = new URL(req.url ?? "/", "http://localhost");
    const signedRegion = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers["authorization"] ?? ""))?.[1] ?? "";
    if (rest && (url.pathname === "/analyzer" || url.pathname.startsWith("/findingv2"))) {
      service = "accessanalyzer";
      const id = /^\/findingv2\/([^/]+)$/.exec(url.pathname)?.[1];
      operation = url.pathname === "/analyzer" ? "ListAnalyzers" : id ? "GetFindingV2" : "ListFindingsV2";
      const op = url.pathname === "/analyzer" ? listAnalyzers : id ? getFindingV2 : listFindingsV2;
      handler = (body) => {
        if (options.accessAnalyzerDenied?.includes(signedRegion)) throw new AwsError(403, "AccessDeniedException", `not authorized in ${signedRegion}`);
        return op(body, url.searchParams, signedRegion, decodeURIComponent(id ?? ""));
      };
    } else if (rest) {
      service = "securityhub";
      const path = req.method === "POST" ? req.url?.split("?")[0] : undefined;
      operation = path === "/findingsv2/statistics" ? "GetFindingStatisticsV2" : "GetFindings";
      handler = path === "/findingsv2/statistics" ? getFindingStatisticsV2 : path?.endsWith("/findings") ? getFindings : undefined;
    } else {
      const [prefix, op] = target.split(".");
      operation = op ?? "";
      service = prefix === "StarlingDoveService" ? "config" : prefix === "AWSOrganizationsV20161128" ? "organizations" : "unknown";
      handler = service === "config" ? config[operation] : service === "organizations" ? organizations[operation] : undefined;
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    stats.requests++;
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
    const send = (status: number, payload: unknown, errorType?: string) => {
      const headers: Record<string, string> = {
        "content-type": rest ? "application/json" : "application/x-amz-json-1.1",
        "x-amzn-requestid": `req-${stats.requests}`,
      };
      if (errorType) headers["x-amzn-errortype"] = errorType;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    const fail = (err: AwsError) => send(err.status, rest ? { message: err.message } : { __type: err.code, message: err.message }, err.code);
    if (!handler) return fail(new AwsError(400, "UnknownOperationException", `unknown operation ${req.method} ${req.url} ${String(target)}`));
    if (throttled(service)) {
      stats.throttled++;
      if (service === "accessanalyzer") return fail(new AwsError(429, "ThrottlingException", "Rate exceeded"));
      return fail(rest ? new AwsError(429, "TooManyRequestsException", "Rate exceeded") : new AwsError(400, "ThrottlingException", "Rate exceeded"));
    }
    try {
      send(200, handler(text ? (JSON.parse(text) as Body) : {}));
    } catch (err) {
      if (err instanceof AwsError) return fail(err);
      throw err;
    }
  }

  const server = createServer((req, res) => {
    stats.maxInFlight = Math.max(stats.maxInFlight, ++inFlight);
    res.on("close", () => inFlight--);
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ __type: "InternalFailure", message: String(err) }));
    });
  });
  // Keep-alive sockets would hold `close()` open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
