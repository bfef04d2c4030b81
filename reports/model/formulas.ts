import type { Formulas } from "./types.js";

/** The formulas every output states next to the numbers they produce. */
export const FORMULAS: Formulas = {
  config: "Config score = 100 × COMPLIANT cells / (COMPLIANT + NON_COMPLIANT cells)",
  cell:
    "A cell is one (normalized rule, account, region). OrgConfigRule-<rule>-<suffix> and <rule>-conformance-pack-<id> both count as <rule>; " +
    "when several AWS rules fall into one cell, the most severe status wins (NON_COMPLIANT, then unreadable, then COMPLIANT).",
  noData:
    "INSUFFICIENT_DATA, NOT_APPLICABLE and unreadable cells are no data: shown, never counted. A score with no counted cell is n/a, never 100. " +
    "An account-region with no evaluations at all although every read succeeded is not reporting: listed as coverage, never a failed read.",
  rollUp: "Account, OU, region and rule scores apply the same formula to their own cells; an OU includes every account in it and in the OUs below it.",
  securityHub:
    "Security Hub CSPM score = 100 × passed controls / controls with data. A control fails if any active, non-suppressed finding for it failed. " +
    "Per account over that account's controls; overall over controls across the organization (failed if it failed in any account).",
  frameworks:
    "Framework score = 100 × passed requirements / (passed + failed requirements). A requirement passes only when every catalog control mapped to it has data and passes " +
    "(its AWS Config rule's counted cells, or else its Security Hub CSPM controls); it fails when one fails; otherwise it has no data and is not counted.",
  trend:
    "Change = this score − the previous snapshot's score, both as published. Newly failing: NON_COMPLIANT now, not before. Fixed: NON_COMPLIANT before, COMPLIANT now.",
  rounding: "Scores are percentages rounded half-up to one decimal.",
};
