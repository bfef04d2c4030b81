import { GUARDRAIL_IDS, GUARDRAILS, knownOuPaths, normalizeOuPath, planGuardrails } from "../../modules/guardrail-plan.js";
import { GITHUB_ISSUER } from "../../modules/policies/guardrail-policies.js";
import { organizationRegions } from "../model.js";
import { didYouMean } from "../suggest.js";
import type { ConfigCheck, ModelCheck } from "./types.js";

/**
 * Guardrails name accounts and OUs that exist, fit AWS's limits (checked here, not at apply),
 * and cannot lock out the deploy role or the pipelines.
 */
export const guardrailChecks: ConfigCheck = ({ config, accounts }, report) => {
  const guardrails = config.guardrails;
  if (guardrails === undefined) return;
  if (!accounts.some((a) => a.role === "management")) {
    if (GUARDRAIL_IDS.some((id) => guardrails[id].enabled)) {
      report(
        ["guardrails"],
        "guardrails are created in the management account's stack: add the account with role: management, or remove the guardrails section",
      );
    }
    return;
  }

  const accountNames = config.accounts.map((a) => a.name);
  const ouPaths = [...knownOuPaths(accounts)];
  for (const id of GUARDRAIL_IDS) {
    const g = guardrails[id];
    const isRcp = GUARDRAILS[id].type === "RESOURCE_CONTROL_POLICY";
    g.targets.forEach((target, k) => {
      const path = ["guardrails", id, "targets", k];
      const normalized = normalizeOuPath(target);
      if (!ouPaths.includes(normalized)) {
        const guess = didYouMean(normalized, ouPaths);
        report(
          path,
          `no account lives in or under the OU ${target}${guess ? ` (did you mean "${guess}"?)` : ""}; targets are / (the root) or the accounts' OU paths`,
        );
      } else if (g.targets.map(normalizeOuPath).indexOf(normalized) !== k) {
        report(path, `${target} is listed twice`);
      }
    });
    g.exceptions.forEach((e, k) => {
      const path = ["guardrails", id, "exceptions", k];
      if (e.account !== undefined && !accountNames.includes(e.account)) {
        const guess = didYouMean(e.account, accountNames);
        report([...path, "account"], `no account named "${e.account}"${guess ? ` (did you mean "${guess}"?)` : ""}`);
      }
      if (isRcp && e.role !== undefined) {
        report([...path, "role"], "a resource control policy applies to resources, not principals: except resources by account (drop role)");
      } else if (isRcp && e.account === undefined) {
        report(path, "name the account whose resources the guardrail leaves alone");
      }
      if (id === "denyRootUser" && e.role !== undefined) {
        report([...path, "role"], "the root user is not a role: except its account (drop role)");
      }
    });
  }
  guardrails.trustedIdentityProviders.issuers.forEach((issuer, k) => {
    if (issuer.host === GITHUB_ISSUER) {
      report(
        ["guardrails", "trustedIdentityProviders", "issuers", k, "host"],
        "GitHub Actions is trusted for the owners of pipelines and github roles already; list only other issuers",
      );
    }
  });

  // The deploy role plans and applies every account-region, and the pipelines read state in the backend's region.
  if (guardrails.regionDeny.enabled && guardrails.regionDeny.allowedRegions) {
    const allowed = guardrails.regionDeny.allowedRegions;
    const needed = [...organizationRegions(accounts), ...(config.backend.type === "s3" ? [config.backend.region] : [])];
    const missing = [...new Set(needed.filter((r) => !allowed.includes(r)))];
    if (missing.length > 0) {
      report(
        ["guardrails", "regionDeny", "allowedRegions"],
        `${missing.join(", ")} would be denied, locking the deploy role and the pipelines out of stacks or state there: allow every region the accounts and the state backend use`,
      );
    }
  }
};

/** Each guardrail's policies within AWS's size and count limits, checked here rather than at apply. */
export const guardrailSizeChecks: ModelCheck = (org, report) => {
  if (!org.guardrails || !org.managementAccount) return;
  for (const problem of planGuardrails(org, org.guardrails).problems) report(problem.path, problem.message);
};
