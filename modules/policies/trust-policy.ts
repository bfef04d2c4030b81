import { GITHUB_OIDC_HOST } from "../naming.js";
import { policyDocument, type PolicyDocument, type Statement } from "./document.js";
import { assertKept, GITHUB_SUBJECT } from "./must-never.js";
import { principalsByAccount } from "./principals.js";

/**
 * Role trust policies, one builder per kind of role. Named principals are their
 * account's root narrowed by an exact `aws:PrincipalArn` (see principals.ts).
 */

/**
 * Service principals that send `aws:SourceAccount` when assuming a role, so the
 * trust can be pinned to the account (confused-deputy protection). Others, such as
 * ec2.amazonaws.com, are not documented to send it, and a condition on a missing
 * key would stop them assuming the role at all.
 */
export const SERVICES_WITH_SOURCE_ACCOUNT: ReadonlySet<string> = new Set([
  "backup.amazonaws.com",
  "codebuild.amazonaws.com",
  "config.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "events.amazonaws.com",
  "firehose.amazonaws.com",
  "glue.amazonaws.com",
  "lambda.amazonaws.com",
  "sagemaker.amazonaws.com",
  "scheduler.amazonaws.com",
  "states.amazonaws.com",
]);

export const MAX_MFA_AGE_SECONDS = 3600;

export interface ServiceTrustInput {
  accountId: string;
  services: string[];
}

/** AWS services assuming the role; `aws:SourceAccount` wherever the service sends it. */
export function serviceTrust(input: ServiceTrustInput): PolicyDocument {
  if (input.services.length === 0) throw new Error("a service role needs at least one service principal");
  const pinned = input.services.filter((s) => SERVICES_WITH_SOURCE_ACCOUNT.has(s));
  const other = input.services.filter((s) => !SERVICES_WITH_SOURCE_ACCOUNT.has(s));
  const statements: Statement[] = [];
  if (pinned.length > 0) {
    statements.push({
      Sid: "ServicesOfThisAccount",
      Effect: "Allow",
      Principal: { Service: pinned },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": input.accountId } },
    });
  }
  if (other.length > 0) statements.push({ Sid: "Services", Effect: "Allow", Principal: { Service: other }, Action: "sts:AssumeRole" });
  return policyDocument(statements);
}

export interface CrossAccountTrustInput {
  organizationId: string;
  /** Exact role ARNs in accounts of the organization. */
  orgPrincipalArns: string[];
  /** Exact role ARNs outside the organization (third parties); these require externalId. */
  externalPrincipalArns?: string[];
  externalId?: string;
}

/** Named roles of other accounts: the organization's (with `aws:PrincipalOrgID`) and third parties' (with `sts:ExternalId`, theirs alone). */
export function crossAccountTrust(input: CrossAccountTrustInput): PolicyDocument {
  const statements: Statement[] = [];
  if (input.orgPrincipalArns.length > 0) {
    const p = principalsByAccount(input.orgPrincipalArns);
    statements.push({
      Sid: "OrganizationRoles",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: "sts:AssumeRole",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": p.arns },
        // The external id is the third party's shared secret: the organization's own roles never need it.
        StringEquals: { "aws:PrincipalOrgID": input.organizationId },
      },
    });
  }
  const external = input.externalPrincipalArns ?? [];
  if (external.length > 0) {
    if (!input.externalId) throw new Error("trusting a role outside the organization requires an external id (sts:ExternalId)");
    const p = principalsByAccount(external);
    statements.push({
      Sid: "ThirdPartyRoles",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: "sts:AssumeRole",
      Condition: { ArnEquals: { "aws:PrincipalArn": p.arns }, StringEquals: { "sts:ExternalId": input.externalId } },
    });
  }
  if (statements.length === 0) throw new Error("a cross-account role must trust at least one role");
  return policyDocument(statements);
}

export interface HumanTrustInput {
  organizationId: string;
  principalArns: string[];
  /** How recent the MFA sign-in must be; default (and at most) 3600 s. */
  maxMfaAgeSeconds?: number;
}

/** People (human and break-glass roles): named roles of the organization, signed in with MFA recently (default: within the hour). */
export function humanTrust(input: HumanTrustInput): PolicyDocument {
  const p = principalsByAccount(input.principalArns);
  if (p.arns.length === 0) throw new Error("a human role must trust at least one role");
  return policyDocument([
    {
      Sid: "PeopleWithMfa",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: "sts:AssumeRole",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": p.arns },
        Bool: { "aws:MultiFactorAuthPresent": true },
        NumericLessThan: { "aws:MultiFactorAuthAge": Math.min(input.maxMfaAgeSeconds ?? MAX_MFA_AGE_SECONDS, MAX_MFA_AGE_SECONDS) },
        StringEquals: { "aws:PrincipalOrgID": input.organizationId },
      },
    },
  ]);
}

