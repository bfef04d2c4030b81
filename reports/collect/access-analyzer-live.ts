import { AccessAnalyzerClient, GetFindingV2Command, ListAnalyzersCommand, ListFindingsV2Command, type FindingSummaryV2 } from "@aws-sdk/client-accessanalyzer";
import type pLimit from "p-limit";
import type { AccessFinding, CollectionGap, Snapshot, UnusedAccessFinding } from "../snapshot.js";
import {
  ACCESS_RESOURCE_TYPES,
  accessAnalyzerSnapshot,
  accessFinding,
  classify,
  inScope,
  isUnusedFinding,
  MAX_FINDING_DETAILS,
  unusedAccessSnapshot,
  unusedFinding,
  type Classification,
} from "./access-findings.js";
import { compare } from "../model/cells.js";
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
 * external-access analyzers (ListAnalyzers) and their active findings on secrets, keys and roles
 * (ListFindingsV2, filtered by AWS, paginated). Its summaries do not say whether the access is
 * public, so a second ListFindingsV2 chain with the `isPublic` filter names the public ones: every
 * finding is classified in pages, not calls per finding. GetFindingV2 then adds principals and
 * actions to at most `maxDetails` findings, public ones first. Then the unused-access analyzers
 * and their findings (readUnusedAccess). Every request takes a slot of `limit`.
 */
export async function readAccessAnalyzer(o: AccessAnalyzerReadOptions): Promise<NonNullable<Snapshot["accessAnalyzer"]>> {
  const { analyzers, failedRegions } = await listAnalyzers(o, "ORGANIZATION", "IAM Access Analyzer (analyzers)", "ListAnalyzers");

  const active = analyzers.filter((a) => a.status === "ACTIVE");
  const summaries: Array<{ row: FindingSummaryV2; analyzerArn: string; region: string }> = [];
  const publicIds = new Set<string>();
  /** Analyzers whose public findings could not be listed: their findings stay unclassified unless GetFindingV2 tells. */
  const unknown = new Set<string>();
  const list = (analyzer: (typeof active)[number], onlyPublic: boolean, take: (row: FindingSummaryV2) => void) =>
    o.eachPage(
      (token) =>
        o.limit(() =>
          o.clientFor(analyzer.region).send(
            new ListFindingsV2Command({
              analyzerArn: analyzer.arn,
              filter: {
                status: { eq: ["ACTIVE"] },
                resourceType: { eq: [...ACCESS_RESOURCE_TYPES] },
                ...(onlyPublic ? { isPublic: { eq: ["true"] } } : {}),
              },
              maxResults: 100,
              nextToken: token,
            }),
          ),
        ),
      (page) => {
        for (const row of page.findings ?? []) take(row);
        return page.nextToken;
      },
    );
  o.progress.phase("IAM Access Analyzer (findings)", active.length * 2);
  await Promise.all(
    active.flatMap((analyzer) => [
      list(analyzer, false, (row) => summaries.push({ row, analyzerArn: analyzer.arn, region: analyzer.region }))
        .catch((err: unknown) => {
          o.gaps.push({ scope: "accessanalyzer", operation: "ListFindingsV2", reason: o.reasonOf(err), region: analyzer.region });
        })
        .finally(() => o.progress.advance()),
      list(analyzer, true, (row) => row.id && publicIds.add(row.id))
        .catch((err: unknown) => {
          unknown.add(analyzer.arn);
          o.gaps.push({ scope: "accessanalyzer", operation: "ListFindingsV2 (isPublic)", reason: o.reasonOf(err), region: analyzer.region });
        })
        .finally(() => o.progress.advance()),
    ]),
  );

  const scoped = summaries
    .filter(({ row }) => inScope(row))
    .sort((a, b) => Number(publicIds.has(b.row.id!)) - Number(publicIds.has(a.row.id!)) || compare(a.row.id!, b.row.id!));
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
  const findings: AccessFinding[] = scoped.map(({ row, analyzerArn }) => {
    const details = classified.get(row.id!);
    if (unknown.has(analyzerArn)) return accessFinding(row, details);
    // The isPublic listing decides; the details add who and what.
    const access = publicIds.has(row.id!) || details?.access === "public" ? "public" : "outside-organization";
    return accessFinding(row, { access, principals: details?.principals ?? [], actions: details?.actions ?? [] });
  });
  return {
    ...accessAnalyzerSnapshot(
      analyzers.map(({ name, region, status }) => ({ name, region, status })),
      o.regions.filter((r) => !failedRegions.has(r)),
      findings,
    ),
    unused: await readUnusedAccess(o),
  };
}

