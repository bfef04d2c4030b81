import { planGuardrails } from "../modules/guardrail-plan.js";
import { OrganizationGuardrails } from "../modules/guardrails.js";
import { GUARDRAILS_OUTPUT, guardrailDeclaration } from "../modules/controls/guardrail-predicates.js";
import type { Capability } from "./capabilities.js";
import { TerraformOutput, Token } from "./platform.js";

/**
 * Organization-wide policies, in the management account's home-region stack (Organizations
 * is global and only the management account administers its policies): the guardrails.
 */
export const organizationCapability: Capability = (scope, { org, stack }) => {
  const guardrails = org.guardrails;
  if (!guardrails || stack.account.role !== "management" || !stack.isHomeRegion) return;
  const plan = planGuardrails(org, guardrails);
  // The loader refused these already; a programmatic caller must not get a half-valid set.
  if (plan.problems.length > 0) throw new Error(`guardrails: ${plan.problems.map((p) => p.message).join("; ")}`);
  new OrganizationGuardrails(scope, "guardrails", { policies: plan.policies });
  // What `check` verifies was generated and attached, and what was switched off and why.
  new TerraformOutput(scope, GUARDRAILS_OUTPUT, {
    // As a token: cdktf inspects a plain object output with the deprecated util.isArray, which warns on Node 22+.
    value: Token.asAny(guardrailDeclaration(guardrails)),
    description: "org-baseline guardrails declared in config: targets of each enabled one, the reason of each switched off",
  });
};
