import type { ConfigCheck } from "./types.js";

/**
 * VPC endpoint sets: a region the account deploys to, exactly one way of naming the VPC,
 * somebody allowed to reach the endpoints, and no duplicates.
 */
export const networkChecks: ConfigCheck = ({ accounts }, report) => {
  accounts.forEach((account, i) => {
    const { regions } = account;
    const seen = new Map<string, number>();
    account.endpoints.forEach((set, j) => {
      const at = ["accounts", i, "endpoints", j] as const;
      if (!regions.includes(set.region)) report([...at, "region"], `region ${set.region} is not one of this account's regions (${regions.join(", ")})`);
      const key = `${set.region}/${set.name}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, j);
      else report([...at, "name"], `endpoint set "${set.name}" in ${set.region} is already defined by endpoints[${first}]; give each VPC its own name`);

      const { vpc } = set;
      if (vpc.id !== undefined && vpc.tags !== undefined) report([...at, "vpc", "tags"], "name the VPC either by id (with subnetIds) or by tags, not both");
      else if (vpc.id === undefined && vpc.tags === undefined)
        report([...at, "vpc"], "name the VPC by id (with subnetIds) or by tags (with optional subnetTags)");
      else if (vpc.id !== undefined) {
        if (!vpc.subnetIds?.length)
          report([...at, "vpc", "subnetIds"], "required with vpc.id: the subnets (one per availability zone) that get endpoint interfaces");
        if (vpc.subnetTags !== undefined) report([...at, "vpc", "subnetTags"], "subnetTags selects subnets of a VPC found by tags; with vpc.id list subnetIds");
      } else {
        if (Object.keys(vpc.tags!).length === 0) report([...at, "vpc", "tags"], "at least one tag, or the lookup matches any VPC");
        if (vpc.subnetIds !== undefined) report([...at, "vpc", "subnetIds"], "subnetIds goes with vpc.id; with a tag lookup use subnetTags");
      }
      if (vpc.routeTableIds !== undefined && set.gateways.length === 0)
        report([...at, "vpc", "routeTableIds"], "route tables are only used by gateway endpoints (gateways: [s3, dynamodb])");

      if (set.allowedCidrs.length === 0 && set.allowedSecurityGroups.length === 0) {
        report(
          [...at, "allowedCidrs"],
          "name the sources allowed to reach the endpoints (allowedCidrs or allowedSecurityGroups); the security group admits nothing else",
        );
      }
      for (const field of ["services", "gateways", "allowedCidrs", "allowedSecurityGroups"] as const) {
        const list: readonly string[] = set[field];
        list.forEach((value, k) => {
          if (list.indexOf(value) !== k) report([...at, field, k], `${value} is listed twice`);
        });
      }
      set.services.forEach((service, k) => {
        if (set.gateways.includes(service as "s3" | "dynamodb")) {
          report([...at, "services", k], `${service} is also a gateway endpoint here; keep one (gateway endpoints are free)`);
        }
      });
    });
  });
};