export interface BrokeredTrustInput {
  organizationId: string;
  brokerArn: string;
  /** The only session tag keys the broker may set. */
  sessionTagKeys: string[];
}

/**
 * Just-in-time access: only the broker may assume the role, it must set a source
 * identity (who asked, carried through CloudTrail), and it may tag the session
 * only with the declared keys.
 */
export function brokeredTrust(input: BrokeredTrustInput): PolicyDocument {
  const p = principalsByAccount([input.brokerArn]);
  const base = { ArnEquals: { "aws:PrincipalArn": p.arns }, StringEquals: { "aws:PrincipalOrgID": input.organizationId } };
  const statements: Statement[] = [
    {
      Sid: "BrokerWithSourceIdentity",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { ...base, Null: { "sts:SourceIdentity": "false" } },
    },
  ];
  if (input.sessionTagKeys.length > 0) {
    statements.push({
      Sid: "BrokerDeclaredSessionTags",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: "sts:TagSession",
      Condition: { ...base, "ForAllValues:StringEquals": { "aws:TagKeys": [...input.sessionTagKeys] } },
    });
  }
  return policyDocument(statements);
}

export interface GithubOidcTrustInput {
  /** ARN of the account's token.actions.githubusercontent.com provider. */
  providerArn: string;
  /** Exact subjects; see `GITHUB_SUBJECT`. */
  subjects: string[];
}

export const GITHUB_AUDIENCE = "sts.amazonaws.com";

/** GitHub Actions jobs whose OIDC token has exactly one of the given subjects and the STS audience. */
export function githubOidcTrust(input: GithubOidcTrustInput): PolicyDocument {
  if (input.subjects.length === 0) throw new Error("a GitHub OIDC trust needs at least one subject");
  for (const subject of input.subjects) assertKept(GITHUB_SUBJECT, subject);
  return policyDocument([
    {
      Sid: "GithubActions",
      Effect: "Allow",
      Principal: { Federated: input.providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: [...input.subjects] },
      },
    },
  ]);
}

/**
 * Which subject forms a role trusts: GitHub gives repositories created, renamed or
 * transferred since 2026-07-15 (and older ones that opted in) the immutable form
 * `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, older ones the name-only `repo:OWNER/REPO:…`.
 */
export type GithubSubjectFormat = "immutable" | "legacy" | "both";

/** A repository as its OIDC subjects name it; the ids are needed for the immutable form. */
export interface GithubRepository {
  owner: string;
  repository: string;
  ownerId?: number | undefined;
  repositoryId?: number | undefined;
}

export type GithubJobContext = { pullRequest: true } | { environment: string } | { branch: string };

/** GitHub's subjects for pull-request jobs, environment jobs or branch pushes, in the given forms (immutable first). */
export function githubSubjects(repo: GithubRepository, format: GithubSubjectFormat, on: GithubJobContext): string[] {
  const context = "pullRequest" in on ? "pull_request" : "environment" in on ? `environment:${on.environment}` : `ref:refs/heads/${on.branch}`;
  const subjects: string[] = [];
  if (format !== "legacy") {
    if (repo.ownerId === undefined || repo.repositoryId === undefined) {
      throw new Error(`the immutable OIDC subject of ${repo.owner}/${repo.repository} needs its owner id and repository id`);
    }
    subjects.push(`repo:${repo.owner}@${repo.ownerId}/${repo.repository}@${repo.repositoryId}:${context}`);
  }
  if (format !== "immutable") subjects.push(`repo:${repo.owner}/${repo.repository}:${context}`);
  return subjects;
}

/** A `github` role's subject as configured: the exact string, or one repository's jobs of one kind. */
export type GithubSubjectEntry =
  | string
  | {
      repository: string;
      ownerId: number;
      repositoryId: number;
      environment?: string | undefined;
      branch?: string | undefined;
      pullRequest?: true | undefined;
      subjectFormat: GithubSubjectFormat;
    };

/** Every subject the entries stand for, each once, in order. */
export function githubRoleSubjects(entries: readonly GithubSubjectEntry[]): string[] {
  const subjects = entries.flatMap((entry) => {
    if (typeof entry === "string") return [entry];
    const [owner = "", repository = ""] = entry.repository.split("/");
    const on: GithubJobContext = entry.pullRequest
      ? { pullRequest: true }
      : entry.environment !== undefined
        ? { environment: entry.environment }
        : { branch: entry.branch ?? "" };
    return githubSubjects({ owner, repository, ownerId: entry.ownerId, repositoryId: entry.repositoryId }, entry.subjectFormat, on);
  });
  return [...new Set(subjects)];
}
