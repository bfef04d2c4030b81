import type { Principal, Statement } from "../policies/document.js";
import { conditionHolds, lookup, type ContextValue, type RequestContext } from "./conditions.js";
import { UnsupportedPolicyError } from "./errors.js";
import { matchesAction, matchesArnPattern, matchesWildcard } from "./matching.js";

/**
 * IAM's authorization decision, as a pure function of a request and the policies
 * that apply to it. Supported subset (anything else is refused with
 * UnsupportedPolicyError, never guessed):
 * - Statement elements Sid, Effect, Principal/NotPrincipal (`*`, AWS account ids,
 *   account roots, role/user ARNs, Service, Federated), Action/NotAction,
 *   Resource/NotResource with `*`/`?` wildcards, Condition.
 * - Every IAM condition operator with IfExists and ForAnyValue/ForAllValues, the
 *   Null check, absent-key semantics (negated operators match an absent key), and
 *   policy variables `${aws:...}` and `${$}` in Resource and condition values.
 * - The policy types the baseline writes: identity, permissions boundary, session,
 *   resource (secret, key, trust, topic, function URL), VPC endpoint, SCP and RCP.
 * Decision chain: an explicit Deny anywhere wins; SCPs (principal's account) and RCPs
 * (resource's account, RCP-covered services) must allow at every level; an endpoint
 * policy must allow; same-account requests need the identity OR the resource policy,
 * cross-account ones both; KMS keys and role trust always need their resource policy,
 * whose account-root principal only delegates to the account's identity policies;
 * a boundary and a session policy limit whatever the identity side allows.
 */

export interface RequestPrincipal {
  /** IAM ARN of the role, user or root (the `aws:PrincipalArn`). */
  arn?: string;
  /** Service principal, e.g. `logs.amazonaws.com`. */
  service?: string;
  /** Web-identity or SAML provider, e.g. `arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com`. */
  federated?: string;
  /** Defaults to the account of `arn`. */
  account?: string;
  orgId?: string;
  tags?: Readonly<Record<string, string>>;
  /** Service-linked roles are not restricted by SCPs. */
  serviceLinked?: boolean;
}

export interface RequestResource {
  /** `*` for actions that name no resource. */
  arn: string;
  /** Defaults to the account in `arn`. */
  account?: string;
  orgId?: string;
  tags?: Readonly<Record<string, string>>;
}

export interface AccessRequest {
  principal: RequestPrincipal;
  action: string;
  resource: RequestResource;
  /** Further context keys (`aws:MultiFactorAuthPresent`, `kms:ViaService`, `sts:ExternalId`, ...). */
  context?: Readonly<Record<string, ContextValue | undefined>>;
}

export interface PolicyDocumentLike {
  Version?: string;
  Statement: Statement | Statement[];
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocumentLike | string;
}

export interface PolicySet {
  identity?: readonly NamedPolicy[];
  boundary?: NamedPolicy;
  session?: NamedPolicy;
  resource?: NamedPolicy;
  /** Per level of the principal account's hierarchy (root, OUs, account): the SCPs attached there. */
  scps?: ReadonlyArray<readonly NamedPolicy[]>;
  /** Per level of the resource account's hierarchy: the RCPs attached there. */
  rcps?: ReadonlyArray<readonly NamedPolicy[]>;
  endpoint?: NamedPolicy;
}

export type ResourceKind = "generic" | "kms-key" | "role-trust";

export interface DecidingStatement {
  policy: string;
  sid?: string;
  index: number;
}

export interface Decision {
  allowed: boolean;
  decision: "Allow" | "ExplicitDeny" | "ImplicitDeny";
  /** The Deny that decided, the Allows that together granted, or the layer that allowed nothing. */
  decidedBy: DecidingStatement[];
  reason: string;
}

/** Services whose resources RCPs cover (AWS's list as of 2026; others are out of an RCP's reach). */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  "s3",
  "sts",
  "kms",
  "secretsmanager",
  "logs",
  "ecr",
  "sqs",
  "dynamodb",
  "rolesanywhere",
  "cognito-identity",
  "aoss",
]);

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

const parsed = new WeakMap<object, Statement[]>();
const parsedStrings = new Map<string, Statement[]>();

