import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import { applyRolePolicy, identityPolicy, planRolePolicy, secretArn } from "../../modules/policies/identity-policy.js";
import { findings, IDENTITY_STATEMENT, type StatementSubject } from "../../modules/policies/must-never.js";

describe("identityPolicy", () => {
  it("reads secrets by exact ARN (-??????) and decrypts their key only through Secrets Manager", () => {
    const doc = canonicalPolicy(
      identityPolicy({ secrets: [{ accountId: "444444444444", name: "payments/db", regions: ["eu-west-1", "eu-central-1"], keyName: "shared" }] })!,
    );
    expect(doc.Statement).toEqual([
      {
        Sid: "ReadSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: [
          "arn:aws:secretsmanager:eu-central-1:444444444444:secret:payments/db-??????",
          "arn:aws:secretsmanager:eu-west-1:444444444444:secret:payments/db-??????",
        ],
      },
      {
        Sid: "DecryptSecretsShared444444444444",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: ["arn:aws:kms:eu-central-1:444444444444:key/*", "arn:aws:kms:eu-west-1:444444444444:key/*"],
        Condition: {
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/org-baseline/shared" },
          StringEquals: { "kms:ViaService": ["secretsmanager.eu-central-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"] },
        },
      },
    ]);
    expect(secretArn("eu-west-1", "1", "a")).toBe("arn:aws:secretsmanager:eu-west-1:1:secret:a-??????");
  });

  it("needs no key statement for a secret under the AWS-managed key", () => {
    expect(identityPolicy({ secrets: [{ accountId: "5", name: "s", regions: ["eu-west-1"] }] })!.Statement).toHaveLength(1);
  });

  it("uses keys by alias, bound to the named services", () => {
    const doc = canonicalPolicy(identityPolicy({ keys: [{ accountId: "5", keyName: "data", regions: ["eu-west-1"], via: ["s3"], access: "encrypt" }] })!);
    expect(doc.Statement).toEqual([
      {
        Sid: "UseKeyData5",
        Effect: "Allow",
        Action: ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "arn:aws:kms:eu-west-1:5:key/*",
        Condition: {
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/org-baseline/data" },
          StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        },
      },
    ]);
  });

  it("writes only to named log groups", () => {
    expect(canonicalPolicy(identityPolicy({ logGroups: [{ accountId: "5", name: "/a", regions: ["eu-west-1"] }] })!).Statement).toEqual([
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: ["arn:aws:logs:eu-west-1:5:log-group:/a", "arn:aws:logs:eu-west-1:5:log-group:/a:log-stream:*"],
      },
    ]);
  });

  it("grants ABAC access where resource tags equal the principal's own", () => {
    const doc = canonicalPolicy(identityPolicy({ abac: { accountId: "5", regions: ["eu-west-1"], tagKeys: ["Project"] } })!);
    expect(doc.Statement).toEqual([
      {
        Sid: "AbacReadSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: "arn:aws:secretsmanager:eu-west-1:5:secret:*",
        Condition: { StringEquals: { "aws:ResourceTag/Project": "${aws:PrincipalTag/Project}" } },
      },
      {
        Sid: "AbacDecryptSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "arn:aws:kms:eu-west-1:5:key/*",
        Condition: { StringEquals: { "aws:ResourceTag/Project": "${aws:PrincipalTag/Project}", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
    ]);
  });

  it("bounds an MFA session by the age of the MFA sign-in", () => {
    expect(identityPolicy({ mfaSessionBound: 900 })!.Statement).toEqual([
      {
        Sid: "DenyAfterSessionBound",
        Effect: "Deny",
        NotAction: "sts:GetCallerIdentity",
        Resource: "*",
        Condition: { NumericGreaterThan: { "aws:MultiFactorAuthAge": 900 } },
      },
    ]);
  });

  it("grants nothing when nothing is granted", () => {
    expect(identityPolicy({})).toBeUndefined();
  });
});

describe("the must-never list on identity statements", () => {
  const statementProblems = (s: StatementSubject) => findings(IDENTITY_STATEMENT, s);
  const allow = (Action: string[], Resource: string[] = ["arn:aws:s3:::b/*"], Condition?: Record<string, Record<string, string>>) =>
    statementProblems({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });

  it("accepts an exact statement", () => expect(allow(["s3:GetObject"])).toEqual([]));
  it("refuses Action *", () => expect(allow(["*"]).join()).toMatch(/every action of every service/));
  it("refuses *:*", () => expect(allow(["*:*"]).join()).toMatch(/every action of every service/));
  it("refuses service:*", () => expect(allow(["s3:*"]).join()).toMatch(/every action of the service/));
  it("refuses iam:PassRole on *, also through a wildcard", () => {
    expect(allow(["iam:PassRole"], ["*"]).join()).toMatch(/privilege-escalation/);
    expect(allow(["iam:Pass*"], ["*"]).join()).toMatch(/privilege-escalation/);
    expect(allow(["iam:PassRole"], ["arn:aws:iam::5:role/app"])).toEqual([]);
  });
  it("counts every key or role of an account, unconditioned, as every resource", () => {
    expect(allow(["kms:Decrypt"], ["arn:aws:kms:eu-west-1:5:key/*"]).join()).toMatch(/every key/);
    expect(allow(["iam:PassRole"], ["arn:aws:iam::5:role/*"]).join()).toMatch(/privilege-escalation/);
    expect(allow(["kms:Decrypt"], ["arn:aws:kms:eu-west-1:5:key/*"], { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/x" } })).toEqual([]);
  });
  it("refuses kms:Decrypt and kms:ReEncryptFrom on *", () => {
    expect(allow(["kms:Decrypt"], ["*"]).join()).toMatch(/every key/);
    expect(allow(["kms:ReEncrypt*"], ["*"]).join()).toMatch(/re-encrypting from every key/);
  });
  it("refuses unknown condition operators", () =>
    expect(allow(["s3:GetObject"], undefined, { StringEqual: { "aws:PrincipalOrgID": "o-1" } }).join()).toMatch(/unknown condition operator/));
  it("lets a Deny be broad", () => expect(statementProblems({ Effect: "Deny", Action: ["s3:*"], Resource: ["*"] })).toEqual([]));
});

describe("pipeline role policies", () => {
  const state = { type: "s3" as const, bucket: "tf", region: "eu-west-1", stateKeys: ["p/a-eu-west-1.tfstate"] };

  it("plan: denies data reads and decryption outside state, reads state and takes the lock", () => {
    expect(canonicalPolicy(planRolePolicy(state)).Statement.map((s) => s.Sid)).toEqual([
      "DenySecretAndDataReads",
      "DenyObjectReadsOutsideState",
      "DenyDecryptOutsideState",
      "ListOwnState",
      "ReadOwnState",
      "LockOwnState",
    ]);
    const doc = canonicalPolicy(planRolePolicy(state));
    expect(doc.Statement[4]).toEqual({ Sid: "ReadOwnState", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::tf/p/a-eu-west-1.tfstate" });
    expect(doc.Statement[5]).toEqual({
      Sid: "LockOwnState",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: "arn:aws:s3:::tf/p/a-eu-west-1.tfstate.tflock",
    });
    expect(doc.Statement[0]!.Action).toContain("secretsmanager:GetSecretValue");
  });

  it("apply: assumes the deploy role and writes its own state only", () => {
    const doc = canonicalPolicy(applyRolePolicy({ deployRoleArn: "arn:aws:iam::5:role/Deploy", state }));
    expect(doc.Statement[0]).toEqual({ Sid: "AssumeDeployRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::5:role/Deploy" });
    expect(doc.Statement[2]).toEqual({
      Sid: "ReadWriteOwnState",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: "arn:aws:s3:::tf/p/a-eu-west-1.tfstate",
    });
  });

  it("grants the state key through S3 only, and nothing for an HCP backend", () => {
    const doc = canonicalPolicy(applyRolePolicy({ deployRoleArn: "d", state: { ...state, kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/abc" } }));
    expect(doc.Statement.at(-1)).toEqual({
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:eu-west-1:1:key/abc",
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
    expect(applyRolePolicy({ deployRoleArn: "d", state: { type: "none" } }).Statement).toHaveLength(1);
  });
});
