import { z } from "zod";
import { PRINCIPAL_SERVICES } from "../aws-services.js";
import { resourceName, tags } from "./common.js";
import { githubId, subjectFormat } from "./pipelines.js";
import { accountName, keyRef, secretRef, serviceName } from "./refs.js";

/**
 * Per-account execution roles (`accounts[].roles`). The kind decides the trust
 * policy; grants, managed policies and statements decide what the role may do.
 * Ranges and references are checked in config/checks/identity.ts, where each
 * refusal says why the pattern is unsafe.
 */

/** A trusted principal: a role of an org account by name, or an exact role ARN (third parties). */
const principal = z.union([z.strictObject({ account: accountName, role: resourceName }), z.strictObject({ arn: z.string().min(1) })]);

const keyGrant = z.strictObject({
  key: keyRef,
  /** Services the key may be used through (`kms:ViaService`), e.g. [secretsmanager, s3]. */
  via: z.array(serviceName).min(1, "name the services the key is used through (kms:ViaService)"),
  access: z.enum(["decrypt", "encrypt", "encrypt-decrypt"]).default("decrypt"),
});

const grants = z
  .strictObject({
    /** Read these secrets (GetSecretValue, DescribeSecret); the secret's policy and key policy follow. */
    secrets: z.array(secretRef).default([]),
    keys: z.array(keyGrant).default([]),
    /** Write events to these log groups of this account. */
    logGroups: z.array(z.string().regex(/^[A-Za-z0-9_\-/.#]{1,512}$/, "a log group name")).default([]),
    /**
     * Attribute-based access: read this account's secrets, and decrypt through
     * Secrets Manager with its keys, whose tags equal the role's own tags for these keys.
     */
    abac: z.strictObject({ tagKeys: z.array(z.string().min(1)).min(1, "name at least one tag key") }).optional(),
    /**
     * IAM outbound identity federation: mint signed JWTs (sts:GetWebIdentityToken) for
     * exactly these audiences, no longer-lived than maxDurationSeconds, instead of
     * storing a third party's API key. The account must be enabled once (see README).
     */
    outboundTokens: z
      .strictObject({
        audiences: z.array(z.string().min(1).max(1000)).min(1, "name the audiences").max(10, "GetWebIdentityToken accepts at most 10 audiences"),
        maxDurationSeconds: z.number().int().min(60, "tokens live 60-3600 s").max(3600, "tokens live 60-3600 s"),
        /** Tags the workload may put in its tokens, each with its only allowed value. */
        tags: z.record(z.string().regex(/^[\w.:/=+\-@]{1,128}$/, "a tag key"), z.string().max(256)).optional(),
      })
      .optional(),
  })
  .default({ secrets: [], keys: [], logGroups: [] });

const conditionBlock = z.record(
  z.string(),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))])),
);

/** A hand-written identity statement, for what grants cannot say. Refused if it matches the must-never list. */
const statement = z.strictObject({
  sid: z
    .string()
    .regex(/^[A-Za-z0-9]{1,100}$/, "letters and digits")
    .optional(),
  effect: z.enum(["Allow", "Deny"]).default("Allow"),
  actions: z.array(z.string().min(1)).min(1, "at least one action"),
  resources: z.array(z.string().min(1)).min(1, "at least one resource ARN"),
  conditions: conditionBlock.optional(),
});

const common = {
  name: resourceName,
  description: z.string().max(1000).optional(),
  path: z
    .string()
    .regex(/^\/(?:[A-Za-z0-9_+=,.@-]+\/)*$/, "an IAM path such as / or /apps/")
    .default("/"),
  /** Tags on the role; ABAC matches them (`aws:PrincipalTag/<key>`). The account's tags are added. */
  tags: tags.default({}),
  /** Session bound in seconds; the allowed range depends on the kind (see SESSION_RANGE). */
  maxSessionDuration: z.number().int().optional(),
  grants,
  /** AWS-managed policy ARNs, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess. */
  managedPolicies: z.array(z.string().regex(/^arn:aws:iam::(aws|\d{12}):policy\/.+$/, "a managed policy ARN")).default([]),
  statements: z.array(statement).default([]),
};

const servicePrincipal = z.enum(
  PRINCIPAL_SERVICES.map((s) => `${s}.amazonaws.com` as const),
  { error: (issue) => `a service principal such as lambda.amazonaws.com${issue.input === undefined ? "" : ` (got ${JSON.stringify(issue.input)})`}` },
);

const serviceRole = z.strictObject({
  ...common,
  kind: z.literal("service"),
  /** Service principals, e.g. lambda.amazonaws.com, ecs-tasks.amazonaws.com. */
  services: z.array(servicePrincipal).min(1, "name the services that assume this role, such as lambda.amazonaws.com"),
});

const crossAccountRole = z.strictObject({
  ...common,
  kind: z.literal("cross-account"),
  trusted: z.array(principal).min(1, "name the roles that may assume this one"),
  /** Required when a trusted ARN is outside the organization (a third party). */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, "2-1224 characters of letters, digits and +=,.@:/-")
    .optional(),
});

const humanRole = z.strictObject({
  ...common,
  kind: z.literal("human"),
  trusted: z.array(principal).min(1, "name the roles people sign in with (e.g. an Identity Center role)"),
});