/** The statements of a document, validated against the supported subset once. */
export function statementsOf(policy: NamedPolicy): Statement[] {
  const doc = policy.document;
  if (typeof doc === "string") {
    let found = parsedStrings.get(doc);
    if (!found) {
      found = validate(JSON.parse(doc) as PolicyDocumentLike, policy.name);
      parsedStrings.set(doc, found);
    }
    return found;
  }
  let found = parsed.get(doc);
  if (!found) {
    found = validate(doc, policy.name);
    parsed.set(doc, found);
  }
  return found;
}

function validate(doc: PolicyDocumentLike, name: string): Statement[] {
  if (doc === null || typeof doc !== "object" || doc.Statement === undefined) throw new UnsupportedPolicyError(`${name}: a document without Statement`);
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  for (const [i, s] of statements.entries()) {
    const where = `${name} statement ${s.Sid ?? i}`;
    for (const key of Object.keys(s)) if (!STATEMENT_KEYS.has(key)) throw new UnsupportedPolicyError(`${where}: element ${JSON.stringify(key)}`);
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new UnsupportedPolicyError(`${where}: Effect ${JSON.stringify(s.Effect)}`);
    if ((s.Action === undefined) === (s.NotAction === undefined)) throw new UnsupportedPolicyError(`${where}: exactly one of Action and NotAction is required`);
    if (s.Resource !== undefined && s.NotResource !== undefined) throw new UnsupportedPolicyError(`${where}: both Resource and NotResource`);
    if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw new UnsupportedPolicyError(`${where}: both Principal and NotPrincipal`);
    for (const p of [s.Principal, s.NotPrincipal]) {
      if (p === undefined || p === "*") continue;
      for (const kind of Object.keys(p))
        if (!["AWS", "Service", "Federated"].includes(kind)) throw new UnsupportedPolicyError(`${where}: principal type ${JSON.stringify(kind)}`);
    }
    for (const [operator, byKey] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(byKey)) {
        // Parses the operator (refusing unknown ones) without needing a request.
        conditionHolds(operator, key, Array.isArray(value) ? value : [value], {}, () => undefined);
      }
    }
  }
  return statements;
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);

export function accountOf(arn: string | undefined): string | undefined {
  return arn ? /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1] : undefined;
}

/** The request context AWS derives from the principal, resource and request, merged with what the caller gave. */
export function requestContext(request: AccessRequest): RequestContext {
  const { principal, resource } = request;
  const out: Record<string, ContextValue | undefined> = {};
  const principalAccount = principal.account ?? accountOf(principal.arn);
  if (principal.arn) out["aws:PrincipalArn"] = principal.arn;
  if (principalAccount) {
    out["aws:PrincipalAccount"] = principalAccount;
    out["kms:CallerAccount"] = principalAccount;
  }
  if (principal.orgId) out["aws:PrincipalOrgID"] = principal.orgId;
  for (const [k, v] of Object.entries(principal.tags ?? {})) out[`aws:PrincipalTag/${k}`] = v;
  out["aws:PrincipalIsAWSService"] = principal.service !== undefined;
  if (principal.service) out["aws:PrincipalServiceName"] = principal.service;
  const resourceAccount = resource.account ?? accountOf(resource.arn);
  if (resourceAccount) out["aws:ResourceAccount"] = resourceAccount;
  if (resource.orgId) out["aws:ResourceOrgID"] = resource.orgId;
  for (const [k, v] of Object.entries(resource.tags ?? {})) out[`aws:ResourceTag/${k}`] = v;
  out["aws:SecureTransport"] = true;
  return { ...out, ...request.context };
}

/** Substitutes policy variables; undefined when a variable's key is absent (the value then matches nothing). */
function substitute(value: string, context: RequestContext): string | undefined {
  if (!value.includes("${")) return value;
  let missing = false;
  const out = value.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name === "$") return "$";
    if (name === "*" || name === "?") throw new UnsupportedPolicyError(`the literal-character variable \${${name}}`);
    const v = lookup(context, name);
    if (v === undefined || Array.isArray(v)) missing = true;
    return String(v ?? "");
  });
  return missing ? undefined : out;
}

type PrincipalMatch = "exact" | "account" | "any" | undefined;

