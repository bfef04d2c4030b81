import { controls as catalog } from "../../modules/controls/catalog.js";
import { configRulesCovering } from "../../modules/controls/coverage.js";
import type { Control } from "../../modules/controls/types.js";
import type { ResolvedOrg, StackSpec } from "../../config/model.js";
import type { DriftInput } from "../collect/drift.js";
import { compare, type Cell } from "./cells.js";
import { driftView } from "./drift.js";
import type { AccountRow, Coverage, DeclaredVsObserved } from "./types.js";

export interface DeclaredInput {
  org: ResolvedOrg;
  /** The drift summaries `--drift` names. */
  drift?: DriftInput;
  /** Catalog controls the config deploys in one stack (account x region). */
  controlsForStack?: (stack: StackSpec) => readonly Control[];
}

/** The catalog controls whose Config rule evaluates one stack: the rules deployment creates for it (modules/controls/coverage.ts). */
export function controlsDeployedIn(org: ResolvedOrg, stack: StackSpec, all: readonly Control[] = catalog): Control[] {
  return configRulesCovering(org, stack, all).map((r) => r.control);
}

/**
 * Not reporting as the config sees it: the collector's silent account-regions where the config
 * deploys Config rules, plus declared account-regions with rules that sent nothing at all
 * (an account Organizations did not list is silent without the collector knowing of it).
 * Account-regions with an unreadable cell are failed reads, listed elsewhere.
 */
export function declaredNotReporting(input: DeclaredInput, cells: readonly Cell[], observed: Coverage["notReporting"]): Coverage["notReporting"] {
  const controlsForStack = input.controlsForStack ?? ((stack: StackSpec) => controlsDeployedIn(input.org, stack));
  const withRules = input.org.stacks.filter((stack) => controlsForStack(stack).some((c) => c.configRule));
  const covered = new Set(withRules.flatMap((s) => [`${s.account.id}\u0000${s.region}`, `\u0000${s.region}`]));
  const kept = observed.filter((n) => covered.has(`${n.accountId ?? ""}\u0000${n.region}`));
  const listed = new Set(kept.map((n) => `${n.accountId ?? ""}\u0000${n.region}`));
  const seen = new Set(cells.map((c) => `${c.accountId}\u0000${c.region}`));
  for (const s of withRules) {
    const key = `${s.account.id}\u0000${s.region}`;
    if (seen.has(key) || listed.has(key) || listed.has(`\u0000${s.region}`)) continue;
    kept.push({ accountId: s.account.id, name: s.account.name, region: s.region, reason: "declared with Config rules in the config; no evaluations reported" });
  }
  return kept.sort((a, b) => (a.accountId ? 1 : 0) - (b.accountId ? 1 : 0) || compare(a.accountId ?? "", b.accountId ?? "") || compare(a.region, b.region));
}

/** What the config declares against what AWS Config reports. */
export function declaredVsObserved(input: DeclaredInput, cells: readonly Cell[], accounts: readonly AccountRow[]): DeclaredVsObserved {
  const { org } = input;
  const controlsForStack = input.controlsForStack ?? ((stack: StackSpec) => controlsDeployedIn(org, stack));

  // Observed = a readable result; an unreadable cell is a gap, not evidence the rule is there.
  const reportingStacks = new Set<string>();
  const observedRules = new Set<string>();
  const unreadable = new Map<string, string>();
  for (const c of cells) {
    if (c.status === "NO_DATA") {
      if (!unreadable.has(c.accountId)) unreadable.set(c.accountId, c.reason ?? "unreadable");
      continue;
    }
    reportingStacks.add(`${c.accountId}\u0000${c.region}`);
    observedRules.add(`${c.rule}\u0000${c.accountId}\u0000${c.region}`);
  }
  const reporting = new Set(accounts.filter((a) => a.reporting).map((a) => a.accountId));

  const accountsNotReporting = org.accounts
    .filter((a) => !reporting.has(a.id))
    .map((a) => {
      const why = unreadable.get(a.id);
      return { accountId: a.id, name: a.name, ou: a.ou, reason: why ? `could not be read: ${why}` : "no AWS Config results" };
    })
    .sort((a, b) => compare(a.name, b.name));
  const regionsNotReporting = org.stacks
    .filter((s) => reporting.has(s.account.id) && !reportingStacks.has(`${s.account.id}\u0000${s.region}`))
    .map((s) => ({ accountId: s.account.id, name: s.account.name, region: s.region }))
    .sort((a, b) => compare(a.name, b.name) || compare(a.region, b.region));
  const undeclaredAccounts = accounts
    .filter((a) => a.reporting && !org.accountById.has(a.accountId))
    .map((a) => ({ accountId: a.accountId, name: a.name }))
    .sort((a, b) => compare(a.accountId, b.accountId));

  // Stacks that report nothing at all are listed above; here only rules missing where Config otherwise reports.
  const perControl = new Map<string, DeclaredVsObserved["controlsNotObserved"][number]>();
  for (const stack of org.stacks) {
    if (!reportingStacks.has(`${stack.account.id}\u0000${stack.region}`)) continue;
    for (const control of controlsForStack(stack)) {
      const rule = control.configRule?.name;
      if (!rule) continue;
      let row = perControl.get(control.id);
      if (!row) {
        perControl.set(control.id, (row = { controlId: control.id, rule, title: control.title, severity: control.severity, expected: 0, missing: [] }));
      }
      row.expected++;
      if (!observedRules.has(`${rule}\u0000${stack.account.id}\u0000${stack.region}`)) {
        row.missing.push({ accountId: stack.account.id, name: stack.account.name, region: stack.region });
      }
    }
  }
  const controlsNotObserved = [...perControl.values()]
    .filter((row) => row.missing.length > 0)
    .map((row) => ({ ...row, missing: row.missing.sort((a, b) => compare(a.name, b.name) || compare(a.region, b.region)) }))
    .sort((a, b) => b.missing.length - a.missing.length || compare(a.controlId, b.controlId));

  return {
    drift: input.drift ? driftView(input.drift, org) : null,
    configFile: org.source,
    declaredAccounts: org.accounts.length,
    accountsNotReporting,
    regionsNotReporting,
    undeclaredAccounts,
    declaredControls: perControl.size,
    controlsNotObserved,
  };
}
