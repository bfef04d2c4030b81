import type { Conditions, Statement } from "./document.js";

/**
 * Organization guardrails as plain statements: service control policies (SCPs) limit
 * what principals of member accounts may do; resource control policies (RCPs) limit who
 * may reach the organization's resources. Both can only deny (AWS's FullAWSAccess /
 * RCPFullAWSAccess grant the ceiling), neither applies to the management account, and
 * SCPs do not restrict service-linked roles. Patterns follow AWS's data-perimeter examples.
 */

/** Who a service control policy leaves alone: roles by ARN pattern, or whole accounts. */
export interface PrincipalExemption {
  /** `arn:aws:iam::<account or *>:role<path><name>` */
  roleArns: string[];
  accountIds: string[];
}

/** Resource accounts a resource control policy leaves alone. */
export interface ResourceExemption {
  accountIds: string[];
}

export const NO_EXEMPTION: PrincipalExemption = { roleArns: [], accountIds: [] };

/** ANDed with a Deny's own condition: the Deny applies only to principals not exempted. */
function principalConditions(exempt: PrincipalExemption): Conditions {
  const out: Conditions = {};
  if (exempt.roleArns.length > 0) out.ArnNotLike = { "aws:PrincipalArn": [...exempt.roleArns] };
  if (exempt.accountIds.length > 0) out.StringNotEquals = { "aws:PrincipalAccount": [...exempt.accountIds] };
  return out;
}

function resourceConditions(exempt: ResourceExemption): Conditions {
  return exempt.accountIds.length > 0 ? { StringNotEquals: { "aws:ResourceAccount": [...exempt.accountIds] } } : {};
}

/** Merges condition blocks; the same operator's keys are combined (they must not collide). */
function merge(...blocks: Conditions[]): Conditions | undefined {
  const out: Conditions = {};
  for (const block of blocks) {
    for (const [operator, byKey] of Object.entries(block)) {
      for (const [key, value] of Object.entries(byKey)) {
        if (out[operator]?.[key] !== undefined) throw new Error(`guardrail condition ${operator} ${key} is set twice`);
        out[operator] = { ...out[operator], [key]: value };
      }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function deny(sid: string, fields: Omit<Statement, "Sid" | "Effect" | "Condition">, ...conditions: Conditions[]): Statement {
  const condition = merge(...conditions);
  return { Sid: sid, Effect: "Deny", ...fields, ...(condition ? { Condition: condition } : {}) };
}

// ---- Service control policies ---------------------------------------------------

/** Every IAM API that mints a long-lived credential. */
export const STANDING_CREDENTIAL_ACTIONS = [
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:CreateUser",
  "iam:UpdateLoginProfile",
  "iam:UploadSSHPublicKey",
  "iam:UploadSigningCertificate",
] as const;

export function noStandingCredentials(exempt: PrincipalExemption = NO_EXEMPTION): Statement[] {
  return [deny("DenyStandingCredentials", { Action: [...STANDING_CREDENTIAL_ACTIONS], Resource: "*" }, principalConditions(exempt))];
}

/** What the protect-baseline guardrail covers; the deploy and apply roles are always exempt. */
export interface ProtectedBaseline {
  /** Role ARN patterns (`arn:aws:iam::*:role/<name>`): the deploy, pipeline, execution and Config roles. */
  roleArns: string[];
  /** The permission boundary's ARN pattern. */
  boundaryArn: string;
  /** Whether the GitHub OIDC provider is part of the baseline. */
  githubOidcProvider: boolean;
  /** Alias prefix of baseline keys, e.g. `alias/org-baseline/`. */
  keyAliasPrefix: string;
  /** Secret ARN patterns (`arn:aws:secretsmanager:*:*:secret:<name>-??????`). */
  secretArns: string[];
  /** Who administers the baseline: the deploy roles and the pipelines' apply role (ARN patterns), plus exceptions. */
  administrators: PrincipalExemption;
  /**
   * Roles the config declares as key administrators (exact ARNs): their keys' policies grant
   * them management, so the guardrail defers to those policies rather than overriding the config.
   */
  keyAdministrators: string[];
}

const ROLE_CHANGES = [
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
];
const POLICY_CHANGES = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
];
const OIDC_PROVIDER_CHANGES = [
  "iam:AddClientIDToOpenIDConnectProvider",
  "iam:CreateOpenIDConnectProvider",
  "iam:DeleteOpenIDConnectProvider",
  "iam:RemoveClientIDFromOpenIDConnectProvider",
  "iam:TagOpenIDConnectProvider",
  "iam:UntagOpenIDConnectProvider",
  "iam:UpdateOpenIDConnectProviderThumbprint",
];
const KEY_CHANGES = ["kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"];
const ALIAS_CHANGES = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"];
const SECRET_CHANGES = [
  "secretsmanager:CancelRotateSecret",
  "secretsmanager:DeleteResourcePolicy",
  "secretsmanager:PutResourcePolicy",
  "secretsmanager:RotateSecret",
];
const CONFIG_CHANGES = [
  "config:DeleteConfigurationAggregator",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:DeleteOrganizationConfigRule",
  "config:DeleteRetentionConfiguration",
  "config:PutConfigurationAggregator",
  "config:PutConfigurationRecorder",
  "config:PutDeliveryChannel",
  "config:StopConfigurationRecorder",
];
const SECURITY_HUB_CHANGES = [
  "securityhub:BatchDisableStandards",
  "securityhub:BatchUpdateStandardsControlAssociations",
  "securityhub:DeleteFindingAggregator",
  "securityhub:DeleteMembers",
  "securityhub:DisableSecurityHub",
  "securityhub:DisassociateFromAdministratorAccount",
  "securityhub:DisassociateMembers",
  "securityhub:UpdateStandardsControl",
];
const TRAIL_CHANGES = [
  "cloudtrail:DeleteTrail",
  "cloudtrail:PutEventSelectors",
  "cloudtrail:PutInsightSelectors",
  "cloudtrail:StopLogging",
  "cloudtrail:UpdateTrail",
];

export function protectBaseline(input: ProtectedBaseline): Statement[] {
  const except = principalConditions(input.administrators);
  const statements: Statement[] = [
    deny("ProtectBaselineRoles", { Action: ROLE_CHANGES, Resource: [...input.roleArns] }, except),
    deny("ProtectPermissionBoundary", { Action: POLICY_CHANGES, Resource: input.boundaryArn }, except),
  ];
  if (input.githubOidcProvider) {
    statements.push(
      deny(
        "ProtectGithubOidcProvider",
        { Action: OIDC_PROVIDER_CHANGES, Resource: "arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com" },
        except,
      ),
    );
  }
  statements.push(
    // Key operations carry the key's aliases (kms:ResourceAliases), so keys are found by the baseline's alias prefix.
    deny(
      "ProtectBaselineKeys",
      { Action: KEY_CHANGES, Resource: "*" },
      { "ForAnyValue:StringLike": { "kms:ResourceAliases": `${input.keyAliasPrefix}*` } },
      principalConditions({ ...input.administrators, roleArns: [...input.administrators.roleArns, ...input.keyAdministrators] }),
    ),
    deny("ProtectBaselineKeyAliases", { Action: ALIAS_CHANGES, Resource: `arn:aws:kms:*:*:${input.keyAliasPrefix}*` }, except),
  );
  if (input.secretArns.length > 0) statements.push(deny("ProtectBaselineSecrets", { Action: SECRET_CHANGES, Resource: [...input.secretArns] }, except));
  statements.push(
    deny("ProtectConfig", { Action: CONFIG_CHANGES, Resource: "*" }, except),
    deny("ProtectSecurityHub", { Action: SECURITY_HUB_CHANGES, Resource: "*" }, except),
    deny("ProtectCloudTrail", { Action: TRAIL_CHANGES, Resource: "*" }, except),
  );
  return statements;
}

export function denyLeaveOrganization(exempt: PrincipalExemption = NO_EXEMPTION): Statement[] {
  return [deny("DenyLeaveOrganization", { Action: "organizations:LeaveOrganization", Resource: "*" }, principalConditions(exempt))];
}

export function denyRootUser(exempt: PrincipalExemption = NO_EXEMPTION): Statement[] {
  // Exempting a root user means exempting its account; role exemptions do not apply to root.
  const accounts: Conditions = exempt.accountIds.length > 0 ? { StringNotEquals: { "aws:PrincipalAccount": [...exempt.accountIds] } } : {};
  return [deny("DenyRootUser", { Action: "*", Resource: "*" }, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } }, accounts)];
}

