import { AccessAnalyzerClient, GetFindingV2Command, ListAnalyzersCommand, ListFindingsV2Command, type FindingSummaryV2 } from "@aws-sdk/client-accessanalyzer";
import type pLimit from "p-limit";
import type { AccessFinding, CollectionGap, Snapshot } from "../snapshot.js";
import {
  ACCESS_RESOURCE_TYPES,
  accessAnalyzerSnapshot,
  accessFinding,
  classify,
  inScope,
  MAX_FINDING_DETAILS,
  type Classification,
} from "./access-findings.js";
import type { Progress } from "./progress.js";

type Limit = ReturnType<typeof pLimit>;

export interface AccessAnalyzerReadOptions {
  /** One client per region: an analyzer only sees its own region's resources. */
  clientFor: (region: string) => AccessAnalyzerClient;
  regions: readonly string[];
  limit: Limit;
  progress: Progress;
  gaps: CollectionGap[];
  eachPage: <P>(fetch: (token: string | undefined) => Promise<P>, take: (page: P) => string | undefined) => Promise<void>;
  reasonOf: (err: unknown) => string;
  maxDetails?: number;
}

/**
 * IAM Access Analyzer, from the delegated administrator: in each region the organization
 * external-access analyzers (ListAnalyzers), their active findings on secrets, keys and roles
 * (ListFindingsV2, filtered by AWS, paginated), then GetFindingV2 per finding, at most
 * `maxDetails`, to tell public access from access by named principals outside the organization
 * (ListFindingsV2 summaries do not say). Every request takes a slot of `limit`.
 */
export async function readAccessAnalyzer(o: AccessAnalyzerReadOptions): Promise<NonNullable<Snapshot["accessAnalyzer"]>> {
  const analyzers: Array<{ name: string; region: string; status: string; arn: string }> = [];
  const failedRegions = new Set<string>();
  o.progress.phase("IAM Access Analyzer (analyzers)", o.regions.length);
  await Promise.all(
    o.regions.map(async (region) => {
      try {
        await o.eachPage(
          (token) => o.limit(() => o.clientFor(region).send(new ListAnalyzersCommand({ type: "ORGANIZATION", nextToken: token, maxResults: 100 }))),
          (page) => {
            for (const a of page.analyzers ?? []) if (a.arn && a.name) analyzers.push({ arn: a.arn, name: a.name, region, status: a.status ?? "UNKNOWN" });
            return page.nextToken;
          },
        );
      } catch (err) {
        failedRegions.add(region);
        o.gaps.push({ scope: "accessanalyzer", operation: "ListAnalyzers", reason: o.reasonOf(err), region });
      } finally {
        o.progress.advance();
      }
    }),
  );

  const active = analyzers.filter((a) => a.status === "ACTIVE");
  const summaries: Array<{ row: FindingSummaryV2; analyzerArn: string; region: string }> = [];
  o.progress.phase("IAM Access Analyzer (findings)", active.length);
  await Promise.all(
    active.map(async (analyzer) => {
      try {
        await o.eachPage(
          (token) =>
            o.limit(() =>
              o.clientFor(analyzer.region).send(
                new ListFindingsV2Command({
                  analyzerArn: analyzer.arn,
                  filter: { status: { eq: ["ACTIVE"] }, resourceType: { eq: [...ACCESS_RESOURCE_TYPES] } },
                  maxResults: 100,
                  nextToken: token,
                }),
              ),
            ),
          (page) => {
            for (const row of page.findings ?? []) summaries.push({ row, analyzerArn: analyzer.arn, region: analyzer.region });
            return page.nextToken;
          },
        );
      } catch (err) {
        o.gaps.push({ scope: "accessanalyzer", operation: "ListFindingsV2", reason: o.reasonOf(err), region: analyzer.region });
      } finally {
        o.progress.advance();
      }
    }),
  );

  const scoped = summaries.filter(({ row }) => inScope(row)).sort((a, b) => (a.row.id! < b.row.id! ? -1 : a.row.id! > b.row.id! ? 1 : 0));
  const detailed = scoped.slice(0, o.maxDetails ?? MAX_FINDING_DETAILS);
  const classified = new Map<string, Classification>();
  if (detailed.length > 0) o.progress.phase("IAM Access Analyzer (finding details)", detailed.length);
  await Promise.all(
    detailed.map(async ({ row, analyzerArn, region }) => {
      const details: Parameters<typeof classify>[0][number][] = [];
      try {
        await o.eachPage(
          (token) => o.limit(() => o.clientFor(region).send(new GetFindingV2Command({ analyzerArn, id: row.id!, nextToken: token }))),
          (page) => {
            for (const d of page.findingDetails ?? []) details.push(d);
            return page.nextToken;
          },
        );
        classified.set(row.id!, classify(details));
      } catch (err) {
        o.gaps.push({ scope: "accessanalyzer", operation: `GetFindingV2 ${row.id}`, reason: o.reasonOf(err), region, accountId: row.resourceOwnerAccount });
      } finally {
        o.progress.advance();
      }
    }),
  );
  const findings: AccessFinding[] = scoped.map(({ row }) => accessFinding(row, classified.get(row.id!)));
  return accessAnalyzerSnapshot(
    analyzers.map(({ name, region, status }) => ({ name, region, status })),
    o.regions.filter((r) => !failedRegions.has(r)),
    findings,
  );
}
