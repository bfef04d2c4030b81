import { LogGroups, type LogGroupSpec } from "../modules/log-groups.js";
import { SecretAccessAlarms } from "../modules/monitoring.js";
import { PrivilegedAccessAlarms, privilegedPaths } from "../modules/privileged-alarms.js";
import { rotationFunctionName } from "../modules/naming.js";
import { expectedSecretReaders } from "../modules/secret-readers.js";
import type { Capability } from "./capabilities.js";
import type { StackContext } from "./context.js";

/**
 * The log groups of this account-region: declared ones, with the environment's retention
 * unless they set their own, and those of functions the baseline deploys (secret rotation
 * from AWS templates, the access broker), created ahead of Lambda so they too are retained
 * and encrypted.
 */
export function logGroupSpecs({ org, stack }: StackContext): LogGroupSpec[] {
  const { account, region } = stack;
  const declared = account.logGroups.filter((g) => g.regions.includes(region)).map((g) => ({ name: g.name, retentionDays: g.retentionDays, tags: g.tags }));
  const rotation = account.secrets
    .filter((s) => s.rotation?.template && s.region === region)
    .map((s) => ({ name: `/aws/lambda/${rotationFunctionName(account.id, region, s.name)}`, retentionDays: account.retentionDays }));
  const broker = org.access?.broker;
  const brokerLog =
    broker && broker.accountId === account.id && broker.region === region ? [{ name: broker.logGroupName, retentionDays: broker.retentionDays }] : [];
  return [...declared, ...rotation, ...brokerLog];
}

/** Construct id of the secret-access alarms, whose topic the other security alarms of the stack share. */
export const SECRET_ALARMS_ID = "secret-alarms";

/** Encrypted, retained log groups (with the account-region logs key), and the secret-access and privileged-path alarms where the trail lands. */
export const loggingCapability: Capability = (scope, ctx) => {
  const { org, stack } = ctx;
  const groups = logGroupSpecs(ctx);
  if (groups.length > 0) {
    new LogGroups(scope, "log-groups", { accountId: stack.account.id, region: stack.region, keyName: org.config.logs.keyName, groups });
  }

  const monitoring = org.config.compliance.monitoring;
  if (!monitoring || org.trailStack !== stack.name) return;
  const readers = expectedSecretReaders(org);
  const secretAlarms = new SecretAccessAlarms(scope, SECRET_ALARMS_ID, {
    accountId: stack.account.id,
    trailLogGroup: monitoring.trail.logGroup,
    accounts: org.accounts.map((a) => ({ id: a.id, name: a.name, readers: readers.get(a.id) })),
    topicName: monitoring.topicName,
    emails: monitoring.emails,
    namespace: monitoring.namespace,
    threshold: monitoring.threshold,
    periodSeconds: monitoring.periodSeconds,
  });
  new PrivilegedAccessAlarms(scope, "privileged-alarms", {
    topicArn: secretAlarms.topic.arn,
    trailLogGroup: monitoring.trail.logGroup,
    periodSeconds: monitoring.periodSeconds,
    paths: privilegedPaths(org),
  });
};
