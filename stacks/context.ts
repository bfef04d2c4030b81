import type { ResolvedOrg, StackSpec } from "../config/model.js";

/** What a capability needs to add its resources to one account-region stack. */
export interface StackContext {
  org: ResolvedOrg;
  stack: StackSpec;
}
