import type { ConfigCheck } from "./types.js";

/** Account ids, names and emails are unique; each account's home region is one of its regions. */
export const accountChecks: ConfigCheck = ({ accounts }, report, names) => {
  const seen = { id: new Map<string, number>(), name: new Map<string, number>(), email: new Map<string, number>() };
  accounts.forEach((account, i) => {
    for (const field of ["id", "name", "email"] as const) {
      const value = account[field];
      if (value === undefined) continue;
      const key = field === "email" ? value.toLowerCase() : value;
      const first = seen[field].get(key);
      if (first === undefined) seen[field].set(key, i);
      else report(["accounts", i, field], `duplicate account ${field} ${JSON.stringify(value)}: already used by accounts[${first}]`);
    }
    const { regions, homeRegion } = account;
    if (!regions.includes(homeRegion)) {
      report(["accounts", i, "homeRegion"], `home region ${homeRegion} is not one of this account's regions (${regions.join(", ")})`);
    }
    const duplicateRegion = regions.find((r, j) => regions.indexOf(r) !== j);
    if (duplicateRegion)
      report(["accounts", i, names.written(["accounts", i, "regions"]) ? "regions" : "homeRegion"], `region ${duplicateRegion} is listed twice`);
  });
  const managementAccounts = accounts.flatMap((a, i) => (a.role === "management" ? [i] : []));
  for (const i of managementAccounts.slice(1)) {
    report(["accounts", i, "role"], `an organization has one management account; accounts[${managementAccounts[0]}] is already management`);
  }
};
