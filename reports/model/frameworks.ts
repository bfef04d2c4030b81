import { compareRequirementIds, FRAMEWORK_IDS, FRAMEWORKS, type FrameworkId } from "../../modules/controls/frameworks.js";
import type { Control } from "../../modules/controls/types.js";
import { compare } from "./cells.js";
import { percent } from "./score.js";
import type { FrameworkView, RequirementStatus, RuleRow, SecurityHubView } from "./types.js";

/**
 * Per framework, per requirement: PASSED only when every control mapped to it has data and
 * passes; FAILED when one fails; otherwise NO_DATA. Never silently passed.
 * A control's evidence is its Config rule (counted cells across the organization) or, for a
 * control without counted cells, its Security Hub CSPM controls (all with results).
 */
export function frameworkViews(controls: readonly Control[], rules: readonly RuleRow[], securityHub: SecurityHubView | null): FrameworkView[] {
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
    const why = control.configRule ? `no counted AWS Config result for ${control.configRule.name}` : "no AWS Config rule";
    return { ...base, status: "NO_DATA", evidence: control.securityHubControls.length ? `${why}; no Security Hub CSPM result` : why };
  };

  return FRAMEWORK_IDS.map((id) => frameworkView(id, controls, evidence));
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
