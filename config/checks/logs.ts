import { activeControls } from "../../modules/controls/active.js";
import { didYouMean } from "../suggest.js";
import { daysFor } from "../sections/logs.js";
import type { OrgConfig } from "../schema.js";
import type { ConfigCheck } from "./types.js";

/**
 * The retention floor of an environment: its `logs.minimumRetentionDays`, raised to the
 * LOGS-RETENTION rule's MinRetentionTime as deployed and checked, so a config that loads
 * never fails that check (one value, not two thresholds that disagree).
 */
export function retentionFloor(config: OrgConfig): (environment: string) => { days: number; source: string } {
  const rule = activeControls(config.compliance).find((a) => a.control.id === "LOGS-RETENTION")?.parameters.MinRetentionTime;
  const ruleDays = rule === undefined ? 0 : Number(rule);
  return (environment) => {
    const own = daysFor(config.logs.minimumRetentionDays, environment);
    return ruleDays > own ? { days: ruleDays, source: "the LOGS-RETENTION rule's MinRetentionTime" } : { days: own, source: "logs.minimumRetentionDays" };
  };
}

/** Retention never goes under the environment's floor; log groups are unique and in the account's regions. */
export const logsChecks: ConfigCheck = ({ config, accounts }, report, names) => {
  const { logs } = config;
  const environments = [...new Set(accounts.map((a) => a.environment))].sort();
  const floorOf = retentionFloor(config);
  for (const field of ["retentionDays", "minimumRetentionDays"] as const) {
    for (const env of Object.keys(logs[field])) {
      // A default entry (prod: 365) is no mistake of a user whose organization has no such environment.
      if (env === "default" || environments.includes(env) || !names.written(["logs", field, env])) continue;
      const guess = didYouMean(env, environments);
      report(["logs", field, env], `no account has environment "${env}"${guess ? ` (did you mean "${guess}"?)` : ""}`);
    }
  }
  for (const env of environments) {
    const days = daysFor(logs.retentionDays, env);
    const floor = floorOf(env);
    if (days < floor.days) {
      report(
        ["logs", "retentionDays", env in logs.retentionDays ? env : "default"],
        `${env} keeps logs ${days} days, under its minimum of ${floor.days} (${floor.source})`,
      );
    }
  }
  accounts.forEach((account, i) => {
    const { regions } = account;
    const seen = new Map<string, number>();
    account.logGroups.forEach((group, j) => {
      const at = ["accounts", i, "logGroups", j] as const;
      const first = seen.get(group.name);
      if (first === undefined) seen.set(group.name, j);
      else report([...at, "name"], `log group ${group.name} is already declared by logGroups[${first}]`);
      group.regions.forEach((r, k) => {
        if (!regions.includes(r)) report([...at, "regions", k], `region ${r} is not one of this account's regions (${regions.join(", ")})`);
      });
      const floor = floorOf(account.environment);
      // The environment's own retention under its floor is reported once, at logs.retentionDays.
      if (group.retentionDays < floor.days && names.written([...at, "retentionDays"])) {
        report([...at, "retentionDays"], `${group.retentionDays} days is under the ${account.environment} minimum of ${floor.days} (${floor.source})`);
      }
    });
  });
};
