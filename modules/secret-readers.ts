import type { ResolvedAccount, ResolvedOrg } from "../config/model.js";

/**
 * Role ARNs expected to read an account's secrets: the readers its secrets declare.
 * Undefined when the account declares no secrets (nothing to compare reads against).
 */
export function secretReaderRoleArns(_org: ResolvedOrg, account: ResolvedAccount): string[] | undefined {
  return account.secrets.length === 0 ? undefined : [];
}
