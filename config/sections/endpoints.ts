import { z } from "zod";
import { ENDPOINT_SERVICES } from "../aws-services.js";
import { region, resourceName, tags } from "./common.js";

/** Interface endpoints every named VPC gets unless its entry lists its own. */
export const DEFAULT_ENDPOINT_SERVICES = ["secretsmanager", "kms", "sts", "logs", "ssm"] as const;

export const GATEWAY_SERVICES = ["s3", "dynamodb"] as const;

/** IPv4 CIDR, never a whole-internet range: the endpoint security group admits only named sources. */
const sourceCidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/, "an IPv4 CIDR such as 10.0.0.0/16")
  .refine(
    (c) =>
      c
        .split("/")[0]!
        .split(".")
        .every((o) => Number(o) <= 255),
    "an IPv4 CIDR with octets 0-255",
  )
  .refine((c) => !c.endsWith("/0"), "a /0 range admits the whole internet to the endpoints; name the VPC or subnet CIDRs that use them");

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "a VPC id such as vpc-0a1b2c3d4e5f67890");
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet id such as subnet-0a1b2c3d4e5f67890");
const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "a security group id such as sg-0a1b2c3d4e5f67890");
const routeTableId = z.string().regex(/^rtb-[0-9a-f]{8,17}$/, "a route table id such as rtb-0a1b2c3d4e5f67890");

/** `com.amazonaws.<region>.<service>` without the prefix, e.g. `secretsmanager`, `ecr.api`. */
const interfaceService = z.enum(ENDPOINT_SERVICES, {
  error: (issue) =>
    `an interface endpoint service such as secretsmanager or ecr.api${issue.input === undefined ? "" : ` (got ${JSON.stringify(issue.input)})`}`,
});

/**
 * The VPC that receives endpoints: by id with its subnets, or looked up by tags
 * (the subnets then by `subnetTags` within that VPC). Which form is used is a whole-config
 * check (config/checks/network.ts) so the error names the exact field.
 */
const vpcSelector = z.strictObject({
  id: vpcId.optional(),
  subnetIds: z.array(subnetId).optional(),
  tags: tags.optional(),
  subnetTags: tags.optional(),
  /** Route tables for gateway endpoints; default: every route table of the VPC. */
  routeTableIds: z.array(routeTableId).optional(),
});

/** Data-perimeter VPC endpoints in one VPC of an account (issue: network). */
export const endpointSetSchema = z.strictObject({
  /** Names the endpoint set in resource names; unique per account and region. */
  name: resourceName.default("main"),
  region,
  vpc: vpcSelector,
  services: z
    .array(interfaceService)
    .min(1, "at least one service")
    .default([...DEFAULT_ENDPOINT_SERVICES]),
  /** Sources admitted on 443 to the endpoints' security group. */
  allowedCidrs: z.array(sourceCidr).default([]),
  allowedSecurityGroups: z.array(securityGroupId).default([]),
  /** Gateway endpoints (free; route-table based) for S3 and DynamoDB. */
  gateways: z.array(z.enum(GATEWAY_SERVICES)).default([]),
});

export const endpointsSchema = z.array(endpointSetSchema).default([]);

export type EndpointSetConfig = z.infer<typeof endpointSetSchema>;
