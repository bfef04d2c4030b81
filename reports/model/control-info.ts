import { controlForRule } from "../../modules/controls/catalog.js";
import type { Control } from "../../modules/controls/types.js";

/** What the scorecard says about a rule: from the controls catalog, or just its name. */
export interface ControlInfo {
  /** Catalog control id; null (as the fields below) when the catalog has no entry for the rule. */
  controlId: string | null;
  title: string;
  severity: Control["severity"] | null;
  remediation: string | null;
  docUrl: string | null;
  securityHubControls: string[];
}

export type ControlLookup = (rule: string) => Control | undefined;

export function controlInfo(rule: string, lookup: ControlLookup = controlForRule): ControlInfo {
  const control = lookup(rule);
  if (!control) return { controlId: null, title: rule, severity: null, remediation: null, docUrl: null, securityHubControls: [] };
  return {
    controlId: control.id,
    title: control.title,
    severity: control.severity,
    remediation: control.remediation,
    docUrl: control.docUrl,
    securityHubControls: [...control.securityHubControls],
  };
}

const SEVERITY_RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4 };

/** Sort key: most severe first, rules without a catalog severity last. */
export function severityRank(severity: string | null): number {
  return severity === null ? 5 : (SEVERITY_RANK[severity.toUpperCase()] ?? 5);
}
