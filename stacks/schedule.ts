import type { ResolvedOrg, StackSpec } from "../config/model.js";
import { activeControls } from "../modules/controls/active.js";

/**
 * How synthesis work is cut up: an estimate of each stack's cost and batches of
 * stacks, heaviest first, that threads take one at a time. Pure, so the plan is
 * testable without building anything.
 */

/** Resources every stack has whatever its account declares (Config recorder and channel, Security Hub, provider). */
const BASE_COST = 7;

/**
 * Estimated cost of building one stack, in resources (building time follows the
 * resources and references cdktf creates). Only needs to rank stacks and size batches:
 * home-region stacks carry the IAM roles, the trail's stack one filter and one alarm
 * per account, the security account's stacks the rules and the hub's members.
 */
export function stackCost(org: ResolvedOrg, stack: StackSpec): number {
  const { account, region } = stack;
  let cost = BASE_COST;
  if (stack.isHomeRegion) {
    cost += org.config.pipelines ? 8 : 0;
    for (const role of account.roles) cost += 2 + role.managedPolicies.length;
  }
  for (const key of account.keys) if (key.regions.includes(region)) cost += 3;
  for (const secret of account.secrets) {
    if (secret.region === region) cost += 3 + (secret.rotation ? 3 : 0);
  }
  for (const endpoint of account.endpoints) if (endpoint.region === region) cost += 2 + endpoint.services.length + endpoint.gateways.length;
  let logGroups = 0;
  for (const group of account.logGroups) if (group.regions.includes(region)) logGroups++;
  if (logGroups > 0) cost += 3 + logGroups;
  const { compliance } = org.config;
  const isSecurity = org.securityAccount?.id === account.id;
  if (compliance.config.rules.mode === "account" || isSecurity) cost += activeControls(compliance).length;
  if (isSecurity) cost += org.accounts.length;
  if (org.trailStack === stack.name) {
    cost += 2 * org.accounts.length;
  }
  return cost;
}

/**
 * Stacks in batches of at most `maxCost` (a heavier stack is a batch of its own),
 * heaviest batches first, so the threads pulling them finish close together; each
 * batch is one cdktf app, so memory is bounded by a batch, not the organization.
 */
export function synthBatches(org: ResolvedOrg, stacks: StackSpec[], maxCost: number): StackSpec[][] {
  const costed = stacks.map((stack, index) => ({ stack, index, cost: stackCost(org, stack) }));
  // Ties keep config order, so the plan is the same on every run.
  costed.sort((a, b) => b.cost - a.cost || a.index - b.index);
  const batches: StackSpec[][] = [];
  let current: StackSpec[] = [];
  let currentCost = 0;
  for (const { stack, cost } of costed) {
    if (current.length > 0 && currentCost + cost > maxCost) {
      batches.push(current);
      current = [];
      currentCost = 0;
    }
    current.push(stack);
    currentCost += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
