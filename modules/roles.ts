import { Construct } from "constructs";
import type { ITerraformDependable } from "../stacks/platform.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { policyJson, type PolicyDocument } from "./policies/document.js";
import { tagsArg } from "./tags.js";

export interface BaselineRoleProps {
  name: string;
  path?: string;
  description?: string;
  trust: PolicyDocument;
  /** Inline permissions (from the identity-policy builders). */
  policy?: PolicyDocument;
  managedPolicyArns?: string[];
  /** Every role carries the organization's permission boundary. */
  permissionsBoundary: string;
  maxSessionDuration: number;
  tags?: Record<string, string>;
}

/**
 * An IAM role as the baseline makes every role: trust and permissions from the
 * policy builders, the permission boundary always set, and a bounded session.
 */
export class BaselineRole extends Construct {
  readonly role: IamRole;
  /** The role's ARN (a Terraform reference, so dependents wait for the role). */
  readonly arn: string;
  /** Its inline policy and managed-policy attachments, for dependents that need the permissions in place. */
  readonly permissions: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: BaselineRoleProps) {
    super(scope, id);
    if (!props.permissionsBoundary) throw new Error(`role ${props.name}: a permission boundary is required`);
    if (props.maxSessionDuration < 3600 || props.maxSessionDuration > 43200)
      throw new Error(`role ${props.name}: IAM allows a maximum session of 3600-43200 s`);
    this.role = new IamRole(this, "role", {
      name: props.name,
      path: props.path ?? "/",
      ...(props.description ? { description: props.description } : {}),
      assumeRolePolicy: policyJson(props.trust),
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: props.maxSessionDuration,
      ...tagsArg(props.tags),
    });
    this.arn = this.role.arn;
    if (props.policy) {
      this.permissions.push(new IamRolePolicy(this, "permissions", { name: "permissions", role: this.role.name, policy: policyJson(props.policy) }));
    }
    for (const arn of [...new Set(props.managedPolicyArns ?? [])].sort()) {
      this.permissions.push(new IamRolePolicyAttachment(this, `managed-${arn.split("/").pop()}`, { role: this.role.name, policyArn: arn }));
    }
  }
}
