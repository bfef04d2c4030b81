import { qualifyRole } from "../sections/refs.js";
import type { ConfigCheck } from "./types.js";

/** KMS keys: unique names per account, regions of the account, administrators and users that exist. */
export const keyChecks: ConfigCheck = (config, report) => {
  const byName = new Map(config.accounts.map((a) => [a.name, a]));
  // Aliases the baseline itself creates in every account-region (logs and alarm keys).
  const reserved = new Set([config.logs.keyName, "alarms"]);
  config.accounts.forEach((account, i) => {
    const regions = account.regions ?? config.defaults.regions;
    const seen = new Map<string, number>();
    account.keys.forEach((key, j) => {
      const at = ["accounts", i, "keys", j] as const;
      const first = seen.get(key.name);
      if (first !== undefined) report([...at, "name"], `duplicate key name ${JSON.stringify(key.name)}: already used by keys[${first}] (the alias must be unique)`);
      else seen.set(key.name, j);
      if (reserved.has(key.name)) report([...at, "name"], `key name ${JSON.stringify(key.name)} is taken: the baseline creates alias/org-baseline/${key.name} itself`);
      (key.regions ?? []).forEach((region, k) => {
        if (!regions.includes(region)) report([...at, "regions", k], `region ${region} is not one of this account's regions (${regions.join(", ")})`);
      });
      const roleExists = (ref: Parameters<typeof qualifyRole>[0]) => {
        const q = qualifyRole(ref, account.name);
        const owner = byName.get(q.account);
        if (!owner) return `unknown account ${JSON.stringify(q.account)}`;
        return owner.roles.some((r) => r.name === q.name) ? undefined : `role ${JSON.stringify(q.name)} does not exist in account ${q.account}`;
      };
      key.administrators.forEach((ref, k) => {
        const problem = roleExists(ref);
        if (problem) report([...at, "administrators", k], problem);
        else if (qualifyRole(ref, account.name).account !== account.name) {
          report([...at, "administrators", k], "a key's administrators must be roles of its own account: management of a key is never delegated across accounts");
        }
      });
      key.users.forEach((user, k) => {
        const problem = roleExists(user.role);
        if (problem) report([...at, "users", k, "role"], problem);
      });
    });
  });
};
