// Generates an organization of N accounts from the example: every example account
// stays, and its workload accounts are cloned (renamed, renumbered) until N.
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";

export function generateOrg(accounts, { example = "config/org.yaml", regions } = {}) {
  const org = parse(readFileSync(example, "utf8"));
  const fixed = org.accounts;
  const templates = org.accounts.filter((a) => a.role === "workload");
  const generated = [];
  for (let i = 0; fixed.length + generated.length < accounts; i++) {
    const template = templates[i % templates.length];
    const name = `wl${String(i + 1).padStart(4, "0")}-${template.environment}`;
    const id = String(700000000000 + i);
    const clone = JSON.parse(JSON.stringify(template).replaceAll(template.name, name).replaceAll(template.id, id));
    delete clone.email;
    generated.push(clone);
  }
  const all = [...fixed, ...generated];
  if (regions) {
    org.defaults = { ...org.defaults, regions };
    for (const a of all) if (a.regions && a.role !== "management") delete a.regions;
  }
  return stringify({ ...org, accounts: all }, { lineWidth: 0 });
}
