import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import { KEY_ADMIN_ACTIONS, KEY_CRYPTO_ACTIONS, keyPolicy, logsServiceUsers } from "../../modules/policies/key-policy.js";

const ROOT = { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:root" }, Action: "kms:*", Resource: "*" };

describe("keyPolicy", () => {
  it("always keeps the account root statement (lockout safety)", () => {
    expect(keyPolicy({ accountId: "444444444444" })).toEqual({ Version: "2012-10-17", Statement: [ROOT] });
  });

  it("gives administrators management actions only, by exact principal ARN", () => {
    const doc = canonicalPolicy(keyPolicy({ accountId: "444444444444", administrators: ["arn:aws:iam::444444444444:role/Admin"] }));
    expect(doc.Statement[1]).toEqual({
      Sid: "KeyAdministrators",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444444444444:root" },
      Action: [...KEY_ADMIN_ACTIONS].sort(),
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444444444444:role/Admin" } },
    });
    const actions = doc.Statement[1]!.Action as string[];
    for (const crypto of ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant", "kms:GenerateDataKey"]) expect(actions).not.toContain(crypto);
  });

  it("gives users cryptographic actions bound to kms:ViaService, and grants only for AWS resources", () => {
    const doc = canonicalPolicy(
      keyPolicy({
        accountId: "444444444444",
        users: [{ sid: "Apps", principalArns: ["arn:aws:iam::444444444444:role/app"], viaServices: ["secretsmanager.eu-west-1.amazonaws.com"], allowGrants: true }],
      }),
    );
    expect(doc.Statement.slice(1)).toEqual([
      {
        Sid: "Apps",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444444444444:root" },
        Action: [...KEY_CRYPTO_ACTIONS].sort(),
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444444444444:role/app" },
          StringEquals: { "kms:CallerAccount": "444444444444", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
        },
      },
      {
        Sid: "AppsGrants",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444444444444:root" },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444444444444:role/app" },
          Bool: { "kms:GrantIsForAWSResource": true },
          StringEquals: { "kms:CallerAccount": "444444444444", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
        },
      },
    ]);
  });

  it("lets CloudWatch Logs use the key only for the account's log groups, and describe it without an encryption context", () => {
    const doc = canonicalPolicy(keyPolicy({ accountId: "555555555555", serviceUsers: logsServiceUsers("eu-west-1", "555555555555") }));
    const sourceAccount = { StringEqualsIfExists: { "aws:SourceAccount": "555555555555" } };
    expect(doc.Statement.slice(1, 3)).toEqual([
      {
        Sid: "CloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: KEY_CRYPTO_ACTIONS.filter((a) => a !== "kms:DescribeKey"),
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:555555555555:log-group:*" }, ...sourceAccount },
      },
      // DescribeKey never carries an encryption context: under that condition it would never be allowed.
      { Sid: "CloudWatchLogsDescribeKey", Effect: "Allow", Principal: { Service: "logs.eu-west-1.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*", Condition: sourceAccount },
    ]);
  });

  it("adds aws:SourceAccount for service users that send it, and binds CreateGrant to AWS resources", () => {
    const doc = canonicalPolicy(
      keyPolicy({
        accountId: "555555555555",
        serviceUsers: [{ sid: "Sns", service: "sns.amazonaws.com", actions: ["kms:Decrypt", "kms:CreateGrant"], sourceAccount: "555555555555" }],
      }),
    );
    expect(doc.Statement.slice(1)).toEqual([
      { Sid: "Sns", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": "555555555555" } } },
      {
        Sid: "SnsGrants",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true }, StringEquals: { "aws:SourceAccount": "555555555555" } },
      },
    ]);
  });

  it("lets cross-account users decrypt through a service, within the organization, with optional ABAC tags", () => {
    const doc = canonicalPolicy(
      keyPolicy({
        accountId: "444444444444",
        crossAccountUsers: [
          {
            sid: "PaymentsReaders",
            accountIds: ["555555555555"],
            principalArns: ["arn:aws:iam::555555555555:role/payments-api"],
            principalTags: { Project: "payments" },
            organizationId: "o-exampleorg1",
            viaServices: ["secretsmanager.eu-west-1.amazonaws.com"],
          },
        ],
      }),
    );
    expect(doc.Statement[1]).toEqual({
      Sid: "PaymentsReaders",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::555555555555:root" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::555555555555:role/payments-api" },
        StringEquals: {
          "aws:PrincipalOrgID": "o-exampleorg1",
          "aws:PrincipalTag/Project": "payments",
          "kms:CallerAccount": "555555555555",
          "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
        },
      },
    });
  });

  it("refuses unsafe inputs", () => {
    const base = { accountId: "444444444444" };
    expect(() => keyPolicy({ ...base, users: [{ principalArns: ["arn:aws:iam::444444444444:role/*"], viaServices: ["s3.eu-west-1.amazonaws.com"] }] })).toThrow(/wildcard/);
    expect(() => keyPolicy({ ...base, users: [{ principalArns: ["arn:aws:iam::444444444444:role/a"], viaServices: [] }] })).toThrow(/viaServices/);
    expect(() => keyPolicy({ ...base, serviceUsers: [{ sid: "X", service: "logs.eu-west-1.amazonaws.com", actions: ["kms:*"] }] })).toThrow(/not a cryptographic action/);
    expect(() => keyPolicy({ ...base, serviceUsers: [{ sid: "X", service: "*", actions: ["kms:Decrypt"] }] })).toThrow(/service principal/);
    expect(() =>
      keyPolicy({ ...base, serviceUsers: [{ sid: "X", service: "logs.eu-west-1.amazonaws.com", actions: ["kms:Decrypt"], conditions: { StringEqual: { a: "b" } } }] }),
    ).toThrow(/unknown condition operator/);
    expect(() => keyPolicy({ ...base, crossAccountUsers: [{ accountIds: ["555555555555"], organizationId: "o-x", viaServices: ["s3.eu-west-1.amazonaws.com"] }] })).toThrow(/too broad/);
  });
});
