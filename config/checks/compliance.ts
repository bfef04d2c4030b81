import { controlById } from "../../modules/controls/catalog.js";
import type { ConfigCheck, Report } from "./types.js";
import type { OrgConfig } from "../schema.js";
import type { PathSegment } from "../errors.js";

/** Accounts and controls the compliance section names exist; organization-level pieces have a home. */
export const complianceChecks: ConfigCheck = ({ config, accounts }, report, names) => {
  const { compliance } = config;
  const knownAccount = (name: string, path: PathSegment[]) => names.account(name, path, { lead: "no account named" });

  const security = accounts.flatMap((a, i) => (a.role === "security" ? [i] : []));
  for (const i of security.slice(1)) {
    report(["accounts", i, "role"], `accounts[${security[0]}] is already the security account (Config aggregator, Security Hub administrator)`);
  }
  if (security.length === 0 && compliance.config.rules.mode === "organization") {
    report(
      ["accounts"],
      "organization Config rules, the aggregator and the Security Hub administrator live in the account with role: security; add it, or set compliance.config.rules.mode: account",
    );
  }
  if (security.length > 0) {
    // Organization rules and Security Hub members are regional and created from the security
    // account: a region it lacks would get neither. Account rules need no security account, but
    // the hub's members do, so account mode refuses the same config (no silent gap).
    const securityAccount = accounts[security[0]!]!;
    const lost =
      compliance.config.rules.mode === "organization"
        ? "organization Config rules"
        : "Security Hub membership (the security account adds members only in its own regions)";
    accounts.forEach((account, i) => {
      const missing = account.regions.filter((r) => !securityAccount.regions.includes(r));
      if (missing.length > 0) {
        report(
          ["accounts", i, names.written(["accounts", i, "regions"]) ? "regions" : "name"],
          `${missing.join(", ")} would get no ${lost}: add the region(s) to the security account ${securityAccount.name}`,
        );
      }
    });
  }

  const recorder = compliance.config.recorder;
  recorder?.controlTowerAccounts.forEach((name, k) => {
    const path = ["compliance", "config", "recorder", "controlTowerAccounts", k];
    if (knownAccount(name, path) && recorder.controlTowerAccounts.indexOf(name) !== k) report(path, `${name} is listed twice`);
  });

  checkRules(config, report);
  compliance.exceptions.forEach((e, k) => {
    const path = ["compliance", "exceptions", k];
    knownAccount(e.account, [...path, "account"]);
    e.controls.forEach((id, m) => {
      if (!controlById(id)) report([...path, "controls", m], unknownControl(id));
    });
  });
  checkSecurityHub(config, report);

  const monitoring = compliance.monitoring;
  const trailAccount = monitoring && knownAccount(monitoring.trail.account, ["compliance", "monitoring", "trail", "account"]);
  if (monitoring && trailAccount && monitoring.trail.region) {
    if (!trailAccount.regions.includes(monitoring.trail.region)) {
      report(
        ["compliance", "monitoring", "trail", "region"],
        `region ${monitoring.trail.region} is not one of ${trailAccount.name}'s regions (${trailAccount.regions.join(", ")})`,
      );
    }
  }
};

function checkRules(config: OrgConfig, report: Report): void {
  const { rules } = config.compliance.config;
  const seen = new Set<string>();
  rules.exclude.forEach(({ control }, k) => {
    const path = ["compliance", "config", "rules", "exclude", k, "control"];
    if (!controlById(control)) report(path, unknownControl(control));
    else if (seen.has(control)) report(path, `${control} is excluded twice`);
    seen.add(control);
  });
  for (const [id, parameters] of Object.entries(rules.parameters)) {
    const path = ["compliance", "config", "rules", "parameters", id];
    const control = controlById(id);
    if (!control) {
      report(path, unknownControl(id));
      continue;
    }
    if (!control.configRule) {
      report(path, `${id} has no AWS Config rule, so it takes no parameters`);
      continue;
    }
    for (const [name, value] of Object.entries(parameters)) {
      const fallback = control.configRule.parameters?.[name];
      // Parameters the catalog gives as whole numbers (days) must stay whole numbers: predicates read them.
      if (fallback !== undefined && /^\d+$/.test(fallback) && !/^[1-9]\d*$/.test(value)) report([...path, name], `a whole number such as ${fallback}`);
    }
  }
}

function unknownControl(id: string): string {
  return `no catalog control ${id} (see modules/controls/catalog.ts or the README's control table)`;
}

function checkSecurityHub(config: OrgConfig, report: Report): void {
  const hub = config.compliance.securityHub;
  hub.standards.forEach((s, k) => {
    if (hub.standards.indexOf(s) !== k) report(["compliance", "securityHub", "standards", k], `${s} is listed twice`);
  });
  const seen = new Set<string>();
  hub.disabledControls.forEach((entry, k) => {
    const path = ["compliance", "securityHub", "disabledControls", k];
    if (seen.has(entry.control)) report([...path, "control"], `${entry.control} is disabled twice`);
    seen.add(entry.control);
    (entry.standards ?? []).forEach((s, m) => {
      if (!hub.standards.includes(s)) report([...path, "standards", m], `${s} is not subscribed (compliance.securityHub.standards)`);
    });
  });
}
