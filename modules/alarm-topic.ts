import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { BaselineKey } from "./kms-key.js";
import { policyJson } from "./policies/document.js";
import { keyPolicy } from "./policies/key-policy.js";
import { alarmTopicPolicy } from "./policies/topic-policy.js";

export interface AlarmTopicProps {
  accountId: string;
  topicName: string;
  emails: string[];
}

/**
 * A security alarm topic: encrypted with a key CloudWatch may use for this account's
 * alarms only (the AWS-managed SNS key refuses CloudWatch), published to by this
 * account's alarms alone, with email subscriptions. Its resources are created directly
 * in `scope` (`<scope>/key`, `<scope>/topic`, ...), so a construct that also holds the
 * alarms keeps the addresses it always had.
 */
export function addAlarmTopic(scope: Construct, props: AlarmTopicProps): SnsTopic {
  const key = new BaselineKey(scope, "key", {
    name: "alarms",
    description: "Security alarm topic encryption (org-baseline)",
    policy: keyPolicy({
      accountId: props.accountId,
      serviceUsers: [
        {
          sid: "CloudWatchAlarms",
          service: "cloudwatch.amazonaws.com",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          conditions: { StringEqualsIfExists: { "aws:SourceAccount": props.accountId } },
        },
      ],
    }),
  });
  const topic = new SnsTopic(scope, "topic", { name: props.topicName, kmsMasterKeyId: key.arn });
  new SnsTopicPolicy(scope, "topic-policy", {
    arn: topic.arn,
    policy: policyJson(alarmTopicPolicy({ topicArn: topic.arn, accountId: props.accountId })),
  });
  for (const email of [...props.emails].sort()) {
    new SnsTopicSubscription(scope, `email-${email.replace(/[^A-Za-z0-9]/g, "-")}`, { topicArn: topic.arn, protocol: "email", endpoint: email });
  }
  return topic;
}

/** An alarm topic on its own, for a stack that has no secret-access alarms to share one with. */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = addAlarmTopic(this, props);
  }
}
