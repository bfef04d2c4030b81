import type { FrameworkId } from "../../modules/controls/frameworks.js";
import type { CellStatus, CollectionGap, Snapshot } from "../snapshot.js";
import type { ControlInfo } from "./control-info.js";
import type { Tally } from "./score.js";

/** Everything every renderer shows: a pure function of a Snapshot (see scorecard.ts). */
export interface Scorecard {
  collectedAt: string;
  source: Snapshot["source"];
  apiCalls: number;
  score: { overall: number | null; securityHub: number | null };
  summary: Summary;
  ous: OuRow[];
  accounts: AccountRow[];
  regions: RegionRow[];
  rules: RuleRow[];
  /** Every non-compliant resource, most severe first. */
  resources: ResourceRow[];
  /** Non-compliant cells whose resources are not all listed: left out by the bound, capped by AWS, or unread. */
  unlistedCells: number;
  /** Why: `unlistedCells` split by the first reason that applies to each cell. */
  unlisted: Unlisted;
  securityHub: SecurityHubView | null;
  /** The new Security Hub's active findings (`--security-hub v2`); shown, not scored. */
  securityHubV2: SecurityHubV2View | null;
  /** IAM Access Analyzer's external-access findings on secrets, keys and roles; shown, not scored. */
  accessAnalyzer: AccessAnalyzerView | null;
  freshness: Freshness;
  coverage: Coverage;
  gaps: GapGroup[];
  trend: Trend | null;
  /** `--history DIR`: the score over time; null without it. */
  history: History | null;
  declared: DeclaredVsObserved | null;
  /** NIST SP 800-53 r5 and CIS AWS Foundations, from the catalog's mappings. */
  frameworks: FrameworkView[];
  formulas: Formulas;
}

export interface Unlisted {
  /** `--max-detail-calls` of a live collection and the detail calls it made; null offline and in older snapshots. */
  bound: { maxCalls: number; calls: number } | null;
  /**
   * Cells whose resources the bound left out (`partlyRead` of them listed in part), and their
   * non-compliant resources not listed, by Config's count (`atLeast` when AWS capped a count at 100).
   */
  leftOut: { cells: number; partlyRead: number; resources: number; atLeast: boolean };
  /** Cells with more non-compliant resources than the 100 AWS counts and lists through the query. */
  capped: number;
  /** Cells without any listed resource although read: a detail read failed (see gaps) or returned nothing. */
  unread: number;
}

export type RequirementStatus = "PASSED" | "FAILED" | "NO_DATA";

export interface FrameworkView {
  id: FrameworkId;
  title: string;
  url: string;
  /** 100 x passed requirements / (passed + failed), one decimal; requirements without data are not counted. */
  score: number | null;
  passed: number;
  failed: number;
  noData: number;
  /** The requirements the catalog maps controls to, in the framework's own order. */
  requirements: Array<{
    id: string;
    title: string;
    status: RequirementStatus;
    controls: Array<{ controlId: string; title: string; status: RequirementStatus; evidence: string }>;
  }>;
}

export interface Summary extends Tally {
  cells: number;
  insufficientData: number;
  notApplicable: number;
  /** Cells the collector could not read (NO_DATA). */
  unreadable: number;
  accounts: number;
  rules: number;
  regions: number;
  nonCompliantResources: number;
  /** Accounts with a score below 100 (at least one non-compliant cell). */
  failingAccounts: number;
  failingRules: number;
}

export interface OuRow extends Tally {
  /** Path from the root, e.g. `/Workloads/Prod`; `(unknown)` when Organizations could not name it. */
  ou: string;
  /** Last segment, for display; `Root` for `/`. */
  name: string;
  depth: number;
  /** Accounts in this OU and every OU below it. */
  accounts: number;
}

export interface AccountRow extends Tally {
  accountId: string;
  name: string | null;
  ou: string | null;
  state: string | null;
  /** False when Config reported nothing readable for the account. */
  reporting: boolean;
  nonCompliantResources: number;
  /** Normalized rules with at least one non-compliant cell in the account, sorted. */
  failingRules: string[];
  securityHub: SecurityHubTally | null;
  /** Score change since the previous snapshot. */
  delta: number | null;
  /** The account is absent from the previous snapshot (so it has no change to show). */
  newSincePrevious: boolean;
}

