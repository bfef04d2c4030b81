import { stackName, type ResolvedOrg, type StackSpec } from "../../config/model.js";
import { activeControls } from "./active.js";
import { controls as catalog } from "./catalog.js";
import type { Control, ControlParameters, ConfigRuleSpec } from "./types.js";

/** A catalog control's AWS Config rule as one stack deploys it, with its effective parameters. */
export interface DeployedRule {
  control: Control;
  rule: ConfigRuleSpec;
  parameters: ControlParameters;
}

/**
 * Which AWS Config rules a stack deploys, decided here once for deployment
 * (stacks/compliance.ts) and for declared-vs-observed (reports/model/declared.ts, through
 * configRulesCovering). Account mode: every stack deploys the active rules as its own.
 * Organization mode: the security account's stacks deploy them as organization rules.
 * Rules on global resources (IAM) run in the deploying account's home region only.
 */
export function configRulesDeployedIn(org: ResolvedOrg, stack: StackSpec, all: readonly Control[] = catalog): DeployedRule[] {
  if (org.config.compliance.config.rules.mode !== "account" && stack.account.id !== org.securityAccount?.id) return [];
  return activeControls(org.config.compliance, all).flatMap(({ control, parameters }) => {
    const rule = control.configRule;
    return rule && (!rule.global || stack.isHomeRegion) ? [{ control, rule, parameters }] : [];
  });
}

/**
 * The Config rules that evaluate one stack's resources: those its own stack deploys in account
 * mode; in organization mode those of the security account's stack in the same region (none
 * where the security account has no stack).
 */
export function configRulesCovering(org: ResolvedOrg, stack: StackSpec, all: readonly Control[] = catalog): DeployedRule[] {
  const deployer = org.config.compliance.config.rules.mode === "organization" ? org.securityAccount : stack.account;
  if (!deployer || !deployer.regions.includes(stack.region)) return [];
  const region = stack.region;
  return configRulesDeployedIn(org, { name: stackName(deployer.name, region), account: deployer, region, isHomeRegion: region === deployer.homeRegion }, all);
}
