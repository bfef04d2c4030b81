import type { ConfigCheck } from "./types.js";

/** KMS keys: unique names per account, regions of the account, administrators and users that exist. */
export const keyChecks: ConfigCheck = ({ config, accounts }, report, names) => {
  // Aliases the baseline itself creates in every account-region (logs and alarm keys).
  const reserved = new Set([config.logs.keyName, "alarms"]);
  accounts.forEach((account, i) => {
    const { regions } = account;
    const seen = new Map<string, number>();
    account.keys.forEach((key, j) => {
      const at = ["accounts", i, "keys", j] as const;
      const first = seen.get(key.name);
      if (first !== undefined)
        report([...at, "name"], `duplicate key name ${JSON.stringify(key.name)}: already used by keys[${first}] (the alias must be unique)`);
      else seen.set(key.name, j);
      if (reserved.has(key.name))
        report([...at, "name"], `key name ${JSON.stringify(key.name)} is taken: the baseline creates alias/org-baseline/${key.name} itself`);
      key.regions.forEach((region, k) => {
        if (!regions.includes(region)) report([...at, "regions", k], `region ${region} is not one of this account's regions (${regions.join(", ")})`);
      });
      key.administrators.forEach((ref, k) => names.role(account, ref.name, [...at, "administrators", k]));
      key.users.forEach((user, k) => {
        const owner = names.account(user.role.account, [...at, "users", k, "role"]);
        if (owner) names.role(owner, user.role.name, [...at, "users", k, "role"]);
      });
    });
  });
};
