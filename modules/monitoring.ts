import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy/index.js";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription/index.js";
import { BaselineKey } from "./kms-key.js";
import { policyJson } from "./policies/document.js";
import { keyPolicy } from "./policies/key-policy.js";
import { alarmTopicPolicy } from "./policies/topic-policy.js";

/**
 * "Make security noisy": CloudTrail metric filters on the organization trail's log
 * group for denied and undeclared secret reads, one alarm per account, one SNS topic.
 */

export const DENIED_METRIC = "GetSecretValueAccessDenied";
export const UNEXPECTED_METRIC = "UnexpectedSecretReads";
/** CloudWatch Logs' limit on a filter pattern. */
export const MAX_PATTERN_LENGTH = 1024;

const SECRET_READ = '($.eventSource = "secretsmanager.amazonaws.com") && ($.eventName = "GetSecretValue")';

/** GetSecretValue calls refused (AccessDenied...), in any account; the metric is split by account. */
export function accessDeniedPattern(): string {
  return `{ ${SECRET_READ} && ($.errorCode = "AccessDenied*") }`;
}

/** Whom an account's secret reads are compared with. */
export interface ExpectedReaders {
  /** Declared reader roles (CloudTrail names a role session's role as `sessionIssuer.arn`). */
  roleArns: string[];
  /** Secrets read by ABAC tag match: their readers are decided by tags, not a list, so their reads are not compared. */
  tagReadSecrets: string[];
  /**
   * Rotation functions of the account's secrets: a Lambda runs as a role session named after
   * the function (`assumed-role/<role>/<function>`), and its role is only known at apply.
   */
  rotationFunctions: string[];
}

/**
 * Successful GetSecretValue calls in one account by anyone but its declared readers:
 * IAM users and root always, assumed roles unless the session's role is a declared reader.
 */
export function unexpectedReadsPattern(accountId: string, readers: ExpectedReaders): string {
  const issuer = [...new Set(readers.roleArns)].sort().map((arn) => `($.userIdentity.sessionContext.sessionIssuer.arn != "${arn}")`);
  const rotation = [...new Set(readers.rotationFunctions)].sort().map((fn) => `($.userIdentity.arn != "*/${fn}")`);
  const role = ['($.userIdentity.type = "AssumedRole")', ...issuer, ...rotation].join(" && ");
  // A secret is named by name or by ARN (`...:secret:<name>-<6 random characters>`).
  const abac = [...new Set(readers.tagReadSecrets)]
    .sort()
    .flatMap((name) => [`($.requestParameters.secretId != "${name}")`, `($.requestParameters.secretId != "*:secret:${name}-*")`]);
  const pattern =
    `{ ${SECRET_READ} && ($.recipientAccountId = "${accountId}") && ($.errorCode NOT EXISTS) && ` +
    abac.map((c) => `${c} && `).join("") +
    `(($.userIdentity.type = "IAMUser") || ($.userIdentity.type = "Root") || (${role})) }`;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new Error(`the undeclared-reads filter of account ${accountId} needs ${pattern.length} characters, over CloudWatch's ${MAX_PATTERN_LENGTH}: too many reader roles for one pattern`);
  }
  return pattern;
}

export interface MonitoredAccount {
  id: string;
  name: string;
  /** Undefined when the account neither owns nor reads secrets: only denied reads are counted. */
  readers?: ExpectedReaders;
}

export interface SecretAlarmsProps {
  /** The account holding the trail's log group (and the topic). */
  accountId: string;
  trailLogGroup: string;
  accounts: MonitoredAccount[];
  topicName: string;
  emails: string[];
  namespace: string;
  threshold: number;
  periodSeconds: number;
}

export class SecretAccessAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: SecretAlarmsProps) {
    super(scope, id);
    // SNS encryption with a key CloudWatch may use for this account's alarms only (the AWS-managed SNS key refuses CloudWatch).
    const key = new BaselineKey(this, "key", {
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
    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: policyJson(alarmTopicPolicy({ topicArn: this.topic.arn, accountId: props.accountId })),
    });
    for (const email of [...props.emails].sort()) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^A-Za-z0-9]/g, "-")}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }

    const dimensions = { Account: "$.recipientAccountId" };
    new CloudwatchLogMetricFilter(this, "denied", {
      name: "org-baseline-secret-access-denied",
      logGroupName: props.trailLogGroup,
      pattern: accessDeniedPattern(),
      metricTransformation: { name: DENIED_METRIC, namespace: props.namespace, value: "1", dimensions },
    });

    const sorted = [...props.accounts].sort((a, b) => a.name.localeCompare(b.name, "en"));
    for (const account of sorted) {
      const watchesReads = account.readers !== undefined;
      if (watchesReads) {
        new CloudwatchLogMetricFilter(this, `unexpected-${account.name}`, {
          name: `org-baseline-undeclared-secret-reads-${account.name}`,
          logGroupName: props.trailLogGroup,
          pattern: unexpectedReadsPattern(account.id, account.readers!),
          metricTransformation: { name: UNEXPECTED_METRIC, namespace: props.namespace, value: "1", dimensions },
        });
      }
      const metric = (id: string, name: string) => ({
        id,
        metric: { namespace: props.namespace, metricName: name, dimensions: { Account: account.id }, period: props.periodSeconds, stat: "Sum" },
        returnData: false,
      });
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `alarm-${account.name}`, {
          alarmName: `org-baseline-secret-access-${account.name}`,
          alarmDescription: `Secret access in ${account.name} (${account.id}): GetSecretValue denied${watchesReads ? ", or read by an undeclared principal" : ""}`,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          threshold: props.threshold,
          evaluationPeriods: 1,
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
          metricQuery: [
            metric("denied", DENIED_METRIC),
            ...(watchesReads ? [metric("undeclared", UNEXPECTED_METRIC)] : []),
            {
              id: "events",
              expression: watchesReads ? "FILL(denied, 0) + FILL(undeclared, 0)" : "FILL(denied, 0)",
              label: "Secret access events",
              returnData: true,
            },
          ],
        }),
      );
    }
  }
}
