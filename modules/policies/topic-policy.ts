import { policyDocument, type PolicyDocument } from "./document.js";

/**
 * The alarm topic: CloudWatch alarms of this account may publish, nobody else;
 * the account keeps managing it through IAM.
 */
export function alarmTopicPolicy(input: { topicArn: string; accountId: string }): PolicyDocument {
  return policyDocument([
    {
      Sid: "CloudWatchAlarmsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: input.topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": input.accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:*:${input.accountId}:alarm:*` },
      },
    },
    {
      Sid: "AccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${input.accountId}:root` },
      Action: ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:UntagResource"],
      Resource: input.topicArn,
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: input.topicArn,
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  ]);
}
