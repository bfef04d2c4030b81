import type { OrgConfig } from "../schema.js";
import type { ConfigCheck } from "./types.js";

type AccountConfig = OrgConfig["accounts"][number];

/** The account whose plan role reads the report gate's aggregator: named, else the security account. */
export function reportGateAccount(config: OrgConfig): AccountConfig | undefined {
  const gate = config.pipelines?.reportGate;
  if (!gate) return undefined;
  return gate.account === undefined ? config.accounts.find((a) => a.role === "security") : config.accounts.find((a) => a.name === gate.account);
}

/** The pipelines section names accounts that exist. */
export const workflowChecks: ConfigCheck = (config, report, names) => {
  const gate = config.pipelines?.reportGate;
  if (!gate) return;
  if (gate.account !== undefined) names.account(gate.account, ["pipelines", "reportGate", "account"], { why: ": expected the name of an account in accounts" });
  else if (!reportGateAccount(config)) report(["pipelines", "reportGate"], "no account has role security to read the aggregator from: name one with reportGate.account");
};
