import type { Control } from "./types.js";

/** Every control of the baseline. Adding a control is one entry here. */
export const controls: Control[] = [];

/** Catalog entry for a normalized Config rule name, if the baseline defines it. */
export function controlForRule(rule: string): Control | undefined {
  return controls.find((c) => c.configRule.name === rule);
}