export interface RegionRow extends Tally {
  region: string;
  accounts: number;
}

export interface RuleRow extends Tally, ControlInfo {
  /** Normalized rule name. */
  rule: string;
  /** Rule names as AWS reported them across accounts, sorted. */
  ruleNames: string[];
  failingAccounts: number;
  nonCompliantResources: number;
  delta: number | null;
}

export interface ResourceRow {
  rule: string;
  title: string;
  severity: string | null;
  docUrl: string | null;
  accountId: string;
  accountName: string | null;
  ou: string | null;
  region: string;
  resourceType: string;
  resourceId: string;
  annotation: string | null;
  recordedAt: string | null;
}

export interface SecurityHubTally {
  passed: number;
  failed: number;
  /** 100 x passed / (passed + failed), one decimal; null without data. */
  score: number | null;
}

export interface SecurityHubView extends SecurityHubTally {
  /** One row per control across the organization: it fails if it failed in any account. */
  controls: Array<{
    controlId: string;
    title: string;
    severity: string | null;
    status: "PASSED" | "FAILED";
    passedAccounts: number;
    failedAccounts: number;
  }>;
  failedFindings: number;
}

export interface SecurityHubV2View {
  activeFindings: number;
  /** Most findings first. */
  bySeverity: Array<{ severity: string; count: number }>;
  byAccount: Array<{ accountId: string; name: string | null; count: number }>;
}

export interface AccessAnalyzerView {
  findings: number;
  /** Reachable by anyone. */
  public: number;
  /** Shared with named principals outside the organization. */
  outsideOrganization: number;
  /** Details not read (bounded, or the read failed): public or not is unknown. */
  unclassified: number;
  analyzers: number;
  activeAnalyzerRegions: string[];
  /** Regions collected without an active organization analyzer: their resources go unseen. */
  regionsWithoutAnalyzer: string[];
  /** Most public findings first. */
  byAccount: Array<{ accountId: string; name: string | null; public: number; outsideOrganization: number; unclassified: number; resources: number }>;
  /** Public first, then by account and resource. */
  resources: Array<{
    accountId: string;
    accountName: string | null;
    /** null for IAM roles (global). */
    region: string | null;
    resourceType: string;
    resource: string;
    access: "public" | "outside-organization" | "unclassified";
    principals: string[];
    actions: string[];
    updatedAt: string | null;
  }>; /** The organization unused-access analyzers and their findings; null when not read. Not scored. */
  unused: UnusedAccessView | null;
}

export interface UnusedAccessView {
  /** The analyzers listed; null when only findings were exported (listing not read). */
  analyzers: Array<{ name: string; region: string; status: string }> | null;
  activeAnalyzerRegions: string[];
  findings: number;
  /** Every finding type AWS reports for unused access, then any other seen; most first. */
  byType: Array<{ findingType: string; count: number }>;
  /** Most findings first. */
  byAccount: Array<{
    accountId: string;
    name: string | null;
    findings: number;
    roles: number;
    accessKeys: number;
    passwords: number;
    permissions: number;
  }>;
  /** By account, resource and finding type. */
  resources: Array<{ accountId: string; accountName: string | null; resourceType: string; resource: string; findingType: string; updatedAt: string | null }>;
}

export interface Freshness {
  collectedAt: string;
  sources: number;
  /** Count per LastUpdateStatus (SUCCEEDED, FAILED, OUTDATED...). */
  byStatus: Record<string, number>;
  oldestUpdate: string | null;
  newestUpdate: string | null;
  /** Sources whose last update did not succeed. */
  problems: Array<{ sourceId: string; sourceType: string; region: string | null; status: string; lastUpdate: string | null; errorCode: string | null }>;
}

export interface Coverage {
  /** Accounts known from Organizations or from Config results. */
  accounts: number;
  reportingAccounts: number;
  cells: number;
  cellsWithData: number;
  /** 100 x cells counted in the score / all cells, one decimal. */
  percent: number | null;
  /** (account, region) pairs with at least one readable result. */
  reportingAccountRegions: number;
  /**
   * Account-regions (accountId null: a whole region) with no evaluations although every read
   * succeeded: Config not recording or not deployed there. Coverage, not a failed read; with
   * `--config`, only where the config deploys Config rules.
   */
  notReporting: Array<{ accountId: string | null; name: string | null; region: string; reason: string }>;
}

