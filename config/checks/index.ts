import { accountChecks } from "./accounts.js";
import { complianceChecks } from "./compliance.js";
import { logsChecks } from "./logs.js";
import { networkChecks } from "./network.js";
import type { ConfigCheck } from "./types.js";
import { workflowChecks } from "./workflows.js";

/** Every whole-config check, run after the schema has passed. Add a section's checks here. */
export const configChecks: ConfigCheck[] = [accountChecks, workflowChecks, networkChecks, logsChecks, complianceChecks];
