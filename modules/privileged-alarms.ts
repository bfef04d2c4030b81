import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { ResolvedOrg } from "../config/model.js";
import { MAX_PATTERN_LENGTH, packPatterns, splitSuffix } from "./monitoring.js";

/**
 * Alarms on the privileged paths: on the organization trail, every break-glass
 * assumption, every failed secret rotation, and any AssumeRole of a brokered role by
 * anything but its broker; on the broker's own log, refused requests above a threshold.
 */

/** What marks the broker handler's audit records (`AUDIT_MARK` in its index.mjs, which the tests compare). */
export const BROKER_AUDIT_MARK = "org-baseline-access";

export const ACCESS_NAMESPACE = "OrgBaseline/Access";
export const METRICS = {
  breakGlass: "BreakGlassAssumeRole",
  rotationFailed: "SecretRotationFailed",
  brokeredMisuse: "BrokeredRoleAssumedOutsideBroker",
  brokerDenied: "AccessBrokerDenied",
} as const;

const ASSUME_ROLE = '($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole")';

/**
 * AssumeRole naming any of the roles, each with its own condition: one filter pattern, or
 * several when they do not fit one (each role in exactly one, so an event counts once).
 */
function assumeRolePatterns(roles: string[], what: string): string[] {
  const patterns = packPatterns(roles, (slice) => `{ ${ASSUME_ROLE} && (${slice.join(" || ")}) }`);
  const over = patterns.find((p) => p.length > MAX_PATTERN_LENGTH);
  if (over) throw new Error(`a ${what} filter needs ${over.length} characters for one role, over CloudWatch's ${MAX_PATTERN_LENGTH}`);
  return patterns;
}

/** Any AssumeRole naming a break-glass role, allowed or refused (an attempt is news too). */
export function breakGlassPatterns(roleArns: string[]): string[] {
  const roles = [...new Set(roleArns)].sort().map((arn) => `($.requestParameters.roleArn = "${arn}")`);
  return assumeRolePatterns(roles, "break-glass");
}

/** Secrets Manager's own events for a rotation that failed or was abandoned. */
export function rotationFailurePattern(): string {
  return '{ ($.eventSource = "secretsmanager.amazonaws.com") && (($.eventName = "RotationFailed") || ($.eventName = "RotationAbandoned")) }';
}

export interface BrokeredPath {
  roleArn: string;
  brokerArn: string;
}

/** AssumeRole of a brokered role by anyone but a session of its broker's role (users and root always count). */
export function brokeredMisusePatterns(paths: BrokeredPath[]): string[] {
  const unique = [...new Map(paths.map((p) => [`${p.roleArn} ${p.brokerArn}`, p])).values()].sort((a, b) =>
    a.roleArn < b.roleArn ? -1 : a.roleArn > b.roleArn ? 1 : 0,
  );
  const each = unique.map(
    (p) =>
      `(($.requestParameters.roleArn = "${p.roleArn}") && (($.userIdentity.type != "AssumedRole") || ($.userIdentity.sessionContext.sessionIssuer.arn != "${p.brokerArn}")))`,
  );
  return assumeRolePatterns(each, "brokered-role");
}

/** The broker's audit records of refused requests. */
export function brokerDeniedPattern(): string {
  return `{ ($.audit = "${BROKER_AUDIT_MARK}") && ($.decision = "denied") }`;
}

export interface PrivilegedPaths {
  breakGlassRoleArns: string[];
  brokered: BrokeredPath[];
  /** Whether any secret rotates (otherwise no rotation can fail). */
  rotation: boolean;
}

/** The privileged paths the config declares, with exact ARNs. */
export function privilegedPaths(org: ResolvedOrg): PrivilegedPaths {
  const breakGlassRoleArns: string[] = [];
  const brokered: BrokeredPath[] = [];
  for (const account of org.accounts) {
    for (const role of account.roles) {
      if (role.kind === "break-glass") breakGlassRoleArns.push(role.arn);
      if (role.kind === "brokered") brokered.push({ roleArn: role.arn, brokerArn: org.principalArn(role.broker) });
    }
  }
  return { breakGlassRoleArns, brokered, rotation: org.accounts.some((a) => a.secrets.some((s) => s.rotation)) };
}

interface AlarmSettings {
  topicArn: string;
  periodSeconds: number;
}

function countAlarm(scope: Construct, id: string, settings: AlarmSettings, metric: string, threshold: number, description: string): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: `org-baseline-${id}`,
    alarmDescription: description,
    namespace: ACCESS_NAMESPACE,
    metricName: metric,
    statistic: "Sum",
    period: settings.periodSeconds,
    evaluationPeriods: 1,
    threshold,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [settings.topicArn],
  });
}

function countFilter(scope: Construct, id: string, logGroupName: string, pattern: string, metric: string): CloudwatchLogMetricFilter {
  return new CloudwatchLogMetricFilter(scope, `${id}-filter`, {
    name: `org-baseline-${id}`,
    logGroupName,
    pattern,
    metricTransformation: { name: metric, namespace: ACCESS_NAMESPACE, value: "1", defaultValue: "0" },
  });
}

export interface TrailAlarmsProps extends AlarmSettings {
  trailLogGroup: string;
  paths: PrivilegedPaths;
}

/** The trail-side alarms, each paging at the first event. */
export class PrivilegedAccessAlarms extends Construct {
  constructor(scope: Construct, id: string, props: TrailAlarmsProps) {
    super(scope, id);
    const { paths } = props;
    // Split patterns add to the same metric: one alarm counts them all.
    const watch = (name: string, patterns: string[], metric: string, description: string) => {
      patterns.forEach((pattern, i) => countFilter(this, `${name}${splitSuffix(i, patterns.length)}`, props.trailLogGroup, pattern, metric));
      countAlarm(this, name, props, metric, 1, description);
    };
    if (paths.breakGlassRoleArns.length > 0) {
      watch(
        "break-glass-assumed",
        breakGlassPatterns(paths.breakGlassRoleArns),
        METRICS.breakGlass,
        "A break-glass role was assumed (or an attempt was made): confirm the incident it serves",
      );
    }
    if (paths.rotation) {
      watch(
        "secret-rotation-failed",
        [rotationFailurePattern()],
        METRICS.rotationFailed,
        "A Secrets Manager rotation failed or was abandoned: the secret keeps its old value",
      );
    }
    if (paths.brokered.length > 0) {
      watch(
        "brokered-role-outside-broker",
        brokeredMisusePatterns(paths.brokered),
        METRICS.brokeredMisuse,
        "A brokered role was assumed, or tried, by something other than its just-in-time broker",
      );
    }
  }
}

export interface BrokerDenialAlarmProps extends AlarmSettings {
  logGroupName: string;
  threshold: number;
}

/** Refused requests in the broker's audit log: someone probing, or a policy that no longer fits. */
export class BrokerDenialAlarm extends Construct {
  constructor(scope: Construct, id: string, props: BrokerDenialAlarmProps) {
    super(scope, id);
    countFilter(this, "access-broker-denied", props.logGroupName, brokerDeniedPattern(), METRICS.brokerDenied);
    countAlarm(
      this,
      "access-broker-denied",
      props,
      METRICS.brokerDenied,
      props.threshold,
      `The access broker refused ${props.threshold} or more requests in ${props.periodSeconds} s`,
    );
  }
}
