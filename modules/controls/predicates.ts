import type { Statement } from "../policies/document.js";
import { isEveryAction, isServiceWide } from "../policies/must-never.js";
import { asList, block, isAnyPrincipal, listOf, parsePolicy, refersTo, resourcesOf, type TfBlock } from "./terraform.js";
import type { SynthesizedStack, Violation } from "./types.js";

/**
 * Preflight predicates of the catalog, one per control. Each reads one synthesized
 * stack and returns what breaks the control; the catalog pairs them with their data.
 */

const STACK = "(stack)";

// ---- Secrets Manager -------------------------------------------------------

function secrets(stack: SynthesizedStack): TfBlock[] {
  return resourcesOf(stack, "aws_secretsmanager_secret");
}

function rotationOf(stack: SynthesizedStack, secret: TfBlock): TfBlock | undefined {
  return resourcesOf(stack, "aws_secretsmanager_secret_rotation").find((r) => refersTo(r.body.secret_id, secret.address));
}

export function secretsRotationEnabled(stack: SynthesizedStack): Violation[] {
  return secrets(stack).flatMap((secret) => {
    const rotation = rotationOf(stack, secret);
    if (!rotation) return [{ resource: secret.address, why: "no aws_secretsmanager_secret_rotation: the secret is never rotated" }];
    const rules = block(rotation.body.rotation_rules);
    if (!rules || (rules.automatically_after_days === undefined && rules.schedule_expression === undefined)) {
      return [{ resource: rotation.address, why: "rotation_rules sets neither automatically_after_days nor schedule_expression" }];
    }
    return [];
  });
}

export function secretsRotationSucceeds(stack: SynthesizedStack): Violation[] {
  const permissions = resourcesOf(stack, "aws_lambda_permission").filter(
    (p) => p.body.principal === "secretsmanager.amazonaws.com" && p.body.source_account !== undefined,
  );
  return secrets(stack).flatMap((secret) => {
    const rotation = rotationOf(stack, secret);
    if (!rotation) return [{ resource: secret.address, why: "no rotation is configured, so no rotation can succeed" }];
    const lambda = rotation.body.rotation_lambda_arn;
    if (typeof lambda !== "string" || lambda === "") return [{ resource: rotation.address, why: "rotation_lambda_arn is empty" }];
    // Secrets Manager must be allowed to invoke the function (bound to this account): the same ARN, or the function defined here.
    const fn = /^\$\{(aws_lambda_function\.[^.}]+)\./.exec(lambda)?.[1];
    const invokable = permissions.some((p) => p.body.function_name === lambda || (fn !== undefined && refersTo(p.body.function_name, fn)));
    return invokable
      ? []
      : [{ resource: rotation.address, why: `no aws_lambda_permission lets secretsmanager.amazonaws.com (with source_account) invoke ${fn ?? lambda}` }];
  });
}

/** Days between rotations, or undefined when the schedule cannot be read as at most monthly. */
export function rotationIntervalDays(rules: Record<string, unknown>): number | undefined {
  if (typeof rules.automatically_after_days === "number") return rules.automatically_after_days;
  const expression = rules.schedule_expression;
  if (typeof expression !== "string") return undefined;
  const rate = /^rate\((\d+) (hour|hours|day|days)\)$/.exec(expression);
  if (rate) return rate[2]!.startsWith("hour") ? Math.ceil(Number(rate[1]) / 24) : Number(rate[1]);
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+)(?: (\S+))?\)$/.exec(expression);
  // Every month (month field `*`): at most 31 days apart.
  if (cron && cron[4] === "*") return 31;
  return undefined;
}

export function secretsPeriodicRotation(stack: SynthesizedStack, maxDays: number): Violation[] {
  return secrets(stack).flatMap((secret) => {
    const rotation = rotationOf(stack, secret);
    if (!rotation) return [{ resource: secret.address, why: `not rotated; must rotate at least every ${maxDays} days` }];
    const interval = rotationIntervalDays(block(rotation.body.rotation_rules) ?? {});
    if (interval === undefined) return [{ resource: rotation.address, why: `the rotation schedule cannot be shown to rotate within ${maxDays} days` }];
    return interval > maxDays ? [{ resource: rotation.address, why: `rotates every ${interval} days; at most ${maxDays} allowed` }] : [];
  });
}