const breakGlassRole = z.strictObject({
  ...common,
  kind: z.literal("break-glass"),
  trusted: z.array(principal).min(1, "name the roles allowed to break the glass"),
});

const brokeredRole = z.strictObject({
  ...common,
  kind: z.literal("brokered"),
  /** The just-in-time access broker: the only principal that may assume this role. */
  broker: z.strictObject({ account: accountName, role: resourceName }),
  /** Session tags the broker may pass (e.g. Ticket); no others. */
  sessionTags: z.array(z.string().regex(/^[\w.:/=+\-@]{1,128}$/, "a tag key")).default([]),
});

/**
 * One repository's jobs of one kind, by name and ids; renders the immutable subject and,
 * unless `subjectFormat` says otherwise, the name-only one too. Exactly one of
 * environment, branch and pullRequest (config/checks/identity.ts).
 */
const githubSubjectSpec = z.strictObject({
  repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "OWNER/REPO, without wildcards"),
  ownerId: githubId,
  repositoryId: githubId,
  environment: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "a GitHub environment name without wildcards")
    .optional(),
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, "a branch name without wildcards")
    .optional(),
  pullRequest: z.literal(true).optional(),
  subjectFormat: subjectFormat.default("both"),
});

const githubRole = z.strictObject({
  ...common,
  kind: z.literal("github"),
  /**
   * Exact OIDC subjects: repo:OWNER@OWNER_ID/REPO@REPO_ID:… (immutable) or repo:OWNER/REPO:…
   * (name-only), followed by environment:NAME, ref:refs/heads/BRANCH or pull_request; or
   * a structured subject.
   */
  subjects: z.array(z.union([z.string().min(1), githubSubjectSpec])).min(1, "name the exact OIDC subjects"),
});

export type GithubSubjectSpec = z.infer<typeof githubSubjectSpec>;

/** Certificate fields IAM Roles Anywhere maps to principal tags (`x509Subject/<field>`, `x509Issuer/<field>`). */
export const X509_FIELDS = ["CN", "O", "OU", "C", "ST", "L"] as const;
const x509Name = z.partialRecord(z.enum(X509_FIELDS), z.string().min(1).max(256));

/** One workload certificate allowed to assume the role: its subject (CN required) and, best, its issuer. */
const certificate = z.strictObject({
  subject: x509Name,
  issuer: x509Name.optional(),
});

const rolesAnywhereRole = z.strictObject({
  ...common,
  kind: z.literal("roles-anywhere"),
  /** The CA whose certificates are trusted: an ACM Private CA, or a PEM bundle of CA certificates in a file next to the config. */
  trustAnchor: z.strictObject({
    acmPcaArn: z
      .string()
      .regex(/^arn:aws:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/, "an ACM Private CA ARN")
      .optional(),
    /** Path relative to the config file; CA certificates only (a private key is refused). */
    certificateBundle: z
      .string()
      .regex(/^[\w./-]+\.(pem|crt)$/, "a .pem or .crt file next to the config")
      .optional(),
  }),
  /** Only these workload certificates may assume the role (trust conditions on their subject and issuer). */
  certificates: z.array(certificate).min(1, "name the workload certificates (subject CN at least)"),
  /** Session policy of the profile: it further limits every session (hand-written statements, same refusals). */
  sessionPolicy: z.array(statement).optional(),
  /**
   * ABAC from the certificate: read this account's secrets whose tag equals a
   * certificate attribute, e.g. { Project: x509Subject/OU }.
   */
  certificateAbac: z
    .record(
      z.string().min(1),
      z.string().regex(/^x509(Subject|Issuer)\/(CN|O|OU|C|ST|L)$|^x509SAN\/(DNS|URI|Name)$/, "a certificate attribute such as x509Subject/OU"),
    )
    .optional(),
});

export const roleSchema = z.discriminatedUnion("kind", [serviceRole, crossAccountRole, humanRole, breakGlassRole, brokeredRole, githubRole, rolesAnywhereRole]);

/** Per-account execution roles (issue: identity). */
export const rolesSchema = z.array(roleSchema).default([]);

/** Session bound of a kind when `maxSessionDuration` is not given. */
export const DEFAULT_SESSION_SECONDS: Record<RoleKind, number> = {
  service: 3600,
  "cross-account": 3600,
  human: 3600,
  "break-glass": 900,
  brokered: 900,
  github: 3600,
  "roles-anywhere": 3600,
};

/**
 * Allowed session bound (seconds) per kind: people and just-in-time access get short
 * sessions. IAM cannot set a role's MaxSessionDuration below 3600, so a shorter
 * bound is enforced for MFA roles by denying everything once the MFA sign-in is
 * older than the bound, and requested by the broker for brokered roles.
 */
export const SESSION_RANGE: Record<RoleKind, [number, number]> = {
  service: [3600, 43200],
  "cross-account": [3600, 43200],
  human: [900, 3600],
  "break-glass": [900, 3600],
  brokered: [900, 900],
  github: [3600, 3600],
  /** The profile's session duration (IAM Roles Anywhere issues 900-3600 s). */
  "roles-anywhere": [900, 3600],
};

export type RoleConfig = z.infer<typeof roleSchema>;
export type RoleKind = RoleConfig["kind"];
export type PrincipalConfig = z.infer<typeof principal>;

/** IAM's smallest MaxSessionDuration. */
export const IAM_MIN_SESSION_SECONDS = 3600;