/**
 * Actions of AWS's global services, whose requests reach us-east-1 (or another fixed region)
 * whatever region the caller works in; AWS's region-deny example exempts them.
 */
export const GLOBAL_SERVICE_ACTIONS = [
  "a4b:*",
  "acm:*",
  "aws-marketplace-management:*",
  "aws-marketplace:*",
  "aws-portal:*",
  "budgets:*",
  "ce:*",
  "chime:*",
  "cloudfront:*",
  "config:*",
  "cur:*",
  "directconnect:*",
  "ec2:DescribeRegions",
  "ec2:DescribeTransitGateways",
  "ec2:DescribeVpnGateways",
  "fms:*",
  "globalaccelerator:*",
  "health:*",
  "iam:*",
  "importexport:*",
  "kms:*",
  "mobileanalytics:*",
  "networkmanager:*",
  "organizations:*",
  "pricing:*",
  "route53-recovery-cluster:*",
  "route53-recovery-control-config:*",
  "route53-recovery-readiness:*",
  "route53:*",
  "route53domains:*",
  "s3:GetAccountPublic*",
  "s3:ListAllMyBuckets",
  "s3:ListMultiRegionAccessPoints",
  "s3:PutAccountPublic*",
  "shield:*",
  "sts:*",
  "support:*",
  "trustedadvisor:*",
  "waf-regional:*",
  "waf:*",
  "wafv2:*",
  "wellarchitected:*",
] as const;

export interface RegionDenyInput {
  regions: string[];
  exemptActions: string[];
  exempt?: PrincipalExemption;
}

