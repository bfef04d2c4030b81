import { random } from "../../support/random.mjs";
import { HOSTILE_RESOURCE_ID, type GeneratedOrg } from "./org.js";

/**
 * IAM Access Analyzer for a generated organization: one organization external-access analyzer
 * per region of the security account (except `withoutAnalyzer`), and findings on secrets, keys
 * and roles, public or shared with another organization's account, plus findings the report
 * must leave out (archived, resolved, an S3 bucket, unused access). Its own seeded generator,
 * so adding it changes nothing else of the organization. Ground truth for the tests.
 */

export const OUTSIDE_ACCOUNT = "444455556666";

export interface GenAccessFinding {
  id: string;
  /** Region of the analyzer that reports it. */
  analyzerRegion: string;
  resource: string;
  resourceType: string;
  resourceOwnerAccount: string;
  status: "ACTIVE" | "ARCHIVED" | "RESOLVED";
  findingType: "ExternalAccess" | "UnusedIAMRole";
  createdAt: string;
  updatedAt: string;
  analyzedAt: string;
  findingDetails: Array<{
    externalAccessDetails: { isPublic: boolean; principal: Record<string, string>; action: string[]; condition: Record<string, string> };
  }>;
}

/** A finding of the organization unused-access analyzer: a summary is all the report reads. */
export interface GenUnusedFinding {
  id: string;
  resource: string;
  resourceType: "AWS::IAM::Role" | "AWS::IAM::User";
  resourceOwnerAccount: string;
  status: "ACTIVE" | "ARCHIVED" | "RESOLVED";
  findingType: "UnusedIAMRole" | "UnusedIAMUserAccessKey" | "UnusedIAMUserPassword" | "UnusedPermission";
  createdAt: string;
  updatedAt: string;
  analyzedAt: string;
}

export interface GenAccessAnalyzer {
  securityAccountId: string;
  analyzers: Array<{ arn: string; name: string; region: string; type: "ORGANIZATION" | "ORGANIZATION_UNUSED_ACCESS"; status: "ACTIVE" }>;
  findings: GenAccessFinding[];
  /** The unused-access analyzer's findings (`unusedAccess`), empty without it. */
  unusedFindings: GenUnusedFinding[];
}

export interface AccessAnalyzerOptions {
  seed?: number;
  withoutAnalyzer?: string[];
  hostile?: boolean;
  /** Adds the organization unused-access analyzer in this region (the home region, as the baseline deploys it) and its findings. */
  unusedAccess?: string;
}

export function generateAccessAnalyzer(org: GeneratedOrg, options: AccessAnalyzerOptions = {}): GenAccessAnalyzer {
  const rand = random((options.seed ?? 1) + 7919);
  const active = org.accounts.filter((a) => a.status === "ACTIVE");
  const security = active.find((a) => a.ouPath.startsWith("/Security")) ?? active[0]!;
  const skip = new Set(options.withoutAnalyzer ?? []);
  const analyzers = org.regions
    .filter((r) => !skip.has(r))
    .map((region) => ({
      arn: `arn:aws:access-analyzer:${region}:${security.id}:analyzer/org-baseline-external-access`,
      name: "org-baseline-external-access",
      region,
      type: "ORGANIZATION" as const,
      status: "ACTIVE" as const,
    }));
  const findings: GenAccessFinding[] = [];
  let serial = 0;
  const add = (analyzerRegion: string, owner: string, resourceType: string, resource: string, isPublic: boolean, extra: Partial<GenAccessFinding> = {}) => {
    serial++;
    const action =
      resourceType === "AWS::IAM::Role" ? ["sts:AssumeRole"] : resourceType === "AWS::KMS::Key" ? ["kms:Decrypt"] : ["secretsmanager:GetSecretValue"];
    findings.push({
      id: `${serial.toString(16).padStart(8, "0")}-aa00-4000-8000-${owner}`,
      analyzerRegion,
      resource,
      resourceType,
      resourceOwnerAccount: owner,
      status: "ACTIVE",
      findingType: "ExternalAccess",
      createdAt: "2026-10-01T00:00:00.000Z",
      updatedAt: org.asOf,
      analyzedAt: org.asOf,
      findingDetails: [{ externalAccessDetails: { isPublic, principal: { AWS: isPublic ? "*" : OUTSIDE_ACCOUNT }, action, condition: {} } }],
      ...extra,
    });
  };
  let hostilePlaced = !options.hostile;
  for (const account of active) {
    const roll = rand();
    if (roll > 0.6) continue;
    for (const a of analyzers) {
      const region = a.region;
      if (rand() < 0.5) {
        const name = !hostilePlaced ? HOSTILE_RESOURCE_ID : `app/shared-${Math.floor(rand() * 100)}`;
        hostilePlaced = true;
        add(region, account.id, "AWS::SecretsManager::Secret", `arn:aws:secretsmanager:${region}:${account.id}:secret:${name}-AbCdEf`, rand() < 0.3);
      }
      if (rand() < 0.4)
        add(
          region,
          account.id,
          "AWS::KMS::Key",
          `arn:aws:kms:${region}:${account.id}:key/${serial.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`,
          rand() < 0.2,
        );
      // Out of scope: another resource type, and findings no longer active.
      if (rand() < 0.3) add(region, account.id, "AWS::S3::Bucket", `arn:aws:s3:::bucket-${account.id}-${region}`, true);
      if (rand() < 0.3)
        add(region, account.id, "AWS::SecretsManager::Secret", `arn:aws:secretsmanager:${region}:${account.id}:secret:old-AbCdEf`, false, {
          status: "ARCHIVED",
        });
    }
    // A role trusting an outside account: global, so every region's analyzer reports it.
    if (roll < 0.25) for (const a of analyzers) add(a.region, account.id, "AWS::IAM::Role", `arn:aws:iam::${account.id}:role/vendor-audit`, false);
  }
  const unused = options.unusedAccess
    ? generateUnusedAccess(org, security.id, options.unusedAccess, (options.seed ?? 1) + 104729, options.hostile ?? false)
    : undefined;
  return {
    securityAccountId: security.id,
    analyzers: unused ? [...analyzers, unused.analyzer] : analyzers,
    findings,
    unusedFindings: unused?.findings ?? [],
  };
}