/** How a statement's Principal names the request's principal: exactly, by its account (delegation), or `*`. */
function principalMatch(p: Principal | undefined, principal: RequestPrincipal): PrincipalMatch {
  if (p === undefined) return undefined;
  if (p === "*") return "any";
  const account = principal.account ?? accountOf(principal.arn);
  let best: PrincipalMatch;
  for (const entry of list(p.AWS)) {
    if (entry === "*") return "any";
    if (principal.arn && (entry === principal.arn || (entry.includes("*") && matchesArnPattern(entry, principal.arn)))) best = "exact";
    else if (account && (entry === account || entry === `arn:aws:iam::${account}:root`) && !principal.service && !principal.federated) best ??= "account";
  }
  if (principal.service && list(p.Service).includes(principal.service)) return "exact";
  if (principal.federated && list(p.Federated).includes(principal.federated)) return "exact";
  return best;
}

function actionApplies(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => matchesAction(a, action));
  return !list(s.NotAction).some((a) => matchesAction(a, action));
}

function resourceApplies(s: Statement, resource: string, context: RequestContext): boolean {
  const matches = (pattern: string) => {
    const p = substitute(pattern, context);
    if (p === undefined) return false;
    if (resource === "*") return p === "*";
    return p === "*" || (p.startsWith("arn:") ? matchesArnPattern(p, resource) : matchesWildcard(p, resource, false));
  };
  if (s.Resource !== undefined) return list(s.Resource).some(matches);
  if (s.NotResource !== undefined) return !list(s.NotResource).some(matches);
  return true;
}

function conditionsHold(s: Statement, context: RequestContext): boolean {
  for (const [operator, byKey] of Object.entries(s.Condition ?? {})) {
    for (const [key, value] of Object.entries(byKey)) {
      if (!conditionHolds(operator, key, Array.isArray(value) ? value : [value], context, (v) => substitute(v, context))) return false;
    }
  }
  return true;
}

interface Match {
  statement: DecidingStatement;
  effect: "Allow" | "Deny";
  principal: PrincipalMatch;
}

/**
 * Statements of one policy that apply to the request. `withPrincipal` policies
 * (resource, endpoint, trust) must name the principal; identity-side ones must not.
 */
function applicable(policy: NamedPolicy, request: AccessRequest, context: RequestContext, withPrincipal: boolean): Match[] {
  const out: Match[] = [];
  for (const [index, s] of statementsOf(policy).entries()) {
    let principal: PrincipalMatch = "any";
    if (withPrincipal) {
      if (s.Principal !== undefined) principal = principalMatch(s.Principal, request.principal);
      else if (s.NotPrincipal !== undefined) principal = principalMatch(s.NotPrincipal, request.principal) ? undefined : "any";
      else throw new UnsupportedPolicyError(`${policy.name} statement ${s.Sid ?? index}: a resource policy statement without Principal`);
      if (!principal) continue;
    } else if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
      throw new UnsupportedPolicyError(`${policy.name} statement ${s.Sid ?? index}: Principal in an identity-side policy`);
    }
    if (!actionApplies(s, request.action) || !resourceApplies(s, request.resource.arn, context) || !conditionsHold(s, context)) continue;
    out.push({ statement: { policy: policy.name, sid: s.Sid, index }, effect: s.Effect, principal });
  }
  return out;
}

const deny = (by: DecidingStatement[], reason: string): Decision => ({ allowed: false, decision: "ExplicitDeny", decidedBy: by, reason });
const implicit = (by: DecidingStatement[], reason: string): Decision => ({ allowed: false, decision: "ImplicitDeny", decidedBy: by, reason });
const describe = (s: DecidingStatement) => `${s.policy}${s.sid ? ` (${s.sid})` : ` statement ${s.index}`}`;

export interface EvaluateOptions {
  resourceKind?: ResourceKind;
}

