import type { Conditions } from "./document.js";
import { assertKept, TRUSTED_PRINCIPAL } from "./must-never.js";

/** Helpers shared by the policy builders for naming principals and combining conditions. */

export function accountRoot(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** The account id of an IAM ARN (`arn:aws:iam::<id>:...`). */
export function accountOfArn(arn: string): string {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn);
  if (!match) throw new Error(`${JSON.stringify(arn)} is not an IAM ARN of an account`);
  return match[1]!;
}

export interface NamedPrincipals {
  /** Account roots to put in `Principal`. */
  roots: string[];
  /** Exact ARNs to require with `aws:PrincipalArn`. */
  arns: string[];
  accountIds: string[];
}

/**
 * Principals written as their accounts' roots narrowed by `aws:PrincipalArn`:
 * a policy naming a role directly is rejected while that role does not exist yet,
 * and silently breaks when the role is recreated.
 */
export function principalsByAccount(arns: readonly string[]): NamedPrincipals {
  for (const arn of arns) assertKept(TRUSTED_PRINCIPAL, arn);
  const accountIds = [...new Set(arns.map(accountOfArn))].sort();
  return { roots: accountIds.map(accountRoot), arns: [...new Set(arns)].sort(), accountIds };
}

/** Merges condition blocks; values of the same operator and key are unioned. */
export function mergeConditions(...blocks: Conditions[]): Conditions {
  const out: Conditions = {};
  for (const block of blocks) {
    for (const [operator, byKey] of Object.entries(block)) {
      const target = (out[operator] ??= {});
      for (const [key, value] of Object.entries(byKey)) {
        const existing = target[key];
        if (existing === undefined) target[key] = value;
        else target[key] = [...new Set([...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(value) ? value : [value])])];
      }
    }
  }
  return out;
}
