import { describe, expect, it } from "vitest";
import { UnsupportedPolicyError } from "../../modules/access/errors.js";
import { evaluate, type AccessRequest, type NamedPolicy } from "../../modules/access/evaluate.js";

const ORG = "o-exampleorg1";
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const doc = (name: string, ...Statement: object[]): NamedPolicy => ({ name, document: { Statement } as never });
const allowAll = doc("admin", { Effect: "Allow", Action: "*", Resource: "*" });
const secret = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-AbCdEf";
const key = "arn:aws:kms:eu-west-1:111111111111:key/k1";

const req = (over: Partial<AccessRequest> & { arn?: string } = {}): AccessRequest => ({
  principal: { arn: over.arn ?? role("111111111111", "reader"), orgId: ORG },
  action: "secretsmanager:GetSecretValue",
  resource: { arn: secret, orgId: ORG },
  ...over,
});

describe("the decision chain", () => {
  it("same account: identity alone or a resource policy naming the principal allows; nothing allows nothing", () => {
    expect(evaluate(req(), { identity: [allowAll] }).decision).toBe("Allow");
    const named = doc("secret", {
      Effect: "Allow",
      Principal: { AWS: role("111111111111", "reader") },
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
    });
    expect(evaluate(req(), { resource: named }).decision).toBe("Allow");
    expect(evaluate(req(), {}).decision).toBe("ImplicitDeny");
  });

  it("a resource policy naming the account root only delegates: the identity side must allow", () => {
    const root = doc("secret", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "*", Resource: "*" });
    expect(evaluate(req(), { resource: root }).decision).toBe("ImplicitDeny");
    expect(evaluate(req(), { resource: root, identity: [allowAll] }).decision).toBe("Allow");
  });

  it("cross-account needs both sides", () => {
    const outside = req({ arn: role("222222222222", "reader") });
    const policy = doc("secret", { Effect: "Allow", Principal: { AWS: "222222222222" }, Action: "secretsmanager:*", Resource: "*" });
    expect(evaluate(outside, { identity: [allowAll] }).allowed).toBe(false);
    expect(evaluate(outside, { resource: policy }).allowed).toBe(false);
    expect(evaluate(outside, { resource: policy, identity: [allowAll] }).allowed).toBe(true);
  });

  it("an explicit deny anywhere wins and is named", () => {
    const denying = doc("secret", { Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: "*", Resource: "*" });
    const d = evaluate(req(), { identity: [allowAll], resource: denying });
    expect(d).toMatchObject({ decision: "ExplicitDeny", decidedBy: [{ policy: "secret", sid: "DenyAll" }] });
  });

  it("KMS: the key policy is required even in the same account, and its root statement delegates to IAM", () => {
    const k = req({ action: "kms:Decrypt", resource: { arn: key } });
    expect(evaluate(k, { identity: [allowAll] }, { resourceKind: "kms-key" }).allowed).toBe(false);
    const rootOnly = doc("key", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" });
    expect(evaluate(k, { resource: rootOnly }, { resourceKind: "kms-key" }).allowed).toBe(false);
    expect(evaluate(k, { resource: rootOnly, identity: [allowAll] }, { resourceKind: "kms-key" }).allowed).toBe(true);
  });

  it("role trust: a same-account trust naming the role grants without an identity policy; the root only delegates", () => {
    const assume = req({ action: "sts:AssumeRole", resource: { arn: role("111111111111", "target") } });
    const exact = doc("trust", { Effect: "Allow", Principal: { AWS: role("111111111111", "reader") }, Action: "sts:AssumeRole" });
    expect(evaluate(assume, { resource: exact }, { resourceKind: "role-trust" }).allowed).toBe(true);
    const root = doc("trust", { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" });
    expect(evaluate(assume, { resource: root }, { resourceKind: "role-trust" }).allowed).toBe(false);
  });

  it("a permissions boundary and a session policy limit the identity side", () => {
    const narrow = doc("boundary", { Effect: "Allow", Action: "s3:*", Resource: "*" });
    expect(evaluate(req(), { identity: [allowAll], boundary: narrow }).decision).toBe("ImplicitDeny");
    expect(evaluate(req(), { identity: [allowAll], session: narrow }).decision).toBe("ImplicitDeny");
  });

  it("SCPs must allow at every level of the principal's path; RCPs only for the services they cover", () => {
    const full = doc("FullAWSAccess", { Effect: "Allow", Action: "*", Resource: "*" });
    const denyKeys = doc("no-keys", { Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*" });
    const createKey = req({ action: "iam:CreateAccessKey", resource: { arn: "arn:aws:iam::111111111111:user/u" } });
    expect(evaluate(createKey, { identity: [allowAll], scps: [[full], [full, denyKeys]] }).decision).toBe("ExplicitDeny");
    expect(evaluate(req(), { identity: [allowAll], scps: [[full], []] }).decision).toBe("ImplicitDeny");
    expect(evaluate({ ...createKey, principal: { ...createKey.principal, serviceLinked: true } }, { identity: [allowAll], scps: [[denyKeys]] }).allowed).toBe(
      true,
    );
    const rcp = doc("perimeter", {
      Effect: "Deny",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG } },
    });
    const fullRcp = doc("RCPFullAWSAccess", { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
    const outsider = req({ arn: role("999999999999", "x") });
    const open = doc("secret", { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
    outsider.principal.orgId = "o-other";
    expect(evaluate(outsider, { identity: [allowAll], resource: open }).allowed).toBe(true);
    expect(evaluate(outsider, { identity: [allowAll], resource: open, rcps: [[fullRcp, rcp]] }).decision).toBe("ExplicitDeny");
    const ssm = { ...outsider, action: "ssm:GetParameter", resource: { arn: "arn:aws:ssm:eu-west-1:111111111111:parameter/p" } };
    expect(evaluate(ssm, { identity: [allowAll], resource: open, rcps: [[fullRcp, rcp]] }).allowed).toBe(true);
  });

  it("a VPC endpoint policy must allow too", () => {
    const endpoint = doc("endpoint", {
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
    });
    expect(evaluate(req(), { identity: [allowAll], endpoint }).allowed).toBe(true);
    expect(evaluate(req({ resource: { arn: secret, orgId: "o-other" } }), { identity: [allowAll], endpoint }).decision).toBe("ImplicitDeny");
  });

  it("service and federated principals are judged by the resource policy alone", () => {
    const trust = doc("trust", {
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main" } },
    });
    const web = (sub: string): AccessRequest => ({
      principal: { federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
      action: "sts:AssumeRoleWithWebIdentity",
      resource: { arn: role("111111111111", "ci") },
      context: { "token.actions.githubusercontent.com:sub": sub },
    });
    expect(evaluate(web("repo:o/r:ref:refs/heads/main"), { resource: trust }, { resourceKind: "role-trust" }).allowed).toBe(true);
    expect(evaluate(web("repo:o/r:ref:refs/heads/dev"), { resource: trust }, { resourceKind: "role-trust" }).allowed).toBe(false);
  });
});

describe("conditions", () => {
  const withCondition = (Condition: object, effect = "Allow") => doc("p", { Effect: effect, Action: "*", Resource: "*", Condition });
  const allowed = (Condition: object, context: AccessRequest["context"] = {}) => evaluate(req({ context }), { identity: [withCondition(Condition)] }).allowed;

  it("absent keys: positive operators fail, negated ones and IfExists hold, Null tells presence", () => {
    expect(allowed({ StringEquals: { "aws:SourceVpc": "vpc-1" } })).toBe(false);
    expect(allowed({ StringNotEquals: { "aws:SourceVpc": "vpc-1" } })).toBe(true);
    expect(allowed({ StringEqualsIfExists: { "aws:SourceVpc": "vpc-1" } })).toBe(true);
    expect(allowed({ Null: { "aws:SourceVpc": "true" } })).toBe(true);
    expect(allowed({ Null: { "aws:SourceVpc": "false" } })).toBe(false);
  });

  it("multiple values are OR, keys and operators AND; negation complements the OR", () => {
    expect(allowed({ StringEquals: { "aws:PrincipalOrgID": ["o-a", ORG] } })).toBe(true);
    expect(allowed({ StringNotEquals: { "aws:PrincipalOrgID": ["o-a", ORG] } })).toBe(false);
    expect(allowed({ StringEquals: { "aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": "222222222222" } })).toBe(false);
  });

  it("set operators over multivalued keys", () => {
    const tags = { "aws:TagKeys": ["Ticket", "Requester"] };
    expect(allowed({ "ForAllValues:StringEquals": { "aws:TagKeys": ["Ticket", "Requester"] } }, tags)).toBe(true);
    expect(allowed({ "ForAllValues:StringEquals": { "aws:TagKeys": ["Ticket"] } }, tags)).toBe(false);
    expect(allowed({ "ForAllValues:StringEquals": { "aws:TagKeys": ["Ticket"] } })).toBe(true);
    expect(allowed({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["Ticket"] } })).toBe(false);
    expect(allowed({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["Ticket"] } }, tags)).toBe(true);
  });

  it("wildcards, ARNs, numbers, dates, booleans and addresses", () => {
    expect(allowed({ StringLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/rea?er" } })).toBe(true);
    expect(allowed({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/reader" } })).toBe(true);
    expect(allowed({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*" } })).toBe(false);
    expect(allowed({ NumericLessThan: { "aws:MultiFactorAuthAge": "900" } }, { "aws:MultiFactorAuthAge": 300 })).toBe(true);
    expect(allowed({ NumericLessThan: { "aws:MultiFactorAuthAge": "900" } }, { "aws:MultiFactorAuthAge": 901 })).toBe(false);
    expect(allowed({ DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } }, { "aws:CurrentTime": "2026-11-29T00:00:00Z" })).toBe(true);
    expect(allowed({ Bool: { "aws:MultiFactorAuthPresent": "true" } }, { "aws:MultiFactorAuthPresent": true })).toBe(true);
    expect(allowed({ Bool: { "aws:MultiFactorAuthPresent": "true" } }, { "aws:MultiFactorAuthPresent": false })).toBe(false);
    expect(allowed({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, { "aws:SourceIp": "10.1.2.3" })).toBe(true);
    expect(allowed({ NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, { "aws:SourceIp": "10.1.2.3" })).toBe(false);
  });

  it("policy variables resolve from the request; an absent one matches nothing", () => {
    const abac = { StringEquals: { "aws:ResourceTag/Project": "${aws:PrincipalTag/Project}" } };
    const tagged = (principalTag?: string, resourceTag = "payments") =>
      evaluate(
        {
          principal: { arn: role("111111111111", "r"), tags: principalTag ? { Project: principalTag } : {} },
          action: "secretsmanager:GetSecretValue",
          resource: { arn: secret, tags: { Project: resourceTag } },
        },
        { identity: [withCondition(abac)] },
      ).allowed;
    expect(tagged("payments")).toBe(true);
    expect(tagged("claims")).toBe(false);
    expect(tagged(undefined)).toBe(false);
  });

  it("a misspelled operator or an unknown element is refused, never guessed", () => {
    expect(() => evaluate(req(), { identity: [withCondition({ StringEqual: { "aws:PrincipalOrgID": ORG } }, "Deny")] })).toThrow(UnsupportedPolicyError);
    expect(() => evaluate(req(), { identity: [doc("p", { Effect: "Allow", Action: "*", Resource: "*", Conditions: {} })] })).toThrow(/element "Conditions"/);
    expect(() => evaluate(req(), { identity: [doc("p", { Effect: "allow", Action: "*", Resource: "*" })] })).toThrow(/Effect/);
  });
});

describe("actions and resources", () => {
  it("actions match case-insensitively with wildcards; NotAction and NotResource invert", () => {
    const p = doc("p", { Effect: "Allow", Action: "SecretsManager:Get*", Resource: "arn:aws:secretsmanager:*:111111111111:secret:app/db-??????" });
    expect(evaluate(req(), { identity: [p] }).allowed).toBe(true);
    expect(evaluate(req({ resource: { arn: secret.replace("app/db", "app/other") } }), { identity: [p] }).allowed).toBe(false);
    const notAction = doc("p", { Effect: "Allow", NotAction: "secretsmanager:*", Resource: "*" });
    expect(evaluate(req(), { identity: [notAction] }).allowed).toBe(false);
    const notResource = doc("p", { Effect: "Allow", Action: "*", NotResource: secret });
    expect(evaluate(req(), { identity: [notResource] }).allowed).toBe(false);
  });

  it('a request that names no resource matches only Resource "*"', () => {
    const token = req({ action: "ecr:GetAuthorizationToken", resource: { arn: "*" } });
    expect(evaluate(token, { identity: [doc("p", { Effect: "Allow", Action: "ecr:*", Resource: "arn:aws:ecr:*:*:repository/*" })] }).allowed).toBe(false);
    expect(evaluate(token, { identity: [doc("p", { Effect: "Allow", Action: "ecr:*", Resource: "*" })] }).allowed).toBe(true);
  });
});
