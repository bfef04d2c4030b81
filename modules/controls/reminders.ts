import type { ResolvedOrg } from "../../config/model.js";

/**
 * One-time account settings the generated stacks cannot make themselves, as
 * warnings `baseline check` prints: the pinned AWS provider (6.25) has no resource
 * enabling IAM outbound identity federation, so accounts whose roles mint outbound
 * tokens need it done once by hand.
 */
export function setupReminders(org: ResolvedOrg): string[] {
  return org.accounts.flatMap((a) => {
    const minters = a.roles.filter((r) => r.grants.outboundTokens).map((r) => r.name);
    if (minters.length === 0) return [];
    return [
      `account ${a.name} (${a.id}): ${minters.join(", ")} ${minters.length === 1 ? "mints" : "mint"} outbound web identity tokens; enable IAM outbound identity federation once there (aws iam enable-outbound-web-identity-federation), or GetWebIdentityToken fails`,
    ];
  });
}
