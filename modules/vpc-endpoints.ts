import { Construct } from "constructs";
import { DataAwsRouteTables } from "@cdktf/provider-aws/lib/data-aws-route-tables/index.js";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets/index.js";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js";
import type { EndpointSetConfig } from "../config/sections/endpoints.js";
import { policyJson } from "./policies/document.js";
import { endpointPolicy } from "./policies/endpoint-policy.js";

export interface EndpointSetProps {
  set: EndpointSetConfig;
  organizationId: string;
  region: string;
}

/** Terraform-id-safe form of a service name (`ecr.api` -> `ecr-api`). */
function idOf(service: string): string {
  return service.replace(/[^A-Za-z0-9-]/g, "-");
}

/**
 * Data-perimeter endpoints in one VPC: interface endpoints with private DNS behind a
 * dedicated security group admitting 443 from the named sources only, optional S3 and
 * DynamoDB gateway endpoints, every one with the organization-only endpoint policy.
 */
export class DataPerimeterEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly interfaceEndpoints: VpcEndpoint[] = [];
  readonly gatewayEndpoints: VpcEndpoint[] = [];

  constructor(scope: Construct, id: string, props: EndpointSetProps) {
    super(scope, id);
    const { set, region, organizationId } = props;
    const { vpcId, subnetIds } = this.resolveVpc(set);
    const name = `org-baseline-endpoints-${set.name}`;

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: `Interface endpoints (${set.name}): HTTPS from named sources only`,
      vpcId,
      // No egress: endpoint interfaces only answer; responses pass a stateful group anyway.
      egress: [],
      tags: { Name: name },
    });
    set.allowedCidrs.forEach((cidr) => {
      new VpcSecurityGroupIngressRule(this, `https-from-${cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: `HTTPS to endpoints from ${cidr}`,
      });
    });
    set.allowedSecurityGroups.forEach((group) => {
      new VpcSecurityGroupIngressRule(this, `https-from-${group}`, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: group,
        description: `HTTPS to endpoints from ${group}`,
      });
    });

    for (const service of set.services) {
      this.interfaceEndpoints.push(
        new VpcEndpoint(this, `interface-${idOf(service)}`, {
          vpcId,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds,
          securityGroupIds: [this.securityGroup.id],
          policy: policyJson(endpointPolicy({ organizationId, service, region })),
          tags: { Name: `${name}-${service}` },
        }),
      );
    }

    if (set.gateways.length > 0) {
      const routeTableIds = set.vpc.routeTableIds ?? new DataAwsRouteTables(this, "route-tables", { vpcId }).ids;
      for (const service of set.gateways) {
        this.gatewayEndpoints.push(
          new VpcEndpoint(this, `gateway-${service}`, {
            vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Gateway",
            routeTableIds,
            policy: policyJson(endpointPolicy({ organizationId, service, region })),
            tags: { Name: `${name}-${service}` },
          }),
        );
      }
    }
  }

  /** The VPC by id and subnets, or found by tags at plan time (config checks guarantee one form). */
  private resolveVpc(set: EndpointSetConfig): { vpcId: string; subnetIds: string[] } {
    if (set.vpc.id) return { vpcId: set.vpc.id, subnetIds: [...(set.vpc.subnetIds ?? [])] };
    const vpc = new DataAwsVpc(this, "vpc", { tags: set.vpc.tags });
    const subnets = new DataAwsSubnets(this, "subnets", {
      filter: [{ name: "vpc-id", values: [vpc.id] }],
      ...(set.vpc.subnetTags ? { tags: set.vpc.subnetTags } : {}),
    });
    return { vpcId: vpc.id, subnetIds: subnets.ids };
  }
}
