import type { Scorecard } from "../model/types.js";

/** Version of the JSON layout; bumped when a field changes meaning or disappears. */
export const JSON_FORMAT_VERSION = 1;

/**
 * The whole scorecard as JSON: every row the HTML caps (resources, trend cells, missing
 * controls) is here in full. Scores are percentages with one decimal, or null without data.
 */
export function renderJson(card: Scorecard): string {
  const {
    score,
    summary,
    formulas,
    coverage,
    freshness,
    gaps,
    ous,
    accounts,
    regions,
    rules,
    securityHub,
    securityHubV2,
    accessAnalyzer,
    resources,
    unlistedCells,
    unlisted,
    trend,
    history,
    declared,
    frameworks,
  } = card;
  const doc = {
    formatVersion: JSON_FORMAT_VERSION,
    collectedAt: card.collectedAt,
    source: card.source,
    apiCalls: card.apiCalls,
    score,
    formulas,
    summary,
    coverage,
    freshness,
    gaps,
    ous,
    accounts,
    regions,
    rules,
    frameworks,
    securityHub,
    securityHubV2,
    accessAnalyzer,
    resources,
    unlistedCells,
    unlisted,
    trend,
    history,
    declared,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
