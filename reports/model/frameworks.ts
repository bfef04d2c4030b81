import { compareRequirementIds, FRAMEWORK_IDS, FRAMEWORKS, type FrameworkId } from "../../modules/controls/frameworks.js";
import type { Control } from "../../modules/controls/types.js";
import { compare } from "./cells.js";
import { percent } from "./score.js";
import type { AccessAnalyzerView, FrameworkView, GapGroup, RequirementStatus, RuleRow, SecurityHubView } from "./types.js";

/**
 * Per framework, per requirement: PASSED only when every control mapped to it has data and
 * passes; FAILED when one fails; otherwise NO_DATA. Never silently passed.
 * A control's evidence is its Config rule (counted cells across the organization) or, for a
 * control without counted cells, its Security Hub CSPM controls (all with results), or, for
 * analyzer coverage, IAM Access Analyzer's listing of the organization analyzers of its kind.
 */
export function frameworkViews(
  controls: readonly Control[],
  rules: readonly RuleRow[],
  securityHub: SecurityHubView | null,
  accessAnalyzer: AccessAnalyzerView | null,
  gaps: readonly GapGroup[],
): FrameworkView[] {
  const ruleByName = new Map(rules.map((r) => [r.rule, r]));
  const hubById = new Map((securityHub?.controls ?? []).map((c) => [c.controlId, c]));

  const evidence = (control: Control): FrameworkView["requirements"][number]["controls"][number] => {
    const base = { controlId: control.id, title: control.title };
    const rule = control.configRule ? ruleByName.get(control.configRule.name) : undefined;
    if (rule && rule.compliant + rule.nonCompliant > 0) {
      return {
        ...base,
        status: rule.nonCompliant > 0 ? "FAILED" : "PASSED",
        evidence: `AWS Config ${rule.rule}: ${rule.compliant} compliant, ${rule.nonCompliant} non-compliant cells`,
      };
    }
    const hub = control.securityHubControls.map((id) => hubById.get(id));
    if (hub.length > 0 && hub.every((h) => h !== undefined)) {
      const failed = hub.filter((h) => h!.status === "FAILED").map((h) => h!.controlId);
      return {
        ...base,
        status: failed.length > 0 ? "FAILED" : "PASSED",
        evidence: `Security Hub CSPM ${control.securityHubControls.join(", ")}: ${failed.length ? `${failed.join(", ")} failed` : "passed"}`,
      };
    }
    const analyzers =
      control.accessAnalyzerCoverage === "external"
        ? analyzerCoverage(accessAnalyzer, gaps)
        : control.accessAnalyzerCoverage === "unused"
          ? unusedAnalyzerCoverage(accessAnalyzer, gaps)
          : undefined;
    if (analyzers && analyzers.status !== "NO_DATA") return { ...base, ...analyzers };
    const why = [control.configRule ? `no counted AWS Config result for ${control.configRule.name}` : "no AWS Config rule", analyzers?.evidence]
      .filter(Boolean)
      .join("; ");
    return { ...base, status: "NO_DATA", evidence: control.securityHubControls.length ? `${why}; no Security Hub CSPM result` : why };
  };

  return FRAMEWORK_IDS.map((id) => frameworkView(id, controls, evidence));
}

/**
 * Organization external-access analyzers: failed when a region read has no active one, passed
 * when every region read has one and every region's listing was read, else no data.
 */
function analyzerCoverage(view: AccessAnalyzerView | null, gaps: readonly GapGroup[]): { status: RequirementStatus; evidence: string } {
  if (!view) return { status: "NO_DATA", evidence: "IAM Access Analyzer not read" };
  if (view.regionsWithoutAnalyzer.length > 0) {
    return { status: "FAILED", evidence: `IAM Access Analyzer: no active organization analyzer in ${view.regionsWithoutAnalyzer.join(", ")}` };
  }
  const unread = gaps.filter((g) => g.scope === "accessanalyzer" && g.operation === "ListAnalyzers").reduce((n, g) => n + g.count, 0);
  if (unread > 0)
    return { status: "NO_DATA", evidence: `IAM Access Analyzer: the analyzers of ${unread} region${unread === 1 ? "" : "s"} could not be listed` };
  if (view.activeAnalyzerRegions.length === 0) return { status: "NO_DATA", evidence: "IAM Access Analyzer: no region read" };
  const n = view.activeAnalyzerRegions.length;
  return { status: "PASSED", evidence: `IAM Access Analyzer: an active organization analyzer in each of the ${n} region${n === 1 ? "" : "s"} read` };
}

/**
 * The organization unused-access analyzer (one covers the organization: IAM is global): passed
 * when an active one was listed, failed when every region's listing was read and none is active,
 * else no data (not read, a listing failed, or only its findings exported).
 */
function unusedAnalyzerCoverage(view: AccessAnalyzerView | null, gaps: readonly GapGroup[]): { status: RequirementStatus; evidence: string } {
  const unused = view?.unused;
  if (!unused?.analyzers) return { status: "NO_DATA", evidence: "IAM Access Analyzer: unused-access analyzers not listed" };
  if (unused.activeAnalyzerRegions.length > 0) {
    return { status: "PASSED", evidence: `IAM Access Analyzer: an active organization unused-access analyzer in ${unused.activeAnalyzerRegions.join(", ")}` };
  }
  const unread = gaps.filter((g) => g.scope === "accessanalyzer" && g.operation === "ListAnalyzers (unused access)").reduce((n, g) => n + g.count, 0);
  if (unread > 0) {
    return {
      status: "NO_DATA",
      evidence: `IAM Access Analyzer: no active organization unused-access analyzer listed, and the analyzers of ${unread} region${unread === 1 ? "" : "s"} could not be listed`,
    };
  }
  return { status: "FAILED", evidence: "IAM Access Analyzer: no active organization unused-access analyzer in any region read" };
}

function frameworkView(
  id: FrameworkId,
  controls: readonly Control[],
  evidence: (control: Control) => FrameworkView["requirements"][number]["controls"][number],
): FrameworkView {
  const framework = FRAMEWORKS[id];
  const titles = framework.requirements as Readonly<Record<string, string>>;
  const mapped = new Map<string, Control[]>();
  for (const control of controls) {
    for (const requirement of (control.frameworks?.[id] ?? []) as readonly string[]) {
      if (!mapped.has(requirement)) mapped.set(requirement, []);
      mapped.get(requirement)!.push(control);
    }
  }
  const requirements = [...mapped]
    .map(([requirement, mappedControls]) => {
      const rows = mappedControls.map(evidence).sort((a, b) => compare(a.controlId, b.controlId));
      const status: RequirementStatus = rows.some((r) => r.status === "FAILED") ? "FAILED" : rows.some((r) => r.status === "NO_DATA") ? "NO_DATA" : "PASSED";
      return { id: requirement, title: titles[requirement] ?? requirement, status, controls: rows };
    })
    .sort((a, b) => compareRequirementIds(a.id, b.id));
  const passed = requirements.filter((r) => r.status === "PASSED").length;
  const failed = requirements.filter((r) => r.status === "FAILED").length;
  return {
    id,
    title: framework.title,
    url: framework.url,
    score: percent(passed, passed + failed),
    passed,
    failed,
    noData: requirements.length - passed - failed,
    requirements,
  };
}
