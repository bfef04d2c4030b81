import type { Construct } from "constructs";
import type { StackContext } from "./context.js";

/** Adds one capability's resources to a stack; global (IAM) resources only where `ctx.stack.isHomeRegion`. */
export type Capability = (scope: Construct, ctx: StackContext) => void;

/** What every account-region stack is composed of, in order. */
export const capabilities: Capability[] = [];
