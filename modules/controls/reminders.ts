import type { ResolvedOrg } from "../../config/model.js";

/**
 * Warnings `baseline check` prints: what the config allows but leaves to be done by
 * hand or probably did not mean.
 */
export function setupReminders(org: ResolvedOrg): string[] {
  return [...outboundFederation(org), ...unreachableBrokeredRoles(org)];
}

/**
 * The pinned AWS provider (6.25) has no resource enabling IAM outbound identity
 * federation, so accounts whose roles mint outbound tokens need it done once by hand.
 */
function outboundFederation(org: ResolvedOrg): string[] {
  return org.accounts.flatMap((a) => {
    const minters = a.roles.filter((r) => r.grants.outboundTokens).map((r) => r.name);
    if (minters.length === 0) return [];
    return [
      `account ${a.name} (${a.id}): ${minters.join(", ")} ${minters.length === 1 ? "mints" : "mint"} outbound web identity tokens; enable IAM outbound identity federation once there (aws iam enable-outbound-web-identity-federation), or GetWebIdentityToken fails`,
    ];
  });
}

/**
 * A brokered role trusts only the broker, and the broker may assume only the roles
 * access.rules hand out: a brokered role without a rule is declared but unusable.
 */
function unreachableBrokeredRoles(org: ResolvedOrg): string[] {
  const handedOut = new Set(org.access?.rules.map((r) => `${r.target.accountName}/${r.target.role}`) ?? []);
  return org.accounts.flatMap((a) =>
    a.roles
      .filter((r) => r.kind === "brokered" && !handedOut.has(`${a.name}/${r.name}`))
      .map(
        (r) =>
          `account ${a.name} (${a.id}): brokered role ${r.name} is handed out by no access rule, so nobody can assume it (the broker's permissions come from access.rules); add a rule for it or remove it`,
      ),
  );
}