/** Gaps of one kind, so a thousand failed calls read as one line with a count. */
export interface GapGroup {
  scope: CollectionGap["scope"];
  operation: string;
  reason: string;
  count: number;
  /** The first few gaps of the group, for the reader to locate them. */
  examples: Array<Pick<CollectionGap, "accountId" | "region" | "rule">>;
}

export interface CellRef {
  rule: string;
  title: string;
  accountId: string;
  accountName: string | null;
  region: string;
  before: CellStatus | null;
  after: CellStatus | null;
}

export interface Trend {
  previousCollectedAt: string;
  overall: { before: number | null; after: number | null; delta: number | null };
  securityHub: { before: number | null; after: number | null; delta: number | null };
  accounts: Array<{ accountId: string; name: string | null; before: number | null; after: number | null; delta: number | null }>;
  rules: Array<{ rule: string; title: string; before: number | null; after: number | null; delta: number | null }>;
  /** Cells NON_COMPLIANT now that were not before (including cells that did not exist). */
  newlyFailing: CellRef[];
  /** Cells COMPLIANT now that were NON_COMPLIANT before. */
  fixed: CellRef[];
}

/** One row's score in every snapshot of a history, aligned with `History.snapshots`. */
export interface HistorySeries {
  /** null where the row had no score (no counted cell, or not there yet). */
  scores: Array<number | null>;
  /** The oldest score the row has. */
  first: number | null;
  /** This report's score − `first`; null when the row has no earlier score. */
  change: number | null;
}

/** `--history DIR`: saved snapshots (plus `--previous` and this report's own), oldest first. */
export interface History {
  snapshots: Array<{ collectedAt: string; file: string | null; current: boolean; score: number | null; securityHub: number | null }>;
  /** Files left out as the same snapshot as another (same instant, same scores). */
  duplicates: string[];
  organization: HistorySeries;
  ous: Array<HistorySeries & { ou: string; name: string; depth: number }>;
  accounts: Array<HistorySeries & { accountId: string; name: string | null; ou: string | null }>;
}

/** `--drift`: the drift workflow's read-only plans against the declared stacks. */
export interface DriftView {
  files: string[];
  /** Stacks whose latest plan ran (clean or drifted). */
  checked: number;
  drifted: Array<{
    stack: string;
    accountId: string;
    accountName: string | null;
    region: string;
    add: number;
    change: number;
    destroy: number;
    resources: Array<{ address: string; actions: string[] }>;
    /** Resources Terraform saw changed outside it. */
    changedOutside: string[];
    sha256: string | null;
    checkedAt: string | null;
    runUrl: string;
  }>;
  failed: Array<{ stack: string; accountId: string; region: string; runUrl: string }>;
  /** Declared stacks no summary covers. */
  notChecked: string[];
}

export interface DeclaredVsObserved {
  /** Stacks drifted from their configuration; null without `--drift`. */
  drift: DriftView | null;
  configFile: string;
  declaredAccounts: number;
  /** Declared accounts with no readable Config result at all, and why: no results, or results that could not be read. */
  accountsNotReporting: Array<{ accountId: string; name: string; ou: string; reason: string }>;
  /** Declared (account, region) stacks of reporting accounts with no readable Config result. */
  regionsNotReporting: Array<{ accountId: string; name: string; region: string }>;
  /** Accounts Config reports on that the config does not declare. */
  undeclaredAccounts: Array<{ accountId: string; name: string | null }>;
  declaredControls: number;
  /** Catalog controls the config deploys, per control: the reporting declared stacks where the rule is not observed. */
  controlsNotObserved: Array<{
    controlId: string;
    rule: string;
    title: string;
    severity: string;
    /** Declared (account, region) pairs that report to Config and expect the rule. */
    expected: number;
    missing: Array<{ accountId: string; name: string; region: string }>;
  }>;
}

export interface Formulas {
  config: string;
  cell: string;
  noData: string;
  rollUp: string;
  securityHub: string;
  frameworks: string;
  trend: string;
  rounding: string;
}
