import type { ResolvedOrg } from "../../config/model.js";
import { GUARDRAILS_OUTPUT } from "../controls/guardrail-predicates.js";
import type { SynthesizedStack } from "../controls/types.js";
import { normalizeOuPath, type PolicyType } from "../guardrail-plan.js";
import { accountOf, evaluate, type AccessRequest, type Decision, type NamedPolicy, type PolicySet, type ResourceKind } from "./evaluate.js";
import type { ContextValue } from "./conditions.js";
import { UnsupportedPolicyError } from "./errors.js";
import { MANAGED_POLICIES, UNKNOWN_BOUNDARY } from "./managed-policies.js";
import { unescapeTerraformTemplate, type Conditions, type Statement } from "../policies/document.js";

/**
 * The organization as the synthesized stacks will create it: every role, key,
 * secret, endpoint and function with its documents, read from `cdk.tf.json` (not from the
 * code that wrote it). `ask` assembles the policies that apply to a request and
 * evaluates it.
 *
 * Terraform strings are read as Terraform will evaluate them: `$${` is a literal
 * `${` (an IAM policy variable) and an interpolation `${expr}` becomes the opaque
 * value `«expr»` (a reference known only at apply, such as a rotation function's
 * role). An unescaped IAM variable therefore never matches, as in AWS it would
 * never get that far: Terraform refuses the template.
 */

export interface WorldRole {
  stack: string;
  address: string;
  account: string;
  name: string;
  arn: string;
  trust: NamedPolicy;
  identity: NamedPolicy[];
  boundary?: NamedPolicy;
  tags: Record<string, string>;
}

export interface WorldKey {
  stack: string;
  address: string;
  account: string;
  region: string;
  arn: string;
  aliases: string[];
  policy: NamedPolicy;
  tags: Record<string, string>;
}

export interface WorldSecret {
  stack: string;
  address: string;
  account: string;
  name: string;
  /** Primary region first, then replicas. */
  regions: string[];
  /** The secret's key in each region, when it has a customer-managed one. */
  keys: Record<string, WorldKey | undefined>;
  policy?: NamedPolicy;
  tags: Record<string, string>;
  /** The rotation function's role, known only at apply (`«data.aws_lambda_function.….role»`). */
  rotationRole?: string;
}

export interface WorldEndpoint {
  stack: string;
  address: string;
  account: string;
  region: string;
  /** The service part of the endpoint's service name: `sts`, `ecr.api`, `s3`. */
  service: string;
  type: string;
  policy?: NamedPolicy;
}

/** A Lambda function the stacks create, with the resource policy its aws_lambda_permission blocks add up to. */
export interface WorldFunction {
  stack: string;
  address: string;
  account: string;
  region: string;
  name: string;
  arn: string;
  policy?: NamedPolicy;
}

/** SCPs and RCPs on each account's path from the root, filled by whichever stack attaches them. */
export interface OrganizationPolicies {
  managementAccount?: string;
  scps(account: string): NamedPolicy[][] | undefined;
  rcps(account: string): NamedPolicy[][] | undefined;
}

export interface World {
  orgId: string;
  /** Accounts of the organization (the synthesized ones). */
  accounts: ReadonlySet<string>;
  roles: ReadonlyMap<string, WorldRole>;
  keys: readonly WorldKey[];
  secrets: readonly WorldSecret[];
  endpoints: readonly WorldEndpoint[];
  functions?: readonly WorldFunction[];
  organization?: OrganizationPolicies;
}

/**
 * A Terraform string as Terraform will evaluate it (see the header). `known`
 * gives the values of references the world can tell at synth (a role's ARN, the
 * OIDC provider's ARN); the rest stay opaque.
 */
