import type { Construct } from "constructs";
import { accessCapability } from "./access.js";
import { complianceCapability } from "./compliance.js";
import { identityCapability } from "./identity.js";
import type { StackContext } from "./context.js";
import { loggingCapability } from "./logging.js";
import { networkCapability } from "./network.js";
import { organizationCapability } from "./organization.js";

/** Adds one capability's resources to a stack; global (IAM) resources only where `ctx.stack.isHomeRegion`. */
export type Capability = (scope: Construct, ctx: StackContext) => void;

/** What every account-region stack is composed of, in order. */
export const capabilities: Capability[] = [
  identityCapability,
  networkCapability,
  loggingCapability,
  complianceCapability,
  accessCapability,
  organizationCapability,
];