/** The organization analyzers of one type in every region (paginated); a region whose listing failed is a gap named `operation`. */
async function listAnalyzers(
  o: AccessAnalyzerReadOptions,
  type: "ORGANIZATION" | "ORGANIZATION_UNUSED_ACCESS",
  phase: string,
  operation: string,
): Promise<{ analyzers: Array<{ name: string; region: string; status: string; arn: string }>; failedRegions: Set<string> }> {
  const analyzers: Array<{ name: string; region: string; status: string; arn: string }> = [];
  const failedRegions = new Set<string>();
  o.progress.phase(phase, o.regions.length);
  await Promise.all(
    o.regions.map(async (region) => {
      try {
        await o.eachPage(
          (token) => o.limit(() => o.clientFor(region).send(new ListAnalyzersCommand({ type, nextToken: token, maxResults: 100 }))),
          (page) => {
            for (const a of page.analyzers ?? []) if (a.arn && a.name) analyzers.push({ arn: a.arn, name: a.name, region, status: a.status ?? "UNKNOWN" });
            return page.nextToken;
          },
        );
      } catch (err) {
        failedRegions.add(region);
        o.gaps.push({ scope: "accessanalyzer", operation, reason: o.reasonOf(err), region });
      } finally {
        o.progress.advance();
      }
    }),
  );
  return { analyzers, failedRegions };
}

/**
 * The organization unused-access analyzers (ListAnalyzers) and their active findings
 * (ListFindingsV2, pages only: a summary names the role, key, password or permission unused).
 * A failed listing is the gap `ListAnalyzers (unused access)`, so the external analyzers' own
 * listing gaps still count regions once.
 */
async function readUnusedAccess(o: AccessAnalyzerReadOptions): Promise<NonNullable<NonNullable<Snapshot["accessAnalyzer"]>["unused"]>> {
  const { analyzers } = await listAnalyzers(o, "ORGANIZATION_UNUSED_ACCESS", "IAM Access Analyzer (unused-access analyzers)", "ListAnalyzers (unused access)");
  const active = analyzers.filter((a) => a.status === "ACTIVE");
  const findings: UnusedAccessFinding[] = [];
  o.progress.phase("IAM Access Analyzer (unused-access findings)", active.length);
  await Promise.all(
    active.map((analyzer) =>
      o
        .eachPage(
          (token) =>
            o.limit(() =>
              o
                .clientFor(analyzer.region)
                .send(new ListFindingsV2Command({ analyzerArn: analyzer.arn, filter: { status: { eq: ["ACTIVE"] } }, maxResults: 100, nextToken: token })),
            ),
          (page) => {
            for (const row of page.findings ?? []) if (isUnusedFinding(row)) findings.push(unusedFinding(row));
            return page.nextToken;
          },
        )
        .catch((err: unknown) => {
          o.gaps.push({ scope: "accessanalyzer", operation: "ListFindingsV2 (unused access)", reason: o.reasonOf(err), region: analyzer.region });
        })
        .finally(() => o.progress.advance()),
    ),
  );
  return unusedAccessSnapshot(
    analyzers.map(({ name, region, status }) => ({ name, region, status })),
    findings,
  );
}
