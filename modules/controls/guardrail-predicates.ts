import type { GuardrailId, GuardrailsConfig } from "../../config/sections/guardrails.js";
import { GUARDRAIL_IDS, GUARDRAILS, normalizeOuPath, type PolicyType } from "../guardrail-plan.js";
import type { Statement } from "../policies/document.js";
import { asList, block, refersTo, resourcesOf } from "./terraform.js";
import type { SynthesizedStack, Violation } from "./types.js";

/**
 * Preflight of the guardrails and of standing credentials. The management stack declares
 * its guardrails in an output; the predicates verify each declared guardrail's statements
 * exist in a policy of the right type, attached to as many targets as declared.
 */

export const GUARDRAILS_OUTPUT = "org_baseline_guardrails";

export type GuardrailDeclaration = Record<string, { type: PolicyType; targets: string[] } | { disabled: string }>;

export function guardrailDeclaration(guardrails: GuardrailsConfig): GuardrailDeclaration {
  return Object.fromEntries(
    GUARDRAIL_IDS.map((id) => {
      const g = guardrails[id];
      return [id, g.enabled ? { type: GUARDRAILS[id].type, targets: [...new Set(g.targets.map(normalizeOuPath))] } : { disabled: g.reason ?? "" }];
    }),
  );
}

function statementsOf(content: unknown): Statement[] {
  if (typeof content !== "string") return [];
  try {
    return asList((JSON.parse(content) as { Statement?: unknown }).Statement) as Statement[];
  } catch {
    return [];
  }
}

/** The declared guardrail is generated (every statement, possibly split) and attached to each declared target. */
export function guardrailAttached(stack: SynthesizedStack, id: GuardrailId): Violation[] {
  const declared = (stack.json.output?.[GUARDRAILS_OUTPUT]?.value as GuardrailDeclaration | undefined)?.[id];
  if (!declared || "disabled" in declared) return [];
  const policies = resourcesOf(stack, "aws_organizations_policy").filter((p) => p.body.type === declared.type);
  const attachments = resourcesOf(stack, "aws_organizations_policy_attachment");
  const violations: Violation[] = [];
  const carrying = new Set<string>();
  for (const sid of GUARDRAILS[id].sids) {
    const pattern = new RegExp(`^${sid}\\d*$`);
    const holders = policies.filter((p) => statementsOf(p.body.content).some((s) => s.Effect === "Deny" && s.Sid !== undefined && pattern.test(s.Sid)));
    if (holders.length === 0)
      violations.push({ resource: "(stack)", why: `no ${declared.type} denies ${sid}: the ${GUARDRAILS[id].title} guardrail is declared but not generated` });
    for (const h of holders) carrying.add(h.address);
  }
  for (const address of [...carrying].sort()) {
    const targets = new Set(attachments.filter((a) => refersTo(a.body.policy_id, address)).map((a) => String(a.body.target_id)));
    if (targets.size < declared.targets.length) {
      violations.push({
        resource: address,
        why: `attached to ${targets.size} of the ${declared.targets.length} declared targets (${declared.targets.join(", ")})`,
      });
    }
  }
  return violations;
}

/** Terraform resources that are, or mint, a long-lived IAM credential. */
const USER_CREDENTIALS = [
  "aws_iam_user",
  "aws_iam_user_login_profile",
  "aws_iam_service_specific_credential",
  "aws_iam_signing_certificate",
  "aws_iam_user_ssh_key",
];

export function noIamUsers(stack: SynthesizedStack): Violation[] {
  return USER_CREDENTIALS.flatMap((type) =>
    resourcesOf(stack, type).map((r) => ({
      resource: r.address,
      why: "an IAM user or its credential: people and workloads use roles and short STS sessions instead",
    })),
  );
}

export function noAccessKeys(stack: SynthesizedStack): Violation[] {
  return resourcesOf(stack, "aws_iam_access_key").map((r) => ({
    resource: r.address,
    why: "an access key never expires, and Terraform keeps its secret in state",
  }));
}

/** The stack's AWS providers assume roles; none signs with a static access key (the root user's above all). */
export function noStaticProviderKeys(stack: SynthesizedStack): Violation[] {
  return asList(stack.json.provider?.aws).flatMap((p, i) => {
    const provider = block(p) ?? {};
    const keys = ["access_key", "secret_key", "token"].filter((k) => provider[k] !== undefined);
    return keys.length > 0 ? [{ resource: `provider.aws[${i}]`, why: `signs with a static ${keys.join(", ")}: assume the deploy role instead` }] : [];
  });
}
