import type { PathSegment } from "../config/errors.js";
import type { ResolvedOrg } from "../config/model.js";
import type { GuardrailException, GuardrailId, GuardrailsConfig } from "../config/sections/guardrails.js";
import { keyAliasName, roleArn } from "./naming.js";
import { byCodePoint } from "./order.js";
import { policyJson, type PolicyDocument, type Statement } from "./policies/document.js";
import {
  confusedDeputy,
  denyLeaveOrganization,
  denyRootUser,
  noStandingCredentials,
  protectBaseline,
  regionDeny,
  resourcePerimeter,
  secureTransport,
  trustedIdentityProviders,
  type PrincipalExemption,
  type ResourceExemption,
} from "./policies/guardrail-policies.js";

/**
 * The organization's guardrails as data: each enabled guardrail's statements, packed into
 * as few policies as AWS's limits allow, with every limit checked here (at load), not
 * discovered at apply.
 */

export type PolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** AWS's limit on a policy document, counted on the minified JSON that is sent. */
export const MAX_POLICY_BYTES = 5120;
/** Policies of one type attached to one root, OU or account. */
export const MAX_POLICIES_PER_TARGET = 5;
/** AWS's FullAWSAccess / RCPFullAWSAccess stays attached everywhere and counts toward the five. */
export const AWS_FULL_ACCESS_POLICIES = 1;

/** Every guardrail, its policy type and the statement ids that make it up (split statements add a number). */
export const GUARDRAILS: Record<GuardrailId, { type: PolicyType; sids: readonly string[]; title: string }> = {
  noStandingCredentials: { type: "SERVICE_CONTROL_POLICY", sids: ["DenyStandingCredentials"], title: "no standing credentials" },
  protectBaseline: {
    type: "SERVICE_CONTROL_POLICY",
    sids: [
      "ProtectBaselineRoles",
      "ProtectPermissionBoundary",
      "ProtectBaselineKeys",
      "ProtectBaselineKeyAliases",
      "ProtectConfig",
      "ProtectSecurityHub",
      "ProtectCloudTrail",
    ],
    title: "protect the baseline",
  },
  denyLeaveOrganization: { type: "SERVICE_CONTROL_POLICY", sids: ["DenyLeaveOrganization"], title: "deny leaving the organization" },
  denyRootUser: { type: "SERVICE_CONTROL_POLICY", sids: ["DenyRootUser"], title: "deny the root user" },
  regionDeny: { type: "SERVICE_CONTROL_POLICY", sids: ["DenyOutsideAllowedRegions"], title: "deny regions outside the allowed ones" },
  resourcePerimeter: { type: "RESOURCE_CONTROL_POLICY", sids: ["EnforceOrgIdentities"], title: "resource perimeter" },
  confusedDeputy: { type: "RESOURCE_CONTROL_POLICY", sids: ["EnforceConfusedDeputyProtection"], title: "confused-deputy protection" },
  secureTransport: { type: "RESOURCE_CONTROL_POLICY", sids: ["EnforceSecureTransport"], title: "TLS only" },
  trustedIdentityProviders: { type: "RESOURCE_CONTROL_POLICY", sids: ["EnforceTrustedOidcProviders"], title: "trusted identity providers" },
};

export const GUARDRAIL_IDS = Object.keys(GUARDRAILS) as GuardrailId[];

/** One guardrail's statements and where they are attached. */
export interface GuardrailStatements {
  id: GuardrailId;
  type: PolicyType;
  targets: string[];
  statements: Statement[];
}

/** One organization policy to create and attach. */
export interface GuardrailPolicy {
  name: string;
  type: PolicyType;
  description: string;
  /** OU paths (`/` is the root). */
  targets: string[];
  guardrails: GuardrailId[];
  document: PolicyDocument;
  /** Minified, canonical: what is sent to AWS. */
  json: string;
  bytes: number;
}

export interface GuardrailProblem {
  path: PathSegment[];
  message: string;
}

export interface GuardrailPlan {
  policies: GuardrailPolicy[];
  /** Guardrails switched off, with their reasons. */
  disabled: Array<{ id: GuardrailId; reason: string }>;
  problems: GuardrailProblem[];
}

