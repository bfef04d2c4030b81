import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter/index.js";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic/index.js";
import { addAlarmTopic, type AlarmTopicProps } from "./alarm-topic.js";
import { byCodePoint } from "./order.js";

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

const ISSUER = "$.userIdentity.sessionContext.sessionIssuer.arn";
/** Every role ARN (a role session's `sessionIssuer.arn`) starts so in the `aws` partition. */
const ROLE_ARN_START = "arn:aws:iam::";

/**
 * Successful GetSecretValue calls in one account by anyone but its declared readers:
 * IAM users and root always, assumed roles unless the session's role is a declared reader.
 * One pattern when it fits CloudWatch's 1,024 characters. Otherwise several, splitting the
 * roles by the start of their ARN into slices no event falls in twice, so the filters,
 * all adding to the same metric, count each undeclared read exactly once.
 */
export function unexpectedReadsPatterns(accountId: string, readers: ExpectedReaders): string[] {
  const roleArns = [...new Set(readers.roleArns)].sort();
  const rotation = [...new Set(readers.rotationFunctions)].sort().map((fn) => `($.userIdentity.arn != "*/${fn}")`);
  // A secret is named by name or by ARN (`...:secret:<name>-<6 random characters>`).
  const abac = [...new Set(readers.tagReadSecrets)]
    .sort()
    .flatMap((name) => [`($.requestParameters.secretId != "${name}")`, `($.requestParameters.secretId != "*:secret:${name}-*")`]);
  const start = `{ ${SECRET_READ} && ($.recipientAccountId = "${accountId}") && ($.errorCode NOT EXISTS) && ${abac.map((c) => `${c} && `).join("")}`;
  const assumed = (issuer: string[]) => ['($.userIdentity.type = "AssumedRole")', ...issuer, ...rotation].join(" && ");

  const single = `${start}(($.userIdentity.type = "IAMUser") || ($.userIdentity.type = "Root") || (${assumed(roleArns.map((arn) => `(${ISSUER} != "${arn}")`))})) }`;
  if (single.length <= MAX_PATTERN_LENGTH) return [single];

  const render = (slice: IssuerPart[]) => `${start}${assumed([sliceCondition(slice)])} }`;
  const fits = (slice: IssuerPart[]) => render(slice).length <= MAX_PATTERN_LENGTH;
  const smallest: IssuerPart = { anyOf: [{ prefix: ROLE_ARN_START }], except: [] };
  if (!fits([smallest])) {
    throw new Error(
      `the undeclared-reads filter of account ${accountId} needs ${render([smallest]).length} characters before naming any reader, over CloudWatch's ${MAX_PATTERN_LENGTH}: too many ABAC-read secrets or rotation functions for one pattern`,
    );
  }
  const others = `${start}(($.userIdentity.type = "IAMUser") || ($.userIdentity.type = "Root") || (${assumed([`(${ISSUER} != "${ROLE_ARN_START}*")`])})) }`;
  const patterns = [
    others,
    ...packPatterns(
      issuerParts(ROLE_ARN_START, roleArns, (p) => fits([p])),
      render,
    ),
  ];
  if (patterns.some((p) => p.length > MAX_PATTERN_LENGTH)) {
    throw new Error(
      `the undeclared-reads filter of account ${accountId} cannot be split under CloudWatch's ${MAX_PATTERN_LENGTH} characters (a reader role's path is too long)`,
    );
  }
  return patterns;
}

/**
 * The patterns of filters that together match what one pattern of all `parts` would: the
 * parts in order, as many to a pattern as fit CloudWatch's 1,024 characters. A part too
 * long alone gets a pattern of its own, over the limit: the caller refuses it, saying why.
 */
export function packPatterns<T>(parts: readonly T[], render: (slice: T[]) => string): string[] {
  const slices: T[][] = [];
  for (const part of parts) {
    const last = slices.at(-1);
    if (last && render([...last, part]).length <= MAX_PATTERN_LENGTH) last.push(part);
    else slices.push([part]);
  }
  return slices.map(render);
}

/** The suffix of one of `count` filters (and their names) that share a metric: none when there is one. */
export function splitSuffix(index: number, count: number): string {
  return count > 1 ? `-${index + 1}` : "";
}

/** Role ARNs starting with (or equal to) one of `anyOf`, but not with (or equal to) one of `except`. */
export interface IssuerPart {
  anyOf: IssuerTerm[];
  except: IssuerTerm[];
}
export type IssuerTerm = { prefix: string } | { exact: string };