export function secretsHaveReaders(stack: SynthesizedStack): Violation[] {
  const policies = resourcesOf(stack, "aws_secretsmanager_secret_policy");
  return secrets(stack).flatMap((secret) => {
    const policy = policies.find((p) => refersTo(p.body.secret_arn, secret.address));
    if (!policy) return [{ resource: secret.address, why: "no resource policy names a reader: a secret nobody reads is unused" }];
    const parsed = parsePolicy(stack, policy.body.policy);
    if (!parsed.ok) return [{ resource: policy.address, why: parsed.why }];
    const reads = parsed.statements.some((s) => s.Effect === "Allow" && listOf(s.Action).some((a) => a === "secretsmanager:GetSecretValue"));
    return reads ? [] : [{ resource: policy.address, why: "the resource policy allows no secretsmanager:GetSecretValue: no declared reader" }];
  });
}

export function secretsUseCmk(stack: SynthesizedStack): Violation[] {
  return secrets(stack).flatMap((secret) => {
    const key = secret.body.kms_key_id;
    if (typeof key !== "string" || key === "")
      return [{ resource: secret.address, why: "kms_key_id is not set: the AWS-managed key is used, which cannot be shared or scoped" }];
    if (/alias\/aws\//.test(key)) return [{ resource: secret.address, why: `kms_key_id ${key} is an AWS-managed key` }];
    return [];
  });
}

// ---- KMS -------------------------------------------------------------------

function symmetricKeys(stack: SynthesizedStack): TfBlock[] {
  return resourcesOf(stack, "aws_kms_key").filter(
    (k) => (k.body.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" && (k.body.key_usage ?? "ENCRYPT_DECRYPT") === "ENCRYPT_DECRYPT",
  );
}

export function kmsRotationEnabled(stack: SynthesizedStack): Violation[] {
  return symmetricKeys(stack).flatMap((k) => (k.body.enable_key_rotation === true ? [] : [{ resource: k.address, why: "enable_key_rotation is not true" }]));
}

/** Removing a key from config schedules its deletion; the full window is the time to notice and cancel. */
export const MIN_DELETION_WINDOW_DAYS = 30;

export function kmsNotPendingDeletion(stack: SynthesizedStack): Violation[] {
  return resourcesOf(stack, "aws_kms_key").flatMap((k) => {
    const out: Violation[] = [];
    if (k.body.is_enabled === false) out.push({ resource: k.address, why: "the key is disabled (is_enabled = false), one step from deletion" });
    const window = k.body.deletion_window_in_days;
    if (typeof window === "number" && window < MIN_DELETION_WINDOW_DAYS) {
      out.push({
        resource: k.address,
        why: `deletion_window_in_days is ${window}; keep ${MIN_DELETION_WINDOW_DAYS} so a deletion can be noticed and cancelled`,
      });
    }
    if (k.body.bypass_policy_lockout_safety_check === true) out.push({ resource: k.address, why: "bypass_policy_lockout_safety_check is set" });
    return out;
  });
}

// ---- IAM -------------------------------------------------------------------

interface IdentityPolicy {
  resource: string;
  value: unknown;
}

/** Identity policies a stack writes: managed, inline and role inline blocks. */
function identityPolicies(stack: SynthesizedStack): IdentityPolicy[] {
  const out: IdentityPolicy[] = [];
  for (const type of ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"]) {
    for (const r of resourcesOf(stack, type)) out.push({ resource: r.address, value: r.body.policy });
  }
  for (const role of resourcesOf(stack, "aws_iam_role")) {
    for (const inline of asList(role.body.inline_policy)) {
      const policy = (inline as Record<string, unknown>).policy;
      if (policy !== undefined) out.push({ resource: role.address, value: policy });
    }
  }
  return out;
}

function allowStatements(stack: SynthesizedStack, check: (s: Statement) => string | undefined): Violation[] {
  return identityPolicies(stack).flatMap(({ resource, value }) => {
    const parsed = parsePolicy(stack, value);
    if (!parsed.ok) return [{ resource, why: parsed.why }];
    return parsed.statements.flatMap((s) => {
      if (s.Effect !== "Allow") return [];
      const why = check(s);
      return why ? [{ resource, why: s.Sid ? `statement ${s.Sid}: ${why}` : why }] : [];
    });
  });
}

export function iamNoAdminStatements(stack: SynthesizedStack): Violation[] {
  return allowStatements(stack, (s) => {
    const everything = listOf(s.Action).some(isEveryAction);
    return everything && listOf(s.Resource).includes("*") ? 'allows Action "*" on Resource "*" (full administrator access)' : undefined;
  });
}

export function iamNoWildcardActions(stack: SynthesizedStack): Violation[] {
  return allowStatements(stack, (s) => {
    if (s.NotAction !== undefined) return "Allow with NotAction grants every action not listed";
    const wild = listOf(s.Action).filter((a) => isEveryAction(a) || isServiceWide(a));
    return wild.length > 0 ? `allows wildcard actions ${wild.join(", ")}` : undefined;
  });
}

// ---- CloudWatch Logs -------------------------------------------------------

export function logGroupsRetention(stack: SynthesizedStack, minDays: number): Violation[] {
  return resourcesOf(stack, "aws_cloudwatch_log_group").flatMap((g) => {
    const days = g.body.retention_in_days;
    if (typeof days !== "number" || days === 0) return [{ resource: g.address, why: "retention_in_days is not set: logs are kept forever, unmanaged" }];
    return days < minDays ? [{ resource: g.address, why: `retention_in_days is ${days}; at least ${minDays} required` }] : [];
  });
}

export function logGroupsEncrypted(stack: SynthesizedStack): Violation[] {
  return resourcesOf(stack, "aws_cloudwatch_log_group").flatMap((g) =>
    typeof g.body.kms_key_id === "string" && g.body.kms_key_id !== "" ? [] : [{ resource: g.address, why: "kms_key_id is not set" }],
  );
}

// ---- VPC endpoints ---------------------------------------------------------

function interfaceEndpoints(stack: SynthesizedStack): TfBlock[] {
  return resourcesOf(stack, "aws_vpc_endpoint").filter((e) => e.body.vpc_endpoint_type === "Interface");
}

/** Every VPC that has interface endpoints in this stack has one for `service`. */
export function vpcHasEndpointFor(stack: SynthesizedStack, service: string): Violation[] {
  const byVpc = new Map<string, TfBlock[]>();
  for (const e of interfaceEndpoints(stack)) {
    const vpc = String(e.body.vpc_id);
    byVpc.set(vpc, [...(byVpc.get(vpc) ?? []), e]);
  }
  return [...byVpc.entries()].flatMap(([vpc, endpoints]) =>
    endpoints.some((e) => typeof e.body.service_name === "string" && e.body.service_name.endsWith(`.${service}`))
      ? []
      : [{ resource: endpoints[0]!.address, why: `VPC ${vpc} has interface endpoints but none for ${service}` }],
  );
}

/** Whether a statement opening the endpoint to `*` is narrowed to the organization or to AWS services. */
function perimeterProblem(s: Statement): string | undefined {
  if (s.Effect !== "Allow" || !isAnyPrincipal(s.Principal)) return undefined;
  const condition = s.Condition ?? {};
  if (condition.Bool?.["aws:PrincipalIsAWSService"] === true || condition.Bool?.["aws:PrincipalIsAWSService"] === "true") return undefined;
  const equals = condition.StringEquals ?? {};
  // Web-identity and SAML callers carry no aws:PrincipalOrgID: the role they assume must be the organization's.
  const federated = listOf(s.Action).every((a) => a === "sts:AssumeRoleWithWebIdentity" || a === "sts:AssumeRoleWithSAML");
  if (federated && typeof equals["aws:ResourceOrgID"] === "string" && /^o-[a-z0-9]+$/.test(equals["aws:ResourceOrgID"])) return undefined;
  const org = equals["aws:PrincipalOrgID"];
  if (typeof org !== "string" || !/^o-[a-z0-9]+$/.test(org))
    return "allows any principal without aws:PrincipalOrgID or the aws:PrincipalIsAWSService exemption";
  if (equals["aws:ResourceOrgID"] === undefined && listOf(s.Resource).includes("*") && listOf(s.Action).some((a) => a.includes("*"))) {
    return "allows organization principals to reach any resource: aws:ResourceOrgID is missing";
  }
  return undefined;
}

export function vpcEndpointPerimeter(stack: SynthesizedStack): Violation[] {
  const groups = resourcesOf(stack, "aws_security_group");
  const ingress = resourcesOf(stack, "aws_vpc_security_group_ingress_rule");
  return resourcesOf(stack, "aws_vpc_endpoint").flatMap((e) => {
    const out: Violation[] = [];
    if (e.body.policy === undefined) out.push({ resource: e.address, why: "no endpoint policy: the default allows any principal to any resource" });
    else {
      const parsed = parsePolicy(stack, e.body.policy);
      if (!parsed.ok) out.push({ resource: e.address, why: parsed.why });
      else {
        if (!parsed.statements.some((s) => s.Condition?.StringEquals?.["aws:PrincipalOrgID"] !== undefined)) {
          out.push({ resource: e.address, why: "the endpoint policy does not limit principals to the organization (aws:PrincipalOrgID)" });
        }
        for (const s of parsed.statements) {
          const why = perimeterProblem(s);
          if (why) out.push({ resource: e.address, why: s.Sid ? `statement ${s.Sid}: ${why}` : why });
        }
      }
    }
    if (e.body.vpc_endpoint_type !== "Interface") return out;
    if (e.body.private_dns_enabled !== true) out.push({ resource: e.address, why: "private_dns_enabled is not true: clients would bypass the endpoint" });
    const sgIds = asList(e.body.security_group_ids);
    if (sgIds.length === 0) out.push({ resource: e.address, why: "no security group: the VPC default group applies" });
    for (const group of groups.filter((g) => refersTo(sgIds, g.address))) {
      if (asList(group.body.ingress).length > 0)
        out.push({ resource: group.address, why: "inline ingress rules are not reviewed; use aws_vpc_security_group_ingress_rule" });
      for (const rule of ingress.filter((r) => refersTo(r.body.security_group_id, group.address))) {
        const b = rule.body;
        if (b.ip_protocol !== "tcp" || b.from_port !== 443 || b.to_port !== 443) out.push({ resource: rule.address, why: "admits more than TCP 443" });
        if (b.cidr_ipv4 === "0.0.0.0/0" || b.cidr_ipv6 === "::/0") out.push({ resource: rule.address, why: "admits the whole internet" });
      }
    }
    return out;
  });
}

// ---- Service enablement ----------------------------------------------------

export function securityHubEnabled(stack: SynthesizedStack): Violation[] {
  if (resourcesOf(stack, "aws_securityhub_account").length === 0) return [{ resource: STACK, why: "no aws_securityhub_account: Security Hub is not enabled" }];
  return resourcesOf(stack, "aws_securityhub_standards_subscription").length === 0
    ? [{ resource: STACK, why: "Security Hub is enabled without any standard subscribed" }]
    : [];
}

/** Output a stack carries when its recorder belongs to Control Tower or another tool. */
export const EXTERNAL_RECORDER_OUTPUT = "config_recorder";
export const EXTERNAL_RECORDER_VALUE = "external";

export function configEnabled(stack: SynthesizedStack): Violation[] {
  if (stack.json.output?.[EXTERNAL_RECORDER_OUTPUT]?.value === EXTERNAL_RECORDER_VALUE) return [];
  const recorders = resourcesOf(stack, "aws_config_configuration_recorder");
  if (recorders.length === 0) return [{ resource: STACK, why: "no configuration recorder, and none declared as managed by Control Tower" }];
  const out: Violation[] = [];
  for (const recorder of recorders) {
    const group = block(recorder.body.recording_group);
    if (group?.all_supported !== true) out.push({ resource: recorder.address, why: "recording_group.all_supported is not true" });
    const statuses = resourcesOf(stack, "aws_config_configuration_recorder_status").filter((s) => refersTo(s.body.name, recorder.address));
    if (!statuses.some((s) => s.body.is_enabled === true))
      out.push({ resource: recorder.address, why: "no aws_config_configuration_recorder_status turns it on" });
  }
  if (resourcesOf(stack, "aws_config_delivery_channel").length === 0)
    out.push({ resource: STACK, why: "no delivery channel: recorded items are not delivered" });
  return out;
}

/** CloudWatch Logs refuses a log group's 101st metric filter (PutMetricFilter: LimitExceededException). */
export const METRIC_FILTERS_PER_LOG_GROUP = 100;

/** Log groups of the stack carrying more metric filters than CloudWatch Logs allows: the apply would fail part-way. */
export function metricFiltersWithinQuota(stack: SynthesizedStack): Violation[] {
  const byGroup = new Map<string, string[]>();
  for (const f of resourcesOf(stack, "aws_cloudwatch_log_metric_filter")) {
    const group = String(f.body.log_group_name);
    const filters = byGroup.get(group) ?? [];
    filters.push(f.address);
    byGroup.set(group, filters);
  }
  return [...byGroup]
    .filter(([, filters]) => filters.length > METRIC_FILTERS_PER_LOG_GROUP)
    .map(([group, filters]) => ({
      resource: filters[METRIC_FILTERS_PER_LOG_GROUP]!,
      why: `log group ${group} gets ${filters.length} metric filters; CloudWatch Logs allows ${METRIC_FILTERS_PER_LOG_GROUP} per log group, so applying this stack fails`,
    }));
}
