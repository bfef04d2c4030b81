import { policyDocument, type PolicyDocument } from "./document.js";

/**
 * AWS Config roles trust `config.amazonaws.com` only on behalf of their own account
 * (`aws:SourceAccount`), so another account's Config cannot use them (confused deputy).
 */
export function configServiceTrust(accountId: string): PolicyDocument {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`${JSON.stringify(accountId)} is not an account id`);
  return policyDocument([
    {
      Sid: "ConfigServiceForThisAccount",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}

/** Managed policies the Config roles use (AWS keeps them current with new resource types). */
export const CONFIG_RECORDER_POLICY = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole";
export const CONFIG_AGGREGATOR_POLICY = "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations";

/**
 * Delivery-channel write access to the configured bucket: just the account's own prefix
 * (`<prefix>/AWSLogs/<account>/Config/*`) and the bucket ACL check Config performs first.
 */
export function configDeliveryPolicy(input: { bucket: string; keyPrefix?: string; accountId: string; kmsKeyArn?: string }): PolicyDocument {
  const prefix = input.keyPrefix ? `${input.keyPrefix.replace(/\/+$/, "")}/` : "";
  return policyDocument([
    {
      Sid: "DeliverConfigurationItems",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${input.bucket}/${prefix}AWSLogs/${input.accountId}/Config/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
    { Sid: "CheckBucketAcl", Effect: "Allow", Action: "s3:GetBucketAcl", Resource: `arn:aws:s3:::${input.bucket}` },
    ...(input.kmsKeyArn
      ? [{ Sid: "EncryptDeliveries", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: input.kmsKeyArn }]
      : []),
  ]);
}
