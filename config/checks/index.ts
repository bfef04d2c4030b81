import { accessChecks } from "./access.js";
import { accountChecks } from "./accounts.js";
import { complianceChecks } from "./compliance.js";
import { guardrailChecks, guardrailSizeChecks } from "./guardrails.js";
import { identityChecks } from "./identity.js";
import { keyChecks } from "./keys.js";
import { logsChecks } from "./logs.js";
import { networkChecks } from "./network.js";
import { secretChecks } from "./secrets.js";
import type { ConfigCheck, ModelCheck } from "./types.js";
import { rolesAnywhereChecks } from "./roles-anywhere.js";
import { valueChecks } from "./values.js";
import { workflowChecks } from "./workflows.js";

/** Every whole-config check, run after the schema has passed. Add a section's checks here. */
export const configChecks: ConfigCheck[] = [
  accountChecks,
  identityChecks,
  keyChecks,
  secretChecks,
  valueChecks,
  rolesAnywhereChecks,
  workflowChecks,
  networkChecks,
  logsChecks,
  complianceChecks,
  accessChecks,
  guardrailChecks,
];

/** Every check over the resolved model, run once the config checks found nothing. */
export const modelChecks: ModelCheck[] = [guardrailSizeChecks];