/**
 * The unused-access analyzer and its findings: for some accounts an unused role, a user's unused
 * access key and password, a role's unused permissions, and findings the report must leave out
 * (archived, resolved). Its own seeded generator, so the external findings stay as they were.
 */
function generateUnusedAccess(org: GeneratedOrg, securityAccountId: string, region: string, seed: number, hostile: boolean) {
  const rand = random(seed);
  const analyzer = {
    arn: `arn:aws:access-analyzer:${region}:${securityAccountId}:analyzer/org-baseline-unused-access`,
    name: "org-baseline-unused-access",
    region,
    type: "ORGANIZATION_UNUSED_ACCESS" as const,
    status: "ACTIVE" as const,
  };
  const findings: GenUnusedFinding[] = [];
  const add = (owner: string, findingType: GenUnusedFinding["findingType"], resource: string, status: GenUnusedFinding["status"] = "ACTIVE") =>
    findings.push({
      id: `${(findings.length + 1).toString(16).padStart(8, "0")}-bb00-4000-8000-${owner}`,
      resource,
      resourceType: resource.includes(":user/") ? "AWS::IAM::User" : "AWS::IAM::Role",
      resourceOwnerAccount: owner,
      status,
      findingType,
      createdAt: "2026-09-01T00:00:00.000Z",
      updatedAt: org.asOf,
      analyzedAt: org.asOf,
    });
  let hostilePlaced = !hostile;
  for (const account of org.accounts.filter((a) => a.status === "ACTIVE")) {
    if (rand() > 0.7) continue;
    const role = `arn:aws:iam::${account.id}:role/${hostilePlaced ? `legacy-deploy-${Math.floor(rand() * 100)}` : HOSTILE_RESOURCE_ID}`;
    hostilePlaced = true;
    if (rand() < 0.6) add(account.id, "UnusedIAMRole", role);
    if (rand() < 0.4) add(account.id, "UnusedPermission", `arn:aws:iam::${account.id}:role/ci-runner`);
    if (rand() < 0.5) {
      const user = `arn:aws:iam::${account.id}:user/break-glass-${Math.floor(rand() * 10)}`;
      add(account.id, "UnusedIAMUserAccessKey", user);
      if (rand() < 0.6) add(account.id, "UnusedIAMUserPassword", user);
    }
    if (rand() < 0.3) add(account.id, "UnusedIAMRole", `arn:aws:iam::${account.id}:role/retired`, rand() < 0.5 ? "ARCHIVED" : "RESOLVED");
  }
  return { analyzer, findings };
}

/** The unused-access findings the report must show: the active ones. */
export function expectedUnusedFindings(aa: GenAccessAnalyzer): Array<{ accountId: string; resource: string; findingType: string }> {
  return aa.unusedFindings
    .filter((f) => f.status === "ACTIVE")
    .map((f) => ({ accountId: f.resourceOwnerAccount, resource: f.resource, findingType: f.findingType }));
}

/** The findings the report must show: active external access on secrets, keys and roles, a role once however many regions report it. */
export function expectedAccessFindings(aa: GenAccessAnalyzer): Array<{ accountId: string; resource: string; access: "public" | "outside-organization" }> {
  const scoped = aa.findings.filter(
    (f) =>
      f.status === "ACTIVE" &&
      f.findingType === "ExternalAccess" &&
      ["AWS::IAM::Role", "AWS::KMS::Key", "AWS::SecretsManager::Secret"].includes(f.resourceType),
  );
  const seen = new Map<string, { accountId: string; resource: string; access: "public" | "outside-organization" }>();
  for (const f of scoped) {
    const access = f.findingDetails.some((d) => d.externalAccessDetails.isPublic) ? "public" : "outside-organization";
    seen.set(`${f.resourceOwnerAccount}|${f.resource}|${access}`, { accountId: f.resourceOwnerAccount, resource: f.resource, access });
  }
  return [...seen.values()];
}