export function regionDeny(input: RegionDenyInput): Statement[] {
  return [
    deny(
      "DenyOutsideAllowedRegions",
      { NotAction: [...GLOBAL_SERVICE_ACTIONS, ...input.exemptActions], Resource: "*" },
      { StringNotEquals: { "aws:RequestedRegion": [...input.regions] } },
      principalConditions(input.exempt ?? NO_EXEMPTION),
    ),
  ];
}

// ---- Resource control policies --------------------------------------------------

/** Services the baseline's resources live in, all of which RCPs cover. */
export const PERIMETER_SERVICES = ["ecr", "kms", "logs", "s3", "secretsmanager", "sts"] as const;

/**
 * STS actions an outside identity could call on the organization's roles. Web-identity and
 * SAML callers carry no `aws:PrincipalOrgID`, so they are governed by the identity-provider
 * guardrail instead; so are TagSession and SetSourceIdentity, which ride on those calls.
 */
const STS_IDENTITY_ACTIONS = [
  "sts:AssumeRole",
  "sts:DecodeAuthorizationMessage",
  "sts:GetAccessKeyInfo",
  "sts:GetFederationToken",
  "sts:GetServiceBearerToken",
  "sts:GetSessionToken",
  "sts:SetContext",
];

const serviceWide = (services: readonly string[]): string[] => services.map((s) => `${s}:*`);

export interface PerimeterInput {
  organizationId: string;
  /** Accounts of third parties the config trusts (cross-account roles' `trusted` ARNs). */
  thirdPartyAccountIds: string[];
  exempt?: ResourceExemption;
}

export function resourcePerimeter(input: PerimeterInput): Statement[] {
  const outsiders: Record<string, string | string[]> = { "aws:PrincipalOrgID": input.organizationId };
  if (input.thirdPartyAccountIds.length > 0) outsiders["aws:PrincipalAccount"] = [...input.thirdPartyAccountIds];
  return [
    deny(
      "EnforceOrgIdentities",
      { Principal: "*", Action: [...serviceWide(PERIMETER_SERVICES.filter((s) => s !== "sts")), ...STS_IDENTITY_ACTIONS], Resource: "*" },
      { StringNotEqualsIfExists: outsiders, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } },
      resourceConditions(input.exempt ?? { accountIds: [] }),
    ),
  ];
}

export function confusedDeputy(input: { organizationId: string; exempt?: ResourceExemption }): Statement[] {
  return [
    deny(
      "EnforceConfusedDeputyProtection",
      { Principal: "*", Action: serviceWide(PERIMETER_SERVICES), Resource: "*" },
      {
        StringNotEqualsIfExists: { "aws:SourceOrgID": input.organizationId },
        // Only requests a service makes on behalf of a resource (it sends aws:SourceAccount).
        Null: { "aws:SourceAccount": "false" },
        Bool: { "aws:PrincipalIsAWSService": "true" },
      },
      resourceConditions(input.exempt ?? { accountIds: [] }),
    ),
  ];
}

export function secureTransport(exempt: ResourceExemption = { accountIds: [] }): Statement[] {
  return [
    deny(
      "EnforceSecureTransport",
      { Principal: "*", Action: serviceWide(PERIMETER_SERVICES), Resource: "*" },
      { BoolIfExists: { "aws:SecureTransport": "false" } },
      resourceConditions(exempt),
    ),
  ];
}

export const GITHUB_ISSUER = "token.actions.githubusercontent.com";

export interface IdentityProvidersInput {
  /** `sub` patterns of the GitHub owners whose workflows may federate (`repo:OWNER@ID/*`, `repo:OWNER/*`); empty: GitHub is not trusted. */
  githubSubjects: string[];
  /** Other trusted OIDC issuers (`host/path` as in the provider URL). */
  issuers: string[];
  exempt?: ResourceExemption;
}

/**
 * Web-identity federation only from declared issuers, and for GitHub (one issuer for every
 * GitHub customer) only from the declared owners' repositories, in both subject forms:
 * `repo:OWNER/REPO:...` and the immutable `repo:OWNER@ID/REPO@ID:...` (whose owner id
 * also refuses a reused owner name).
 */
export function trustedIdentityProviders(input: IdentityProvidersInput): Statement[] {
  const exempt = resourceConditions(input.exempt ?? { accountIds: [] });
  const issuers = [...(input.githubSubjects.length > 0 ? [GITHUB_ISSUER] : []), ...input.issuers];
  const action = { Principal: "*" as const, Action: "sts:AssumeRoleWithWebIdentity", Resource: "*" };
  // A token of an undeclared issuer carries none of the declared issuers' claims.
  const statements = [
    deny("EnforceTrustedOidcProviders", action, issuers.length > 0 ? { Null: Object.fromEntries(issuers.map((i) => [`${i}:sub`, "true"])) } : {}, exempt),
  ];
  if (input.githubSubjects.length > 0) {
    statements.push(
      deny(
        "EnforceGithubOwners",
        action,
        {
          StringNotLikeIfExists: { [`${GITHUB_ISSUER}:sub`]: [...input.githubSubjects] },
          Null: { [`${GITHUB_ISSUER}:sub`]: "false" },
        },
        exempt,
      ),
    );
  }
  return statements;
}
