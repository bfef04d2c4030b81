import { policyDocument, type PolicyDocument, type Statement } from "./document.js";

/**
 * Data-perimeter endpoint policies: through this endpoint, only principals of the
 * organization reach resources of the organization; AWS services acting on the
 * organization's behalf are exempt (they carry `aws:PrincipalIsAWSService`).
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
};

export interface EndpointPolicyInput {
  organizationId: string;
  /** Endpoint service short name (`secretsmanager`, `s3`, `ecr.api`...), for its resourceless actions. */
  service: string;
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
  return policyDocument(statements);
}
