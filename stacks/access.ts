import { AlarmTopic } from "../modules/alarm-topic.js";
import { AccessBroker } from "../modules/broker/broker.js";
import { LogGroups } from "../modules/log-groups.js";
import { SecretAccessAlarms } from "../modules/monitoring.js";
import { BrokerDenialAlarm } from "../modules/privileged-alarms.js";
import { BaselineRole } from "../modules/roles.js";
import type { ITerraformDependable } from "./platform.js";
import type { Capability } from "./capabilities.js";
import { roleConstructId } from "./identity.js";
import { SECRET_ALARMS_ID } from "./logging.js";

/**
 * The just-in-time access broker, in its account's home region: it uses the role the
 * identity capability created there (with the statements derived from `access:`) and
 * the encrypted, retained log group the logging capability created for it. Refused
 * requests raise an alarm on the alarm topic of this stack, or on a topic of its own.
 */
export const accessCapability: Capability = (scope, { org, stack }) => {
  const access = org.access;
  if (!access || access.broker.accountId !== stack.account.id || access.broker.region !== stack.region) return;
  const role = scope.node.tryFindChild(roleConstructId(access.broker.roleName));
  if (!(role instanceof BaselineRole)) throw new Error(`the broker role ${access.broker.roleName} is not created in ${stack.name}`);
  const logs = scope.node.tryFindChild("log-groups");
  const logGroup = logs instanceof LogGroups ? logs.groups.find((g) => g.nameInput === access.broker.logGroupName) : undefined;
  if (!logGroup) throw new Error(`the broker's log group ${access.broker.logGroupName} is not created in ${stack.name}`);
  const dependsOn: ITerraformDependable[] = [role.role, ...role.permissions, logGroup];
  new AccessBroker(scope, "access-broker", { access, roleArn: role.arn, dependsOn });

  const monitoring = org.config.compliance.monitoring;
  if (!monitoring) return;
  const shared = scope.node.tryFindChild(SECRET_ALARMS_ID);
  const topic =
    shared instanceof SecretAccessAlarms
      ? shared.topic
      : new AlarmTopic(scope, "access-alarm-topic", { accountId: stack.account.id, topicName: monitoring.topicName, emails: monitoring.emails }).topic;
  new BrokerDenialAlarm(scope, "access-broker-alarm", {
    topicArn: topic.arn,
    logGroupName: logGroup.name,
    threshold: access.broker.deniedAlarmThreshold,
    periodSeconds: monitoring.periodSeconds,
  });
};
