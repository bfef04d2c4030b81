import type { ComplianceConfig } from "../../config/sections/compliance.js";
import { controls as catalog } from "./catalog.js";
import type { Control, ControlParameters } from "./types.js";

/** A catalog control as this organization runs it: with its effective Config rule parameters. */
export interface ActiveControl {
  control: Control;
  parameters: ControlParameters;
}

/** The catalog minus excluded controls, with parameter overrides applied. Config checks have validated the ids. */
export function activeControls(compliance: ComplianceConfig, controls: readonly Control[] = catalog): ActiveControl[] {
  const excluded = new Set(compliance.config.rules.exclude.map((e) => e.control));
  return controls
    .filter((c) => !excluded.has(c.id))
    .map((control) => ({
      control,
      parameters: { ...(control.configRule?.parameters ?? {}), ...(compliance.config.rules.parameters[control.id] ?? {}) },
    }));
}
