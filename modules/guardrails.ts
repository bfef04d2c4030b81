import { Construct } from "constructs";
import { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization/index.js";
import { DataAwsOrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit/index.js";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy/index.js";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment/index.js";
import type { GuardrailPolicy, PolicyType } from "./guardrail-plan.js";

export interface GuardrailsProps {
  policies: GuardrailPolicy[];
}

/** Terraform templates read `${` and `%{`; policy text is literal. */
function literal(text: string): string {
  return text.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/**
 * The organization's guardrail policies, created in the management account and attached to
 * the root or OUs. OU ids are looked up by path at plan time (each level by name under its
 * parent), so the config names OUs as it does for accounts and no id is copied into it.
 */
export class OrganizationGuardrails extends Construct {
  readonly policies = new Map<string, OrganizationsPolicy>();

  constructor(scope: Construct, id: string, props: GuardrailsProps) {
    super(scope, id);
    const organization = new DataAwsOrganizationsOrganization(this, "organization");
    const rootId = organization.roots.get(0).id;
    const ous = new Map<string, string>([["/", rootId]]);
    const targetId = (path: string): string => {
      const known = ous.get(path);
      if (known) return known;
      const slash = path.lastIndexOf("/");
      const parent = targetId(slash === 0 ? "/" : path.slice(0, slash));
      const ou = new DataAwsOrganizationsOrganizationalUnit(this, `ou-${slug(path)}`, { parentId: parent, name: path.slice(slash + 1) });
      ous.set(path, ou.id);
      return ou.id;
    };

    for (const policy of props.policies) {
      const resource = new OrganizationsPolicy(this, policy.name, {
        name: policy.name,
        description: policy.description,
        type: policy.type,
        content: literal(policy.json),
        lifecycle: { precondition: [policyTypeEnabled(organization, policy.type)] },
      });
      this.policies.set(policy.name, resource);
      for (const target of policy.targets) {
        new OrganizationsPolicyAttachment(this, `${policy.name}-to-${slug(target)}`, { policyId: resource.id, targetId: targetId(target) });
      }
    }
  }
}

/** A construct id for an OU path: `/` is root, `/Workloads/Prod` is Workloads-Prod. */
function slug(path: string): string {
  return path === "/" ? "root" : path.slice(1).replace(/[^A-Za-z0-9_-]+/g, "-");
}

/** Fails the plan with a clear message when the root has not enabled the policy type (AWS would refuse the attachment). */
function policyTypeEnabled(organization: DataAwsOrganizationsOrganization, type: PolicyType) {
  return {
    // The root lists the policy types it has enabled (or is enabling).
    condition: `\${contains(${organization.fqn}.roots[0].policy_types[*].type, "${type}")}`,
    errorMessage: `Enable ${type} on the organization root first: aws organizations enable-policy-type --root-id <root id> --policy-type ${type}`,
  };
}