export function evaluate(request: AccessRequest, policies: PolicySet, options: EvaluateOptions = {}): Decision {
  const kind = options.resourceKind ?? "generic";
  const context = requestContext(request);
  const { principal } = request;
  const isAwsPrincipal = principal.arn !== undefined && !principal.service && !principal.federated;

  const identity = isAwsPrincipal ? (policies.identity ?? []).flatMap((p) => applicable(p, request, context, false)) : [];
  const boundary = isAwsPrincipal && policies.boundary ? applicable(policies.boundary, request, context, false) : undefined;
  const session = isAwsPrincipal && policies.session ? applicable(policies.session, request, context, false) : undefined;
  const resource = policies.resource ? applicable(policies.resource, request, context, true) : [];
  const endpoint = policies.endpoint ? applicable(policies.endpoint, request, context, true) : undefined;
  const scpApplies = isAwsPrincipal && !principal.serviceLinked && policies.scps !== undefined;
  const scpLevels = scpApplies ? policies.scps!.map((level) => level.flatMap((p) => applicable(p, request, context, false))) : [];
  const service = request.action.split(":")[0]!.toLowerCase();
  const rcpApplies = policies.rcps !== undefined && RCP_SERVICES.has(service);
  const rcpLevels = rcpApplies ? policies.rcps!.map((level) => level.flatMap((p) => applicable(p, request, context, true))) : [];

  const everything = [...scpLevels.flat(), ...rcpLevels.flat(), ...(endpoint ?? []), ...identity, ...(boundary ?? []), ...(session ?? []), ...resource];
  const denies = everything.filter((m) => m.effect === "Deny").map((m) => m.statement);
  if (denies.length) return deny(denies, `explicitly denied by ${denies.map(describe).join(", ")}`);

  for (const [i, level] of scpLevels.entries()) {
    if (!level.some((m) => m.effect === "Allow")) return implicit([], `no SCP at level ${i} of the principal's organization path allows ${request.action}`);
  }
  for (const [i, level] of rcpLevels.entries()) {
    if (!level.some((m) => m.effect === "Allow")) return implicit([], `no RCP at level ${i} of the resource's organization path allows ${request.action}`);
  }
  if (endpoint && !endpoint.some((m) => m.effect === "Allow")) return implicit([], `the VPC endpoint policy ${policies.endpoint!.name} allows no such request`);

  const identityAllows = identity.filter((m) => m.effect === "Allow").map((m) => m.statement);
  const resourceAllows = resource.filter((m) => m.effect === "Allow");
  const directResource = resourceAllows.filter((m) => m.principal === "exact" || m.principal === "any");
  const delegatingResource = resourceAllows.filter((m) => m.principal === "account");
  const principalAccount = principal.account ?? accountOf(principal.arn);
  // A request that names no resource is judged in the caller's own account.
  const resourceAccount = request.resource.account ?? accountOf(request.resource.arn) ?? (request.resource.arn === "*" ? principalAccount : undefined);
  const sameAccount = principalAccount !== undefined && principalAccount === resourceAccount;

  // Limits of the identity side: a boundary and a session policy must both allow too.
  const limits: DecidingStatement[] = [];
  for (const [name, matches] of [
    ["permissions boundary", boundary],
    ["session policy", session],
  ] as const) {
    if (matches === undefined) continue;
    const allows = matches.filter((m) => m.effect === "Allow");
    if (!allows.length) return implicit([], `the ${name} does not allow ${request.action}`);
    limits.push(...allows.map((m) => m.statement));
  }

  const granted = (by: DecidingStatement[], how: string): Decision => ({
    allowed: true,
    decision: "Allow",
    decidedBy: [...by, ...limits],
    reason: `allowed by ${by.map(describe).join(" and ")}${how}`,
  });

  if (!isAwsPrincipal) {
    if (directResource.length)
      return granted(
        directResource.map((m) => m.statement),
        "",
      );
    return implicit([], `no statement of the resource policy allows ${principal.service ?? principal.federated ?? "this principal"}`);
  }

  const needsResource = kind !== "generic";
  if (needsResource && !policies.resource) return implicit([], `no ${kind === "kms-key" ? "key" : "trust"} policy given`);

  if (sameAccount) {
    if (directResource.length)
      return granted(
        directResource.map((m) => m.statement),
        "",
      );
    if (needsResource) {
      if (!delegatingResource.length) return implicit([], `no statement of ${policies.resource!.name} allows this principal or its account`);
      if (!identityAllows.length) return implicit([], `${policies.resource!.name} delegates to IAM, and no identity policy allows ${request.action}`);
      return granted([...delegatingResource.map((m) => m.statement), ...identityAllows], " (key/trust policy delegates to IAM)");
    }
    if (identityAllows.length) return granted(identityAllows, "");
    if (delegatingResource.length) return implicit([], `${policies.resource!.name} names the account, and no identity policy allows ${request.action}`);
    return implicit([], `no identity or resource policy allows ${request.action}`);
  }
  // Cross-account: both sides.
  const resourceSide = [...directResource, ...delegatingResource];
  if (!policies.resource || !resourceSide.length) return implicit([], `cross-account: no statement of the resource policy allows ${principal.arn}`);
  if (!identityAllows.length) return implicit([], `cross-account: no identity policy of ${principal.arn} allows ${request.action}`);
  return granted([...resourceSide.map((m) => m.statement), ...identityAllows], " (cross-account: both sides)");
}
