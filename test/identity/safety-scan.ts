import { isKnownConditionOperator, unescapeTerraformTemplate, type PolicyDocument } from "../../modules/policies/document.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Synthesized resources of one stack, and the permission boundary its roles must carry. */
export interface ScannedStack {
  name: string;
  resource: Resources;
  permissionBoundaryArn: string;
  variable?: Record<string, { ephemeral?: boolean }>;
  ephemeral?: Resources;
}

const toList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every policy document in a stack's resources (any attribute named *policy holding JSON), with where it is. */
export function policiesIn(stack: ScannedStack): Array<{ where: string; doc: PolicyDocument }> {
  const found: Array<{ where: string; doc: PolicyDocument }> = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${where}[${i}]`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === "string" && /policy$/.test(k) && v.trimStart().startsWith("{"))
          found.push({ where: `${where}.${k}`, doc: JSON.parse(unescapeTerraformTemplate(v)) as PolicyDocument });
        else visit(v, `${where}.${k}`);
      }
    }
  };
  for (const [type, byId] of Object.entries(stack.resource)) for (const [id, r] of Object.entries(byId)) visit(r, `${stack.name}/${type}.${id}`);
  return found;
}

/** Name-only (`repo:OWNER/REPO:…`) or immutable (`repo:OWNER@ID/REPO@ID:…`), then exactly one job context. */
const PINNED_SUBJECT = /^repo:(?:[\w.-]+\/[\w.-]+|[\w.-]+@[1-9]\d*\/[\w.-]+@[1-9]\d*):(pull_request|environment:[\w.-]+|ref:refs\/(heads|tags)\/[\w./-]+)$/;

/**
 * The must-never patterns found in a synthesized stack: secret values, wildcard or
 * loose OIDC trust, unconditioned `*` principals, Action `*`, service-wide Allows
 * (other than KMS's account-root statement), unknown condition operators, keys without
 * rotation or bypassing the lockout check, and roles without the boundary or with an
 * unbounded session.
 */
export function scanStack(stack: ScannedStack): string[] {
  const findings: string[] = [];
  // Values reach AWS only write-only, from an ephemeral variable or ephemeral resource of the stack.
  const ephemeralRef = (value: unknown) => {
    const v = typeof value === "string" ? /^\$\{var\.([\w-]+)\}$/.exec(value) : null;
    if (v) return stack.variable?.[v[1]!]?.ephemeral === true;
    const e = typeof value === "string" ? /^\$\{ephemeral\.([\w-]+)\.([\w-]+)\.random_password\}$/.exec(value) : null;
    return e !== null && stack.ephemeral?.[e[1]!]?.[e[2]!] !== undefined;
  };
  for (const [id, version] of Object.entries(stack.resource.aws_secretsmanager_secret_version ?? {})) {
    if (!ephemeralRef(version.secret_string_wo)) findings.push(`${stack.name}/aws_secretsmanager_secret_version.${id}: a value not from an ephemeral source`);
  }
  for (const [id, parameter] of Object.entries(stack.resource.aws_ssm_parameter ?? {})) {
    if (parameter.type !== "String" && !ephemeralRef(parameter.value_wo))
      findings.push(`${stack.name}/aws_ssm_parameter.${id}: a SecureString value not from an ephemeral source`);
  }
  const text = JSON.stringify(stack.resource);
  for (const field of ["secret_string", "secret_binary", "insecure_value", "password"]) {
    if (text.includes(`"${field}"`)) findings.push(`${stack.name}: a ${field} attribute`);
  }

  for (const { where, doc } of policiesIn(stack)) {
    for (const st of doc.Statement) {
      const at = `${where} ${st.Sid ?? ""}`.trim();
      for (const [operator, byKey] of Object.entries(st.Condition ?? {})) {
        if (!isKnownConditionOperator(operator)) findings.push(`${at}: unknown condition operator ${operator}`);
        for (const [key, value] of Object.entries(byKey)) {
          if (!key.startsWith("token.actions.githubusercontent.com:")) continue;
          if (operator !== "StringEquals") findings.push(`${at}: ${key} under ${operator}, not StringEquals`);
          if (key.endsWith(":aud") && value !== "sts.amazonaws.com") findings.push(`${at}: audience ${JSON.stringify(value)}`);
          if (key.endsWith(":sub"))
            for (const v of toList(value)) if (!PINNED_SUBJECT.test(String(v))) findings.push(`${at}: OIDC subject ${JSON.stringify(v)} not pinned`);
        }
      }
      const endpoint = /\/aws_vpc_endpoint\./.test(where);
      // An endpoint policy's federated statement lets tokens reach STS; the role's trust policy decides who assumes it.
      if (
        !endpoint &&
        toList(st.Action).includes("sts:AssumeRoleWithWebIdentity") &&
        !JSON.stringify(st.Condition ?? {}).includes("githubusercontent.com:sub")
      ) {
        findings.push(`${at}: web identity trust without a subject`);
      }
      const open = st.Principal === "*" || toList(typeof st.Principal === "object" ? st.Principal.AWS : undefined).includes("*");
      if (open && st.Effect === "Allow" && !st.Condition) findings.push(`${at}: unconditioned * principal`);
      for (const action of toList(st.Action)) {
        // A VPC endpoint policy grants nothing: it only narrows what passes the endpoint, so the
        // data-perimeter pattern (Action "*" for organization principals and resources) is exempt.
        if ((action === "*" || action === "*:*") && !endpoint) findings.push(`${at}: Action ${action}`);
        const rootOfKey =
          action === "kms:*" && typeof st.Principal === "object" && /^arn:aws:iam::\d{12}:root$/.test(String(st.Principal.AWS)) && !st.Condition;
        if (st.Effect === "Allow" && /^[a-z0-9-]+:\*$/.test(action) && !rootOfKey) findings.push(`${at}: service-wide Allow ${action}`);
      }
    }
  }

  for (const [id, key] of Object.entries(stack.resource.aws_kms_key ?? {})) {
    if (key.enable_key_rotation !== true) findings.push(`${stack.name}/aws_kms_key.${id}: rotation off`);
    if (key.bypass_policy_lockout_safety_check) findings.push(`${stack.name}/aws_kms_key.${id}: bypasses the lockout safety check`);
  }
  for (const [id, role] of Object.entries(stack.resource.aws_iam_role ?? {})) {
    if (role.permissions_boundary !== stack.permissionBoundaryArn)
      findings.push(`${stack.name}/aws_iam_role.${id}: boundary ${JSON.stringify(role.permissions_boundary)}`);
    const seconds = role.max_session_duration;
    if (typeof seconds !== "number" || seconds < 3600 || seconds > 43200) findings.push(`${stack.name}/aws_iam_role.${id}: session ${String(seconds)}`);
  }
  return findings;
}