/** `/Workloads/Prod/` and `/Workloads/Prod` are the same OU. */
export function normalizeOuPath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The root and every OU (with its ancestors) the config's accounts live in. */
export function knownOuPaths(accounts: ReadonlyArray<{ ou: string }>): Set<string> {
  const paths = new Set(["/"]);
  for (const account of accounts) {
    const parts = normalizeOuPath(account.ou).split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join("/")}`);
  }
  return paths;
}

/** The account of an IAM ARN. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
}

/** A role exception (`name` or `/path/name`) as an ARN pattern: `arn:aws:iam::<account or *>:role<path><name>`. */
export function exceptionRoleArn(role: string, accountId: string | undefined): string {
  const slash = role.lastIndexOf("/");
  const path = slash >= 0 ? role.slice(0, slash + 1) : "/";
  return roleArn(accountId ?? "*", role.slice(slash + 1), path);
}

function principalExemption(
  org: ResolvedOrg,
  exceptions: readonly GuardrailException[],
  always: PrincipalExemption = { roleArns: [], accountIds: [] },
): PrincipalExemption {
  const roleArns = [...always.roleArns];
  const accountIds = [...always.accountIds];
  for (const e of exceptions) {
    const accountId = e.account === undefined ? undefined : org.accountByName.get(e.account)?.id;
    if (e.role !== undefined) roleArns.push(exceptionRoleArn(e.role, accountId));
    else if (accountId !== undefined) accountIds.push(accountId);
  }
  return { roleArns: sortedUnique(roleArns), accountIds: sortedUnique(accountIds) };
}

function resourceExemption(org: ResolvedOrg, exceptions: readonly GuardrailException[]): ResourceExemption {
  return { accountIds: sortedUnique(exceptions.flatMap((e) => (e.account === undefined ? [] : [org.accountByName.get(e.account)?.id ?? ""])).filter(Boolean)) };
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(byCodePoint);
}

/** The deploy roles and the pipelines' apply role, in every account: they administer the baseline. */
export function baselineAdministrators(org: ResolvedOrg): string[] {
  const names = org.accounts.map((a) => a.deployRoleArn.replace(/^arn:aws:iam::\d{12}:/, "arn:aws:iam::*:"));
  if (org.config.pipelines) names.push(roleArn("*", org.config.pipelines.applyRoleName));
  return sortedUnique(names);
}

/** Every role the baseline creates or assumes, as account-independent ARN patterns. */
export function baselineRoleArns(org: ResolvedOrg): string[] {
  const arns = baselineAdministrators(org);
  const { pipelines, compliance } = org.config;
  if (pipelines) arns.push(roleArn("*", pipelines.planRoleName));
  if (compliance.config.recorder) arns.push(roleArn("*", compliance.config.recorder.roleName));
  if (org.securityAccount) arns.push(roleArn("*", compliance.config.aggregator.roleName));
  for (const account of org.accounts) for (const role of account.roles) arns.push(roleArn("*", role.name, role.path));
  return sortedUnique(arns);
}

/** Roles the config names as key administrators, by exact ARN. */
export function keyAdministrators(org: ResolvedOrg): string[] {
  const arns: string[] = [];
  for (const account of org.accounts) {
    for (const key of account.keys) {
      for (const ref of key.administrators) arns.push(org.roleOf(ref).role.arn);
    }
  }
  return sortedUnique(arns);
}

/**
 * `sub` patterns of the GitHub owners whose workflows the config trusts (the pipelines' and
 * `github` roles'): `repo:OWNER@OWNER_ID/*` for the immutable form (`repo:OWNER@*` when the
 * id is not declared), and `repo:OWNER/*` where the name-only form is in use.
 */
export function githubSubjectPatterns(org: ResolvedOrg): string[] {
  const patterns: string[] = [];
  const add = (owner: string, id: number | undefined, format: "immutable" | "legacy" | "both") => {
    if (format !== "legacy") patterns.push(`repo:${owner}@${id ?? "*"}/*`);
    if (format !== "immutable" || id === undefined) patterns.push(`repo:${owner}/*`);
  };
  const github = org.config.pipelines?.github;
  if (github) add(github.owner, github.ownerId, github.subjectFormat);
  for (const account of org.accounts) {
    for (const role of account.roles) {
      if (role.kind !== "github") continue;
      for (const subject of role.subjects) {
        if (typeof subject !== "string") {
          add(subject.repository.split("/")[0]!, subject.ownerId, subject.subjectFormat);
          continue;
        }
        const m = /^repo:([^/@:]+)(?:@(\d+))?\//.exec(subject);
        if (m) add(m[1]!, m[2] === undefined ? undefined : Number(m[2]), m[2] === undefined ? "legacy" : "immutable");
      }
    }
  }
  return sortedUnique(patterns);
}

/** Accounts outside the organization that cross-account roles trust by ARN. */
export function thirdPartyAccounts(org: ResolvedOrg): string[] {
  const ids: string[] = [];
  for (const account of org.accounts) {
    for (const role of account.roles) {
      if (role.kind !== "cross-account") continue;
      for (const trusted of role.trusted) {
        if (typeof trusted === "string" || !("arn" in trusted)) continue;
        const id = arnAccount(trusted.arn);
        if (id && !org.accountById.has(id)) ids.push(id);
      }
    }
  }
  return sortedUnique(ids);
}

/** Regions the region deny allows: the configured ones, or every region the organization and its state use. */
export function allowedRegions(org: ResolvedOrg, guardrails: GuardrailsConfig): string[] {
  const backend = org.config.backend.type === "s3" ? [org.config.backend.region] : [];
  return sortedUnique(guardrails.regionDeny.allowedRegions ?? [...org.regions, ...backend]);
}

/** Each enabled guardrail's statements, from the resolved organization. */
export function guardrailStatements(org: ResolvedOrg, guardrails: GuardrailsConfig): GuardrailStatements[] {
  const organizationId = org.config.organization.id;
  const administrators: PrincipalExemption = { roleArns: baselineAdministrators(org), accountIds: [] };
  const builders: Record<GuardrailId, () => Statement[]> = {
    noStandingCredentials: () => noStandingCredentials(principalExemption(org, guardrails.noStandingCredentials.exceptions)),
    protectBaseline: () =>
      protectBaseline({
        roleArns: baselineRoleArns(org),
        boundaryArn: `arn:aws:iam::*:policy${org.config.permissionBoundary.path}${org.config.permissionBoundary.name}`,
        githubOidcProvider: org.config.pipelines !== undefined || org.accounts.some((a) => a.roles.some((r) => r.kind === "github")),
        keyAliasPrefix: keyAliasName(""),
        secretArns: sortedUnique(org.accounts.flatMap((a) => a.secrets.map((s) => `arn:aws:secretsmanager:*:*:secret:${s.name}-??????`))),
        administrators: principalExemption(org, guardrails.protectBaseline.exceptions, administrators),
        keyAdministrators: keyAdministrators(org),
      }),
    denyLeaveOrganization: () => denyLeaveOrganization(principalExemption(org, guardrails.denyLeaveOrganization.exceptions)),
    denyRootUser: () => denyRootUser(principalExemption(org, guardrails.denyRootUser.exceptions)),
    regionDeny: () =>
      regionDeny({
        regions: allowedRegions(org, guardrails),
        exemptActions: sortedUnique(guardrails.regionDeny.exemptActions),
        exempt: principalExemption(org, guardrails.regionDeny.exceptions),
      }),
    resourcePerimeter: () =>
      resourcePerimeter({
        organizationId,
        thirdPartyAccountIds: thirdPartyAccounts(org),
        exempt: resourceExemption(org, guardrails.resourcePerimeter.exceptions),
      }),
    confusedDeputy: () => confusedDeputy({ organizationId, exempt: resourceExemption(org, guardrails.confusedDeputy.exceptions) }),
    secureTransport: () => secureTransport(resourceExemption(org, guardrails.secureTransport.exceptions)),
    trustedIdentityProviders: () =>
      trustedIdentityProviders({
        githubSubjects: githubSubjectPatterns(org),
        issuers: sortedUnique(guardrails.trustedIdentityProviders.issuers.map((i) => i.host)),
        exempt: resourceExemption(org, guardrails.trustedIdentityProviders.exceptions),
      }),
  };
  return GUARDRAIL_IDS.filter((id) => guardrails[id].enabled).map((id) => ({
    id,
    type: GUARDRAILS[id].type,
    targets: sortedUnique(guardrails[id].targets.map(normalizeOuPath)),
    statements: builders[id](),
  }));
}

function documentBytes(statements: Statement[]): number {
  return Buffer.byteLength(policyJson({ Version: "2012-10-17", Statement: statements }), "utf8");
}

/**
 * A statement too large for one policy, split over its Resource list (each part keeps
 * every action and condition, so together they deny the same). Undefined when it cannot be split.
 */
function splitStatement(statement: Statement): Statement[] | undefined {
  if (documentBytes([statement]) <= MAX_POLICY_BYTES) return [statement];
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [];
  if (resources.length < 2) return undefined;
  const half = Math.ceil(resources.length / 2);
  const parts = [resources.slice(0, half), resources.slice(half)].map((r) => splitStatement({ ...statement, Resource: r }));
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.flatMap((p) => p!).map((s, i) => ({ ...s, Sid: `${statement.Sid}${i + 1}` }));
}

const TYPE_SLUG: Record<PolicyType, string> = { SERVICE_CONTROL_POLICY: "scp", RESOURCE_CONTROL_POLICY: "rcp" };

function targetSlug(targets: string[]): string {
  return targets
    .map((t) =>
      t === "/"
        ? "root"
        : t
            .slice(1)
            .replace(/[^A-Za-z0-9]+/g, "-")
            .toLowerCase(),
    )
    .join("+");
}

/**
 * Packs the enabled guardrails into organization policies: guardrails of one type with the
 * same targets share policies (first fit, in catalog order), statements too large alone are
 * split over their resources, and every limit is checked. Problems name the config path.
 */
export function planGuardrails(org: ResolvedOrg, guardrails: GuardrailsConfig): GuardrailPlan {
  const problems: GuardrailProblem[] = [];
  const groups = new Map<string, { type: PolicyType; targets: string[]; items: Array<{ id: GuardrailId; statement: Statement }> }>();
  for (const g of guardrailStatements(org, guardrails)) {
    const key = `${g.type} ${g.targets.join(",")}`;
    const group = groups.get(key) ?? { type: g.type, targets: g.targets, items: [] };
    groups.set(key, group);
    for (const statement of g.statements) {
      const parts = splitStatement(statement);
      if (!parts) {
        problems.push({
          path: ["guardrails", g.id],
          message: `statement ${statement.Sid} alone is ${documentBytes([statement])} bytes minified, over AWS's ${MAX_POLICY_BYTES}-byte policy limit, and cannot be split; shorten its lists (exceptions, regions, actions)`,
        });
        continue;
      }
      group.items.push(...parts.map((p) => ({ id: g.id, statement: p })));
    }
  }

  const policies: GuardrailPolicy[] = [];
  for (const group of groups.values()) {
    const bins: Array<typeof group.items> = [];
    for (const item of group.items) {
      const bin = bins.find((b) => documentBytes([...b, item].map((i) => i.statement)) <= MAX_POLICY_BYTES);
      if (bin) bin.push(item);
      else bins.push([item]);
    }
    const slug = targetSlug(group.targets);
    bins.forEach((bin, i) => {
      const document: PolicyDocument = { Version: "2012-10-17", Statement: bin.map((b) => b.statement) };
      const ids = [...new Set(bin.map((b) => b.id))];
      const json = policyJson(document);
      policies.push({
        name: `org-baseline-${TYPE_SLUG[group.type]}-${slug}${bins.length > 1 ? `-${i + 1}` : ""}`.slice(0, 128),
        type: group.type,
        description: `org-baseline guardrails: ${ids.map((id) => GUARDRAILS[id].title).join(", ")}`,
        targets: group.targets,
        guardrails: ids,
        document,
        json,
        bytes: Buffer.byteLength(json, "utf8"),
      });
    });
  }

  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] as const) {
    const targets = sortedUnique(policies.filter((p) => p.type === type).flatMap((p) => p.targets));
    for (const target of targets) {
      const attached = policies.filter((p) => p.type === type && p.targets.includes(target));
      const count = AWS_FULL_ACCESS_POLICIES + attached.length;
      if (count <= MAX_POLICIES_PER_TARGET) continue;
      const culprits = GUARDRAIL_IDS.filter(
        (id) => GUARDRAILS[id].type === type && guardrails[id].enabled && guardrails[id].targets.map(normalizeOuPath).includes(target),
      );
      problems.push({
        path: ["guardrails", culprits[culprits.length - 1] ?? "", "targets"],
        message: `${target} would carry ${count} ${TYPE_SLUG[type].toUpperCase()}s (${attached.map((p) => p.name).join(", ")} and AWS's full-access policy), over AWS's limit of ${MAX_POLICIES_PER_TARGET}; give ${culprits.join(", ")} the same targets so they share policies`,
      });
    }
  }

  const disabled = GUARDRAIL_IDS.filter((id) => !guardrails[id].enabled).map((id) => ({ id, reason: guardrails[id].reason ?? "" }));
  return { policies, disabled, problems };
}
