import { createHash } from "node:crypto";
import type { ResolvedAccount, ResolvedOrg } from "../config/model.js";

/**
 * Names and ARNs several parts agree on: the identity module creates these roles,
 * the workflow generator assumes them, and tests compare the two.
 */

/** Terraform variable holding the role the provider assumes; CI plan jobs set it empty to act as the OIDC plan role itself. */
export const DEPLOY_ROLE_VARIABLE = "deploy_role_arn";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Alias of a baseline KMS key, e.g. `alias/org-baseline/logs`; identity policies match keys by it (`kms:ResourceAliases`). */
export function keyAliasName(name: string): string {
  return `alias/org-baseline/${name}`;
}

/**
 * The rotation function deployed for a secret from an AWS template (modules/secret.ts names
 * its application this way); the baseline pre-creates its log group `/aws/lambda/<name>`.
 */
export function rotationFunctionName(accountId: string, region: string, secretName: string): string {
  return `org-baseline-rotation-${createHash("sha256").update(`${accountId}/${region}/${secretName}`).digest("hex").slice(0, 8)}`;
}

export function roleArn(accountId: string, name: string, path = "/"): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

export interface PipelineRoles {
  plan: string;
  apply: string;
}

/** The GitHub Actions OIDC roles of an account, or undefined when the config has no pipelines section. */
export function pipelineRoles(org: ResolvedOrg, account: ResolvedAccount): PipelineRoles | undefined {
  const pipelines = org.config.pipelines;
  if (!pipelines) return undefined;
  return { plan: roleArn(account.id, pipelines.planRoleName), apply: roleArn(account.id, pipelines.applyRoleName) };
}

/**
 * Terraform name of a Roles Anywhere role's trust anchor: fixed (the construct
 * overrides cdktf's hashed id with it), so the role's trust policy can name the
 * anchor's ARN and the access proofs can recognize it.
 */
export function trustAnchorLogicalId(roleName: string): string {
  return `rolesanywhere-${roleName.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}

/** The trust anchor's ARN as a Terraform reference. */
export function trustAnchorReference(roleName: string): string {
  return `\${aws_rolesanywhere_trust_anchor.${trustAnchorLogicalId(roleName)}.arn}`;
}
