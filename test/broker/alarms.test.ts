import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { AUDIT_MARK } from "../../modules/broker/handler/index.mjs";
import {
  BROKER_AUDIT_MARK,
  breakGlassPatterns,
  brokerDeniedPattern,
  brokeredMisusePatterns,
  privilegedPaths,
  rotationFailurePattern,
} from "../../modules/privileged-alarms.js";
import { MAX_PATTERN_LENGTH } from "../../modules/monitoring.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { generateRealisticOrg } from "../bench/generate-realistic-org.mjs";
import { matchesFilter } from "./filter-pattern.js";

/** The privileged-path alarms: their filters on sample CloudTrail events and audit records, and where they are deployed. */

const org = loadConfig("config/org.yaml");
const paths = privilegedPaths(org);
const OPERATOR = "arn:aws:iam::555555555555:role/jit/payments-operator";
const BROKER = "arn:aws:iam::222222222222:role/access-broker";
const BREAK_GLASS = "arn:aws:iam::222222222222:role/break-glass-admin";

/** A CloudTrail AssumeRole record of `roleArn` by a role session (issuer) or an IAM user. */
function assumeRole(roleArn: string, by: { issuer: string } | { user: string }, errorCode?: string) {
  const userIdentity =
    "issuer" in by
      ? {
          type: "AssumedRole",
          arn: `${by.issuer.replace(":iam::", ":sts::").replace(/:role\/(.*\/)?/, ":assumed-role/")}/s`,
          sessionContext: { sessionIssuer: { type: "Role", arn: by.issuer } },
        }
      : { type: "IAMUser", arn: by.user };
  return {
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    recipientAccountId: roleArn.split(":")[4],
    userIdentity,
    requestParameters: { roleArn, roleSessionName: "s" },
    ...(errorCode ? { errorCode } : {}),
  };
}

