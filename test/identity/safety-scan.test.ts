import { describe, expect, it } from "vitest";
import { scanStack, type ScannedStack } from "./safety-scan.js";

const BOUNDARY = "arn:aws:iam::555555555555:policy/boundary";
const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const stack = (resource: ScannedStack["resource"]): ScannedStack => ({ name: "s", resource, permissionBoundaryArn: BOUNDARY });
const role = (extra: Record<string, unknown> = {}) => ({
  permissions_boundary: BOUNDARY,
  max_session_duration: 3600,
  assume_role_policy: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }),
  ...extra,
});

/** The scan must catch each pattern it exists for, or an empty result proves nothing. */
describe("safety scan", () => {
  it("passes a safe stack", () => expect(scanStack(stack({ aws_iam_role: { ok: role() } }))).toEqual([]));

  it("finds a secret value", () => {
    expect(scanStack(stack({ aws_secretsmanager_secret_version: { v: { secret_id: "x", secret_string: "s3cr3t" } } }))).toEqual([
      "s/aws_secretsmanager_secret_version.v: a value not from an ephemeral source",
      "s: a secret_string attribute",
    ]);
  });

  it("passes write-only values from ephemeral sources only", () => {
    const scanned = (wo: string, variable: Record<string, { ephemeral?: boolean }>): string[] =>
      scanStack({
        ...stack({
          aws_secretsmanager_secret_version: { v: { secret_id: "x", secret_string_wo: wo, secret_string_wo_version: 1 } },
          aws_ssm_parameter: {
            p: { name: "/a/b", type: "SecureString", value_wo: wo, value_wo_version: 1 },
            s: { name: "/a/c", type: "String", value: "info" },
          },
        }),
        variable,
        ephemeral: { aws_secretsmanager_random_password: { r: { password_length: 32 } } },
      });
    expect(scanned("${var.first}", { first: { ephemeral: true } })).toEqual([]);
    expect(scanned("${ephemeral.aws_secretsmanager_random_password.r.random_password}", {})).toEqual([]);
    expect(scanned("${var.first}", { first: {} })).toEqual([
      "s/aws_secretsmanager_secret_version.v: a value not from an ephemeral source",
      "s/aws_ssm_parameter.p: a SecureString value not from an ephemeral source",
    ]);
    expect(scanned("s3cr3t", {})).toHaveLength(2);
  });

  it.each(["repo:org/*", "repo:org/repo:*", "*"])("finds the wildcard OIDC subject %s", (sub) => {
    const trust = doc({
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::5:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringLike: { "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
    });
    const findings = scanStack(stack({ aws_iam_role: { r: role({ assume_role_policy: trust }) } }));
    expect(findings).toContain(`s/aws_iam_role.r.assume_role_policy: token.actions.githubusercontent.com:sub under StringLike, not StringEquals`);
    expect(findings).toContain(`s/aws_iam_role.r.assume_role_policy: OIDC subject ${JSON.stringify(sub)} not pinned`);
  });

  it("finds an unconditioned * principal", () => {
    const policy = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "secretsmanager:GetSecretValue", Resource: "*" });
    expect(scanStack(stack({ aws_secretsmanager_secret_policy: { p: { policy } } }))).toEqual([
      "s/aws_secretsmanager_secret_policy.p.policy: unconditioned * principal",
    ]);
  });

  it("finds Action * and service-wide Allows, but not KMS's account-root statement", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Star", Effect: "Allow", Action: "*", Resource: "*" },
        { Sid: "S3", Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::555555555555:root" }, Action: "kms:*", Resource: "*" },
      ],
    });
    expect(scanStack(stack({ aws_iam_role_policy: { p: { policy } } }))).toEqual([
      "s/aws_iam_role_policy.p.policy Star: Action *",
      "s/aws_iam_role_policy.p.policy S3: service-wide Allow s3:*",
    ]);
  });

  it("finds a key without rotation or bypassing the lockout check", () => {
    expect(scanStack(stack({ aws_kms_key: { k: { enable_key_rotation: false, bypass_policy_lockout_safety_check: true } } }))).toEqual([
      "s/aws_kms_key.k: rotation off",
      "s/aws_kms_key.k: bypasses the lockout safety check",
    ]);
  });

  it("finds a role without the boundary or with an unbounded session", () => {
    expect(scanStack(stack({ aws_iam_role: { r: role({ permissions_boundary: undefined, max_session_duration: 86400 }) } }))).toEqual([
      "s/aws_iam_role.r: boundary undefined",
      "s/aws_iam_role.r: session 86400",
    ]);
  });

  it("finds unknown condition operators", () => {
    const policy = doc({ Effect: "Deny", Action: "s3:GetObject", Resource: "*", Condition: { StringNotEqual: { "aws:PrincipalOrgID": "o-1" } } });
    expect(scanStack(stack({ aws_s3_bucket_policy: { p: { policy } } }))).toEqual([
      "s/aws_s3_bucket_policy.p.policy: unknown condition operator StringNotEqual",
    ]);
  });
});
