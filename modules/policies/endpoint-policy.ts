import { policyDocument, type PolicyDocument, type Statement } from "./document.js";

/**
 * Data-perimeter endpoint policies: through this endpoint, only principals of the
 * organization reach resources of the organization; AWS services acting on the
 * organization's behalf are exempt (they carry `aws:PrincipalIsAWSService`). As in
 * AWS's data-perimeter examples, what cannot carry both organization keys gets its own
 * statement: calls that name no resource (principal only), federated STS calls (the
 * role only), and AWS-owned buckets services need (principal only).
 */

/**
 * Read-only actions that name no resource, so `aws:ResourceOrgID` is absent and the
 * perimeter statement could never match; organization principals may call them.
 */
export const RESOURCELESS_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  sts: ["sts:GetCallerIdentity"],
  kms: ["kms:ListAliases", "kms:ListKeys"],
  secretsmanager: ["secretsmanager:GetRandomPassword", "secretsmanager:ListSecrets"],
  logs: ["logs:DescribeLogGroups", "logs:DescribeQueries"],
  ssm: ["ssm:DescribeParameters"],
  // Image pulls start with a registry token, which names no repository.
  "ecr.api": ["ecr:DescribeRegistry", "ecr:GetAuthorizationToken", "ecr:GetRegistryPolicy", "ecr:GetRegistryScanningConfiguration"],
};

/**
 * Callers of these present a web identity or SAML token, not AWS credentials, so they
 * carry no `aws:PrincipalOrgID`; the role they assume must be the organization's.
 */
export const FEDERATED_STS_ACTIONS = ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"] as const;

/**
 * AWS-owned buckets that services read through an S3 gateway endpoint on the caller's
 * behalf (after AWS's data-perimeter-policy-examples): ECR image layers, Amazon Linux
 * package repositories, Systems Manager agents, documents and patch baselines, the
 * CloudWatch agent, CodeDeploy, and CloudFormation's wait-condition and custom-resource
 * responses. Without them image pulls, `dnf`, SSM and CloudFormation signals fail in the VPC.
 */
export function awsOwnedBucketObjects(region: string): string[] {
  const buckets = [
    `prod-${region}-starport-layer-bucket`,
    `packages.${region}.amazonaws.com`,
    `repo.${region}.amazonaws.com`,
    `amazonlinux.${region}.amazonaws.com`,
    `amazonlinux-2-repos-${region}`,
    `al2023-repos-${region}-de612dc2`,
    `aws-ssm-${region}`,
    `amazon-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `aws-ssm-distributor-file-${region}`,
    `aws-ssm-document-attachments-${region}`,
    `patch-baseline-snapshot-${region}`,
    `aws-windows-downloads-${region}`,
    `amazoncloudwatch-agent-${region}`,
    `aws-codedeploy-${region}`,
    `cloudformation-waitcondition-${region}`,
    `cloudformation-custom-resource-response-${region.replace(/-/g, "")}`,
  ];
  return buckets.map((bucket) => `arn:aws:s3:::${bucket}/*`);
}

export interface EndpointPolicyInput {
  organizationId: string;
  /** Endpoint service short name (`secretsmanager`, `s3`, `ecr.api`...), for its resourceless actions. */
  service: string;
  /** The endpoint's region, for the AWS-owned buckets an S3 endpoint must reach. */
  region: string;
}

export function endpointPolicy(input: EndpointPolicyInput): PolicyDocument {
  if (!/^o-[a-z0-9]{10,32}$/.test(input.organizationId)) throw new Error(`${JSON.stringify(input.organizationId)} is not an organization id`);
  const statements: Statement[] = [
    {
      Sid: "OrganizationPrincipalsToOrganizationResources",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": input.organizationId, "aws:ResourceOrgID": input.organizationId } },
    },
    {
      Sid: "AwsServicesOnBehalfOfTheOrganization",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { Bool: { "aws:PrincipalIsAWSService": true } },
    },
  ];
  const resourceless = RESOURCELESS_ACTIONS[input.service];
  if (resourceless) {
    statements.push({
      Sid: "OrganizationPrincipalsResourcelessReads",
      Effect: "Allow",
      Principal: "*",
      Action: [...resourceless],
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": input.organizationId } },
    });
  }
  if (input.service === "sts") {
    statements.push({
      Sid: "FederatedCallersToOrganizationRoles",
      Effect: "Allow",
      Principal: "*",
      Action: [...FEDERATED_STS_ACTIONS],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceOrgID": input.organizationId } },
    });
  }
  if (input.service === "s3") {
    statements.push({
      Sid: "OrganizationPrincipalsToAwsOwnedBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: ["s3:GetObject"],
      Resource: awsOwnedBucketObjects(input.region),
      Condition: { StringEquals: { "aws:PrincipalOrgID": input.organizationId } },
    });
  }
  return policyDocument(statements);
}