describe("privileged-path filters", () => {
  it("derives the paths from the config, with exact ARNs", () => {
    expect(paths).toEqual({ breakGlassRoleArns: [BREAK_GLASS], brokered: [{ roleArn: OPERATOR, brokerArn: BROKER }], rotation: true });
  });

  it("counts every break-glass assumption, refused attempts included, and nothing else", () => {
    const [pattern, ...more] = breakGlassPatterns(paths.breakGlassRoleArns);
    expect(more).toEqual([]);
    expect(matchesFilter(pattern, assumeRole(BREAK_GLASS, { issuer: "arn:aws:iam::222222222222:role/incident-commander" }))).toBe(true);
    expect(matchesFilter(pattern, assumeRole(BREAK_GLASS, { user: "arn:aws:iam::222222222222:user/mallory" }, "AccessDenied"))).toBe(true);
    expect(
      matchesFilter(pattern, assumeRole("arn:aws:iam::222222222222:role/security-auditor", { issuer: "arn:aws:iam::222222222222:role/incident-commander" })),
    ).toBe(false);
  });

  it("counts an assumption of a brokered role by anything but its broker", () => {
    const [pattern, ...more] = brokeredMisusePatterns(paths.brokered);
    expect(more).toEqual([]);
    expect(matchesFilter(pattern, assumeRole(OPERATOR, { issuer: BROKER }))).toBe(false);
    expect(matchesFilter(pattern, assumeRole(OPERATOR, { issuer: "arn:aws:iam::555555555555:role/payments-api" }))).toBe(true);
    expect(matchesFilter(pattern, assumeRole(OPERATOR, { issuer: "arn:aws:iam::222222222222:role/other/access-broker" }))).toBe(true);
    expect(matchesFilter(pattern, assumeRole(OPERATOR, { user: "arn:aws:iam::555555555555:user/admin" }, "AccessDenied"))).toBe(true);
    expect(matchesFilter(pattern, assumeRole(BREAK_GLASS, { issuer: "arn:aws:iam::555555555555:role/payments-api" }))).toBe(false);
  });

  it("splits many roles over several filters under CloudWatch's limit, each role in exactly one", () => {
    const account = (n: number) => String(700000000000 + n);
    const glass = Array.from({ length: 150 }, (_, n) => `arn:aws:iam::${account(n)}:role/emergency/break-glass-admin-${n}`);
    const brokered = Array.from({ length: 150 }, (_, n) => ({ roleArn: `arn:aws:iam::${account(n)}:role/jit/operator-${n}`, brokerArn: BROKER }));
    const glassPatterns = breakGlassPatterns(glass);
    const brokeredPatterns = brokeredMisusePatterns(brokered);
    for (const patterns of [glassPatterns, brokeredPatterns]) {
      expect(patterns.length).toBeGreaterThan(1);
      for (const p of patterns) expect(p.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    }
    const counted = (patterns: string[], event: Record<string, unknown>) => patterns.filter((p) => matchesFilter(p, event)).length;
    const someone = { issuer: "arn:aws:iam::222222222222:role/incident-commander" };
    for (const arn of glass) expect(counted(glassPatterns, assumeRole(arn, someone)), arn).toBe(1);
    for (const { roleArn } of brokered) {
      expect(counted(brokeredPatterns, assumeRole(roleArn, someone)), roleArn).toBe(1);
      expect(counted(brokeredPatterns, assumeRole(roleArn, { issuer: BROKER })), roleArn).toBe(0);
    }
    expect(counted(glassPatterns, assumeRole("arn:aws:iam::700000000000:role/emergency/other", someone))).toBe(0);
  });

  it("refuses a role whose condition alone is over the limit", () => {
    expect(() => breakGlassPatterns([`arn:aws:iam::222222222222:role/${"p/".repeat(480)}break-glass`])).toThrow(/over CloudWatch's 1024/);
  });

  it("counts failed and abandoned rotations", () => {
    const pattern = rotationFailurePattern();
    for (const eventName of ["RotationFailed", "RotationAbandoned"]) {
      expect(matchesFilter(pattern, { eventSource: "secretsmanager.amazonaws.com", eventName, recipientAccountId: "444444444444" })).toBe(true);
    }
    expect(matchesFilter(pattern, { eventSource: "secretsmanager.amazonaws.com", eventName: "RotationSucceeded" })).toBe(false);
  });

  it("counts the broker's refusals, by the mark its handler writes", () => {
    expect(AUDIT_MARK).toBe(BROKER_AUDIT_MARK);
    const pattern = brokerDeniedPattern();
    expect(matchesFilter(pattern, { audit: AUDIT_MARK, decision: "denied", reason: "x" })).toBe(true);
    expect(matchesFilter(pattern, { audit: AUDIT_MARK, decision: "allowed" })).toBe(false);
  });
});

describe("privileged-path alarms in the example organization", () => {
  type Resources = Record<string, Record<string, Record<string, unknown>>>;
  let out: string;
  const stack = (name: string) => (JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as { resource: Resources }).resource;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "broker-alarms-"));
    synthesizeInto(
      org,
      out,
      org.stacks.filter((s) => s.name === "management-eu-west-1" || s.name === "security-eu-west-1"),
    );
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("watches the organization trail next to the secret-access alarms, on the same topic", () => {
    const management = stack("management-eu-west-1");
    const filters = Object.values(management.aws_cloudwatch_log_metric_filter!).filter((f) =>
      String(f.name).match(/break-glass|rotation-failed|brokered-role/),
    );
    expect(filters.map((f) => f.log_group_name)).toEqual([
      "aws-controltower/CloudTrailLogs",
      "aws-controltower/CloudTrailLogs",
      "aws-controltower/CloudTrailLogs",
    ]);
    const alarms = Object.values(management.aws_cloudwatch_metric_alarm!).filter((a) =>
      String(a.alarm_name).match(/break-glass|rotation-failed|brokered-role/),
    );
    expect(alarms.map((a) => [a.alarm_name, a.threshold]).sort()).toEqual([
      ["org-baseline-break-glass-assumed", 1],
      ["org-baseline-brokered-role-outside-broker", 1],
      ["org-baseline-secret-rotation-failed", 1],
    ]);
    const topic = Object.keys(management.aws_sns_topic!)[0]!;
    for (const alarm of alarms) expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topic}.arn}`]);
  });

  it("alarms on the broker's refusals above the threshold, in the broker's account, on an encrypted topic there", () => {
    const security = stack("security-eu-west-1");
    const [filter] = Object.values(security.aws_cloudwatch_log_metric_filter!);
    expect(filter!.pattern).toBe(brokerDeniedPattern());
    expect(filter!.log_group_name).toMatch(/^\$\{aws_cloudwatch_log_group\.log-groups_group-aws-lambda-org-baseline-access-broker_[A-F0-9]+\.name\}$/);
    const [alarm] = Object.values(security.aws_cloudwatch_metric_alarm!);
    expect(alarm).toMatchObject({ alarm_name: "org-baseline-access-broker-denied", threshold: 5, period: 300 });
    const [topic] = Object.values(security.aws_sns_topic!);
    expect(topic!.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
  });
});

describe("privileged-path alarms in a large organization", () => {
  it("watch every break-glass and brokered role through several filters adding to one alarm's metric", () => {
    const dir = mkdtempSync(join(tmpdir(), "broker-alarms-large-"));
    try {
      writeFileSync(join(dir, "org.yaml"), generateRealisticOrg(90));
      const large = loadConfig(join(dir, "org.yaml"));
      synthesizeInto(
        large,
        join(dir, "out"),
        large.stacks.filter((s) => s.name === "management-eu-west-1"),
      );
      const json = JSON.parse(readFileSync(join(dir, "out", "stacks", "management-eu-west-1", "cdk.tf.json"), "utf8"));
      const filters = Object.values(json.resource.aws_cloudwatch_log_metric_filter as Record<string, { name: string; pattern: string }>);
      const alarms = Object.values(json.resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string }>).map((a) => a.alarm_name);
      const { breakGlassRoleArns, brokered } = privilegedPaths(large);
      expect(breakGlassRoleArns.length).toBeGreaterThan(20);
      expect(brokered.length).toBeGreaterThan(20);
      for (const [name, arns, by] of [
        ["break-glass-assumed", breakGlassRoleArns, { issuer: "arn:aws:iam::222222222222:role/incident-commander" }],
        ["brokered-role-outside-broker", brokered.map((b) => b.roleArn), { issuer: "arn:aws:iam::555555555555:role/payments-api" }],
      ] as const) {
        const mine = filters.filter((f) => f.name.startsWith(`org-baseline-${name}-`));
        expect(mine.map((f) => f.name).sort()).toEqual(mine.map((_, i) => `org-baseline-${name}-${i + 1}`).sort());
        expect(mine.length).toBeGreaterThan(1);
        for (const f of mine) expect(f.pattern.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
        for (const arn of arns) expect(mine.filter((f) => matchesFilter(f.pattern, assumeRole(arn, by))).length, arn).toBe(1);
        expect(alarms.filter((a) => a.startsWith(`org-baseline-${name}`))).toEqual([`org-baseline-${name}`]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