export function terraformValue(value: string, known: ReadonlyMap<string, string> = new Map()): string {
  let out = "";
  let literal = 0;
  // An escaped `$${` is matched too, only so that it is never read as the start of an interpolation.
  for (const m of value.matchAll(/\$\$\{|\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    const expr = m[1];
    if (expr === undefined) continue;
    out += unescapeTerraformTemplate(value.slice(literal, m.index)) + (known.get(expr) ?? `«${expr}»`);
    literal = m.index + m[0].length;
  }
  return out + unescapeTerraformTemplate(value.slice(literal));
}

/** References whose values follow from the block itself: ARNs of roles and OIDC providers. */
function knownReferences(stack: SynthesizedStack, account: string): Map<string, string> {
  const known = new Map<string, string>();
  for (const [id, r] of blocks(stack, "aws_iam_role")) {
    known.set(`aws_iam_role.${id}.arn`, `arn:aws:iam::${account}:role${(r.path as string | undefined) ?? "/"}${r.name as string}`);
    known.set(`aws_iam_role.${id}.name`, r.name as string);
  }
  for (const [id, p] of blocks(stack, "aws_iam_openid_connect_provider")) {
    known.set(`aws_iam_openid_connect_provider.${id}.arn`, `arn:aws:iam::${account}:oidc-provider/${(p.url as string).replace(/^https:\/\//, "")}`);
  }
  return known;
}

const REF = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/;

/** `${aws_kms_key.name.arn}` → `aws_kms_key.name`. */
function refAddress(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = REF.exec(value);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

export const secretArn = (region: string, account: string, name: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
export const keyArn = (region: string, account: string, alias: string) =>
  `arn:aws:kms:${region}:${account}:key/${alias.replace(/^alias\//, "").replace(/\//g, "-")}`;

interface StackFacts {
  account: string;
  region: string;
  tags: Record<string, string>;
}

function stackFacts(stack: SynthesizedStack): StackFacts {
  const provider = (stack.json.provider?.aws as Array<Record<string, unknown>> | undefined)?.[0];
  const account = (provider?.allowed_account_ids as string[] | undefined)?.[0];
  const region = provider?.region as string | undefined;
  if (!account || !region) throw new UnsupportedPolicyError(`stack ${stack.name} without an AWS provider pinned to one account and region`);
  const tags = ((provider?.default_tags as Array<{ tags?: Record<string, string> }> | undefined)?.[0]?.tags ?? {}) as Record<string, string>;
  return { account, region, tags };
}

const blocks = (stack: SynthesizedStack, type: string) => Object.entries(stack.json.resource?.[type] ?? {});

/**
 * The world of the synthesized stacks, the organization's SCPs and RCPs (from the
 * management stack, when it generates guardrails) in every decision.
 */
export function buildWorld(stacks: readonly SynthesizedStack[], org: ResolvedOrg): World {
  const orgId = org.config.organization.id;
  const roles = new Map<string, WorldRole>();
  const keys: WorldKey[] = [];
  const secrets: WorldSecret[] = [];
  const endpoints: WorldEndpoint[] = [];
  const functions: WorldFunction[] = [];
  const accounts = new Set<string>();
  const keyByAlias = new Map<string, WorldKey>();

  for (const stack of stacks) {
    const facts = stackFacts(stack);
    const known = knownReferences(stack, facts.account);
    const named = (name: string, doc: string): NamedPolicy => ({ name, document: terraformValue(doc, known) });
    accounts.add(facts.account);
    const byAddress = new Map<string, WorldRole>();
    for (const [id, r] of blocks(stack, "aws_iam_role")) {
      const name = r.name as string;
      const arn = `arn:aws:iam::${facts.account}:role${(r.path as string | undefined) ?? "/"}${name}`;
      const boundary = r.permissions_boundary as string | undefined;
      const role: WorldRole = {
        stack: stack.name,
        address: `aws_iam_role.${id}`,
        account: facts.account,
        name,
        arn,
        trust: named(`trust policy of ${name}`, r.assume_role_policy as string),
        identity: [],
        boundary: boundary ? { name: `permissions boundary ${boundary}`, document: UNKNOWN_BOUNDARY } : undefined,
        tags: { ...facts.tags, ...((r.tags as Record<string, string> | undefined) ?? {}) },
      };
      roles.set(arn, role);
      byAddress.set(role.address, role);
    }
    for (const [id, p] of blocks(stack, "aws_iam_role_policy")) {
      const role = byAddress.get(refAddress(p.role) ?? "");
      if (!role) throw new UnsupportedPolicyError(`aws_iam_role_policy.${id} of a role outside its stack`);
      role.identity.push(named(`${role.name} inline policy ${p.name as string}`, p.policy as string));
    }
    for (const [id, a] of blocks(stack, "aws_iam_role_policy_attachment")) {
      const role = byAddress.get(refAddress(a.role) ?? "");
      const arn = a.policy_arn as string;
      const document = MANAGED_POLICIES[arn];
      if (!role || !document) throw new UnsupportedPolicyError(`aws_iam_role_policy_attachment.${id}: managed policy ${arn} is not modelled`);
      role.identity.push({ name: `${role.name} managed policy ${arn.split("/").pop()!}`, document });
    }

    const keyByAddress = new Map<string, WorldKey>();
    for (const [id, k] of blocks(stack, "aws_kms_key")) {
      const address = `aws_kms_key.${id}`;
      const aliases = blocks(stack, "aws_kms_alias")
        .filter(([, a]) => refAddress(a.target_key_id) === address)
        .map(([, a]) => a.name as string)
        .sort();
      const key: WorldKey = {
        stack: stack.name,
        address,
        account: facts.account,
        region: facts.region,
        arn: keyArn(facts.region, facts.account, aliases[0] ?? id),
        aliases,
        policy: named(`key policy of ${aliases[0] ?? address}`, k.policy as string),
        tags: { ...facts.tags, ...((k.tags as Record<string, string> | undefined) ?? {}) },
      };
      keys.push(key);
      keyByAddress.set(address, key);
      for (const alias of aliases) keyByAlias.set(`${facts.account}/${facts.region}/${alias}`, key);
    }

    const policies = new Map(blocks(stack, "aws_secretsmanager_secret_policy").map(([, p]) => [refAddress(p.secret_arn), p.policy as string]));
    const rotations = new Map(blocks(stack, "aws_secretsmanager_secret_rotation").map(([, r]) => [refAddress(r.secret_id), r.rotation_lambda_arn as string]));
    // The rotation function is read back as a data source; its `role` attribute is the function's role.
    const functionRoles = new Map(
      Object.entries(stack.json.data?.aws_lambda_function ?? {}).map(([id, f]) => [
        f.function_name as string,
        terraformValue(`\${data.aws_lambda_function.${id}.role}`),
      ]),
    );
    for (const [id, s] of blocks(stack, "aws_secretsmanager_secret")) {
      const address = `aws_secretsmanager_secret.${id}`;
      const replicas = (s.replica as Array<{ region: string; kms_key_id?: string }> | undefined) ?? [];
      const policy = policies.get(address);
      const name = s.name as string;
      const secret: WorldSecret = {
        stack: stack.name,
        address,
        account: facts.account,
        name,
        regions: [facts.region, ...replicas.map((r) => r.region)],
        keys: { [facts.region]: keyByAddress.get(refAddress(s.kms_key_id) ?? "") },
        policy: policy ? named(`resource policy of secret ${name}`, policy) : undefined,
        tags: { ...facts.tags, ...((s.tags as Record<string, string> | undefined) ?? {}) },
        rotationRole: functionRoles.get(rotations.get(address) ?? ""),
      };
      // Replica keys live in other stacks: resolved by alias once every stack is read.
      for (const r of replicas) secret.keys[r.region] = r.kms_key_id ? ({ aliases: [r.kms_key_id] } as WorldKey) : undefined;
      secrets.push(secret);
    }

    for (const [id, e] of blocks(stack, "aws_vpc_endpoint")) {
      const service = (e.service_name as string).replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");
      endpoints.push({
        stack: stack.name,
        address: `aws_vpc_endpoint.${id}`,
        account: facts.account,
        region: facts.region,
        service,
        type: e.vpc_endpoint_type as string,
        policy: e.policy ? named(`${service} endpoint policy (${stack.name})`, e.policy as string) : undefined,
      });
    }
    functions.push(...stackFunctions(stack, facts));
  }
  for (const secret of secrets) {
    for (const region of secret.regions.slice(1)) {
      const alias = secret.keys[region]?.aliases[0];
      secret.keys[region] = alias ? keyByAlias.get(`${secret.account}/${region}/${alias}`) : undefined;
    }
  }
  return { orgId, accounts, roles, keys, secrets, endpoints, functions, organization: organizationPolicies(stacks, org) };
}

const FULL_AWS_ACCESS: NamedPolicy = { name: "FullAWSAccess (AWS managed)", document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } };
const RCP_FULL_AWS_ACCESS: NamedPolicy = {
  name: "RCPFullAWSAccess (AWS managed)",
  document: { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] },
};

/** The OU path of each level from the root down to the account's OU: `/`, `/Workloads`, `/Workloads/Prod`. */
export function levelsOf(ou: string): string[] {
  const parts = normalizeOuPath(ou).split("/").filter(Boolean);
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}

/**
 * The SCPs and RCPs on each account's path, read from the synthesized management stack:
 * policies by their content, attachments by their target (the root, or an OU found by name
 * under its parent). AWS's full-access policies stay attached at every level, as by default.
 */
export function organizationPolicies(stacks: readonly SynthesizedStack[], org: ResolvedOrg): OrganizationPolicies | undefined {
  const management = stacks.find((s) => s.json.output?.[GUARDRAILS_OUTPUT] !== undefined);
  if (!management) return undefined;
  const data = management.json.data ?? {};
  const pathOf = new Map<string, string>();
  for (const id of Object.keys(data.aws_organizations_organization ?? {})) pathOf.set(`\${data.aws_organizations_organization.${id}.roots[0].id}`, "/");
  const ous = Object.entries(data.aws_organizations_organizational_unit ?? {});
  // Parents before children: resolve until no OU is left (each pass resolves at least one level).
  for (let pass = 0; pass <= ous.length; pass++) {
    for (const [id, ou] of ous) {
      const parent = pathOf.get(ou.parent_id as string);
      if (parent !== undefined) pathOf.set(`\${data.aws_organizations_organizational_unit.${id}.id}`, `${parent === "/" ? "" : parent}/${ou.name as string}`);
    }
  }
  const attached = new Map<string, { type: PolicyType; policy: NamedPolicy }[]>();
  const policies = management.json.resource?.aws_organizations_policy ?? {};
  for (const a of Object.values(management.json.resource?.aws_organizations_policy_attachment ?? {})) {
    const address = /^\$\{aws_organizations_policy\.([^.]+)\.id\}$/.exec(a.policy_id as string)?.[1];
    const policy = address ? policies[address] : undefined;
    const target = pathOf.get(a.target_id as string);
    if (!policy || target === undefined) continue;
    const list = attached.get(target) ?? [];
    list.push({
      type: policy.type as PolicyType,
      policy: {
        name: `${policy.type === "SERVICE_CONTROL_POLICY" ? "SCP" : "RCP"} ${policy.name as string}`,
        document: terraformValue(policy.content as string),
      },
    });
    attached.set(target, list);
  }
  const chain = (type: PolicyType, full: NamedPolicy) => (accountId: string) => {
    const account = org.accountById.get(accountId);
    if (!account) return undefined;
    const levels = levelsOf(account.ou).map((path) => [full, ...(attached.get(path) ?? []).filter((p) => p.type === type).map((p) => p.policy)]);
    return [...levels, [full]];
  };
  return {
    managementAccount: org.managementAccount?.id,
    scps: chain("SERVICE_CONTROL_POLICY", FULL_AWS_ACCESS),
    rcps: chain("RESOURCE_CONTROL_POLICY", RCP_FULL_AWS_ACCESS),
  };
}

/**
 * The stack's Lambda functions, each with the statements Lambda writes for its
 * aws_lambda_permission blocks (an account id becomes its root; the URL auth type,
 * invocation through the URL, source account and ARN and organization become conditions).
 */
function stackFunctions(stack: SynthesizedStack, facts: StackFacts): WorldFunction[] {
  const functions = blocks(stack, "aws_lambda_function").map(([id, f]): WorldFunction => {
    const name = f.function_name as string;
    return {
      stack: stack.name,
      address: `aws_lambda_function.${id}`,
      account: facts.account,
      region: facts.region,
      name,
      arn: `arn:aws:lambda:${facts.region}:${facts.account}:function:${name}`,
    };
  });
  const statements = new Map<WorldFunction, Statement[]>();
  for (const [, p] of blocks(stack, "aws_lambda_permission")) {
    const target = /^\$\{(aws_lambda_function\.[A-Za-z0-9_-]+)\.(?:function_name|arn)\}$/.exec(String(p.function_name))?.[1];
    const fn = functions.find((f) => f.address === target || f.name === p.function_name || f.arn === p.function_name);
    if (!fn) continue;
    const principal = String(p.principal);
    const condition: Conditions = {};
    const add = (operator: string, key: string, value: string) => (condition[operator] = { ...condition[operator], [key]: value });
    if (p.function_url_auth_type) add("StringEquals", "lambda:FunctionUrlAuthType", String(p.function_url_auth_type));
    if (p.invoked_via_function_url === true) add("Bool", "lambda:InvokedViaFunctionUrl", "true");
    if (p.source_account) add("StringEquals", "AWS:SourceAccount", String(p.source_account));
    if (p.source_arn) add("ArnLike", "AWS:SourceArn", String(p.source_arn));
    if (p.principal_org_id) add("StringEquals", "aws:PrincipalOrgID", String(p.principal_org_id));
    const list = statements.get(fn) ?? [];
    list.push({
      Sid: String(p.statement_id),
      Effect: "Allow",
      Principal:
        principal === "*"
          ? "*"
          : /^\d{12}$/.test(principal)
            ? { AWS: `arn:aws:iam::${principal}:root` }
            : principal.endsWith(".amazonaws.com")
              ? { Service: principal }
              : { AWS: principal },
      Action: String(p.action),
      Resource: fn.arn,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    });
    statements.set(fn, list);
  }
  return functions.map((f) =>
    statements.has(f) ? { ...f, policy: { name: `resource policy of function ${f.name}`, document: { Statement: statements.get(f)! } } } : f,
  );
}

interface WorldIndex {
  keys: Map<string, WorldKey>;
  secrets: Map<string, WorldSecret>;
  secretsByName: Map<string, WorldSecret>;
  endpoints: Map<string, WorldEndpoint>;
}

const indexes = new WeakMap<World, WorldIndex>();

/** Lookups by ARN, built once per world: a proof asks thousands of questions of one world. */
function indexOf(world: World): WorldIndex {
  let index = indexes.get(world);
  if (!index) {
    index = {
      keys: new Map(world.keys.map((k) => [k.arn, k])),
      secrets: new Map(world.secrets.flatMap((s) => s.regions.map((r) => [secretArn(r, s.account, s.name), s] as const))),
      secretsByName: new Map(world.secrets.map((s) => [`${s.account}/${s.name}`, s])),
      endpoints: new Map(world.endpoints.map((e) => [`${e.account}/${e.region}/${e.service}`, e])),
    };
    indexes.set(world, index);
  }
  return index;
}

/** What the world cannot know about a principal that it does not create (a stranger, a vendor, the deploy role). */
export interface AskOptions {
  /** Identity policies of a principal the stacks do not create. */
  identity?: readonly NamedPolicy[];
  /** The request goes through this account's VPC endpoint for this service in this region. */
  endpointOf?: { account: string; region: string; service: string };
  /** Skip the organization's SCPs and RCPs (to show what the baseline's own policies decide). */
  withoutGuardrails?: boolean;
  /** The principal is this secret's rotation function, whose role ARN only the synthesized stack names. */
  rotationRoleOf?: { account: string; secret: string };
  /** A resource policy for a resource the world does not hold (to isolate another layer, such as an endpoint). */
  resourcePolicy?: NamedPolicy;
}

export interface Resolved {
  policies: PolicySet;
  kind: ResourceKind;
  request: AccessRequest;
}

/** IAM (and STS's global endpoint) answer in us-east-1: the requested region of a call on an IAM resource. */
const IAM_REGION = "us-east-1";

/** The region of a regional resource's ARN (`arn:aws:secretsmanager:eu-west-1:...`). */
function regionOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(arn)?.[1];
}

/**
 * The policies that apply to a request in this world (the organization's SCPs and RCPs
 * included), and the request with what the world knows filled in: the principal's and
 * resource's organization and tags, the requested region, the source's organization.
 */
export function policiesFor(world: World, request: AccessRequest, options: AskOptions = {}): Resolved {
  const rotating = options.rotationRoleOf;
  const principalArn = rotating
    ? (indexOf(world).secretsByName.get(`${rotating.account}/${rotating.secret}`)?.rotationRole ?? "«no rotation function in the synthesized stack»")
    : request.principal.arn;
  const role = principalArn ? world.roles.get(principalArn) : undefined;
  const principalAccount = request.principal.account ?? accountOf(principalArn);
  const principal = {
    ...request.principal,
    arn: principalArn,
    orgId: request.principal.orgId ?? (principalAccount && world.accounts.has(principalAccount) ? world.orgId : undefined),
    tags: { ...role?.tags, ...request.principal.tags },
  };
  const resourceArn = request.resource.arn;
  const resourceAccount = request.resource.account ?? accountOf(resourceArn);
  const resourceOrg = request.resource.orgId ?? (resourceAccount && world.accounts.has(resourceAccount) ? world.orgId : undefined);
  let kind: ResourceKind = "generic";
  let resourcePolicy: NamedPolicy | undefined;
  let resourceTags: Record<string, string> = {};
  const context: Record<string, ContextValue | undefined> = {};
  // What AWS sends with every request: the region it went to, and for a service acting for a resource the organization of its account.
  const region = regionOf(resourceArn) ?? options.endpointOf?.region ?? (resourceArn.startsWith("arn:aws:iam::") ? IAM_REGION : undefined);
  if (region) context["aws:RequestedRegion"] = region;
  const sourceAccount = request.context?.["aws:SourceAccount"];
  if (typeof sourceAccount === "string" && world.accounts.has(sourceAccount)) context["aws:SourceOrgID"] = world.orgId;
  const target = world.roles.get(resourceArn);
  if (target && request.action.startsWith("sts:")) {
    kind = "role-trust";
    resourcePolicy = target.trust;
    resourceTags = target.tags;
  } else if (resourceArn.startsWith("arn:aws:kms:")) {
    const key = indexOf(world).keys.get(resourceArn);
    if (key) {
      kind = "kms-key";
      resourcePolicy = key.policy;
      resourceTags = key.tags;
      context["kms:ResourceAliases"] = key.aliases;
    }
  } else if (resourceArn.startsWith("arn:aws:lambda:")) {
    resourcePolicy = world.functions?.find((f) => f.arn === resourceArn)?.policy;
  } else if (resourceArn.startsWith("arn:aws:secretsmanager:")) {
    const secret = indexOf(world).secrets.get(resourceArn);
    if (secret) {
      resourcePolicy = secret.policy;
      resourceTags = secret.tags;
    }
  }
  const guardrails = options.withoutGuardrails ? undefined : world.organization;
  const policies: PolicySet = {
    identity: role ? role.identity : (options.identity ?? []),
    boundary: role?.boundary,
    resource: resourcePolicy ?? options.resourcePolicy,
    endpoint: options.endpointOf ? endpointPolicy(world, options.endpointOf) : undefined,
    scps: guardrails && principalAccount && principalAccount !== guardrails.managementAccount ? guardrails.scps(principalAccount) : undefined,
    rcps: guardrails && resourceAccount && resourceAccount !== guardrails.managementAccount ? guardrails.rcps(resourceAccount) : undefined,
  };
  return {
    policies,
    kind,
    request: {
      ...request,
      principal,
      resource: { ...request.resource, orgId: resourceOrg, tags: { ...resourceTags, ...request.resource.tags } },
      context: { ...context, ...request.context },
    },
  };
}

const FULL_ACCESS = { Statement: [{ Effect: "Allow" as const, Principal: "*" as const, Action: "*", Resource: "*" }] };

/** An endpoint without a policy has AWS's default full-access one; a missing endpoint lets nothing through. */
function endpointPolicy(world: World, at: { account: string; region: string; service: string }): NamedPolicy {
  const endpoint = indexOf(world).endpoints.get(`${at.account}/${at.region}/${at.service}`);
  if (!endpoint) return { name: `(no ${at.service} endpoint of ${at.account} in ${at.region} in the synthesized stacks)`, document: { Statement: [] } };
  return endpoint.policy ?? { name: `${at.service} endpoint (default full-access policy)`, document: FULL_ACCESS };
}

export function ask(world: World, request: AccessRequest, options: AskOptions = {}): Decision {
  const resolved = policiesFor(world, request, options);
  return evaluate(resolved.request, resolved.policies, { resourceKind: resolved.kind });
}