/** One filter's condition on the session's role: any of its parts (which never overlap). */
function sliceCondition(parts: IssuerPart[]): string {
  const value = (t: IssuerTerm) => ("prefix" in t ? `${t.prefix}*` : t.exact);
  const conditions = parts.map((part) => {
    const any = part.anyOf.map((t) => `(${ISSUER} = "${value(t)}")`);
    return [any.length === 1 ? any[0]! : `(${any.join(" || ")})`, ...part.except.map((t) => `(${ISSUER} != "${value(t)}")`)];
  });
  return conditions.length === 1 ? conditions[0]!.join(" && ") : `(${conditions.map((c) => `(${c.join(" && ")})`).join(" || ")})`;
}

/** Characters a role ARN can hold at `index`: the account id's digits, the fixed `:role/`, then IAM path and name characters. */
function roleArnAlphabet(index: number): string[] {
  const account = ROLE_ARN_START.length;
  if (index < account) return [ROLE_ARN_START[index]!];
  if (index < account + 12) return [..."0123456789"];
  const fixed = ":role/";
  if (index < account + 12 + fixed.length) return [fixed[index - account - 12]!];
  return [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-/"];
}

/**
 * Parts covering every role ARN that starts with `prefix` and is not one of `readers`
 * (which all start with `prefix`), no two overlapping, each fitting one pattern: a trie
 * over the readers' ARNs, split where they branch until each part fits.
 */
export function issuerParts(prefix: string, readers: string[], fits: (part: IssuerPart) => boolean): IssuerPart[] {
  const whole: IssuerPart = { anyOf: [{ prefix }], except: readers.map((exact) => ({ exact })) };
  if (fits(whole)) return [whole];
  // Down to where the readers branch: what leaves the shared start earlier is one part.
  const shared = commonPrefix(readers);
  if (shared.length > prefix.length) return [{ anyOf: [{ prefix }], except: [{ prefix: shared }] }, ...issuerParts(shared, readers, fits)];
  const children = new Map<string, string[]>();
  let prefixIsReader = false;
  for (const arn of readers) {
    if (arn === prefix) prefixIsReader = true;
    else {
      const next = arn[prefix.length]!;
      let list = children.get(next);
      if (!list) children.set(next, (list = []));
      list.push(arn);
    }
  }
  const chars = [...children.keys()].sort();
  const parts = chars.flatMap((c) => issuerParts(prefix + c, children.get(c)!, fits));
  // What starts with `prefix` but with none of the readers' next characters: one part if it fits...
  const rest: IssuerPart = { anyOf: [{ prefix }], except: [...chars.map((c) => ({ prefix: prefix + c })), ...(prefixIsReader ? [{ exact: prefix }] : [])] };
  if (fits(rest)) return [...parts, rest];
  // ...else the other characters the ARN can hold there, each named.
  const free: IssuerTerm[] = [
    ...roleArnAlphabet(prefix.length)
      .filter((c) => !children.has(c))
      .map((c) => ({ prefix: prefix + c })),
    ...(prefixIsReader ? [] : [{ exact: prefix }]),
  ];
  return [...parts, ...free.map((term) => ({ anyOf: [term], except: [] }))];
}

function commonPrefix(values: string[]): string {
  let shared = values[0] ?? "";
  for (const v of values) while (!v.startsWith(shared)) shared = shared.slice(0, -1);
  return shared;
}

export interface MonitoredAccount {
  id: string;
  name: string;
  /** Undefined when the account neither owns nor reads secrets: only denied reads are counted. */
  readers?: ExpectedReaders;
}

/** `accountId` is the account holding the trail's log group (and the topic). */
export interface SecretAlarmsProps extends AlarmTopicProps {
  trailLogGroup: string;
  accounts: MonitoredAccount[];
  namespace: string;
  threshold: number;
  periodSeconds: number;
}

export class SecretAccessAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: SecretAlarmsProps) {
    super(scope, id);
    this.topic = addAlarmTopic(this, props);

    const dimensions = { Account: "$.recipientAccountId" };
    new CloudwatchLogMetricFilter(this, "denied", {
      name: "org-baseline-secret-access-denied",
      logGroupName: props.trailLogGroup,
      pattern: accessDeniedPattern(),
      metricTransformation: { name: DENIED_METRIC, namespace: props.namespace, value: "1", dimensions },
    });

    const sorted = [...props.accounts].sort((a, b) => byCodePoint(a.name, b.name));
    for (const account of sorted) {
      const watchesReads = account.readers !== undefined;
      if (watchesReads) {
        // Split patterns add to the same metric: the alarm sums them as one.
        const patterns = unexpectedReadsPatterns(account.id, account.readers!);
        patterns.forEach((pattern, i) => {
          const suffix = splitSuffix(i, patterns.length);
          new CloudwatchLogMetricFilter(this, `unexpected-${account.name}${suffix}`, {
            name: `org-baseline-undeclared-secret-reads-${account.name}${suffix}`,
            logGroupName: props.trailLogGroup,
            pattern,
            metricTransformation: { name: UNEXPECTED_METRIC, namespace: props.namespace, value: "1", dimensions },
          });
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
