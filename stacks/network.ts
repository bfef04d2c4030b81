import { DataPerimeterEndpoints } from "../modules/vpc-endpoints.js";
import type { Capability } from "./capabilities.js";

/** Data-perimeter VPC endpoints for every endpoint set the account declares in this region. */
export const networkCapability: Capability = (scope, { org, stack }) => {
  for (const set of stack.account.endpoints.filter((s) => s.region === stack.region)) {
    new DataPerimeterEndpoints(scope, `endpoints-${set.name}`, { set, organizationId: org.config.organization.id, region: stack.region });
  }
};
