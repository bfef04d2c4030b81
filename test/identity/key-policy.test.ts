import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import { evaluate } from "../../modules/access/evaluate.js";
import { KEY_ADMIN_ACTIONS, KEY_CRYPTO_ACTIONS, KEY_VALIDATION_CONTEXT, keyPolicy, logsServiceUsers, viaService } from "../../modules/policies/key-policy.js";

const ROOT = { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:root" }, Action: "kms:*", Resource: "*" };

describe("keyPolicy", () => {
  it("always keeps the account root statement (lockout safety), and denies cryptographic use to all but AWS services when nobody is declared", () => {
    const doc = canonicalPolicy(keyPolicy({ accountId: "444444444444" }));
    expect(doc.Statement[0]).toEqual(ROOT);
    expect(doc.Statement.find((s) => s.Sid === "DenyCryptoToUndeclaredPrincipals")).toEqual({
      Sid: "DenyCryptoToUndeclaredPrincipals",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: "*",
      Condition: { BoolIfExists: { "aws:PrincipalIsAWSService": false } },
    });
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
        users: [
          { sid: "Apps", principalArns: ["arn:aws:iam::444444444444:role/app"], viaServices: ["secretsmanager.eu-west-1.amazonaws.com"], allowGrants: true },
        ],
      }),
    );
    expect(doc.Statement.slice(1, 3)).toEqual([
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
      {
        Sid: "CloudWatchLogsDescribeKey",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: sourceAccount,
      },
    ]);
  });

  it("adds aws:SourceAccount for service users that send it, and binds CreateGrant to AWS resources", () => {
    const doc = canonicalPolicy(
      keyPolicy({
        accountId: "555555555555",
        serviceUsers: [{ sid: "Sns", service: "sns.amazonaws.com", actions: ["kms:Decrypt", "kms:CreateGrant"], sourceAccount: "555555555555" }],
      }),
    );
    expect(doc.Statement.slice(1, 3)).toEqual([
      {
        Sid: "Sns",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "555555555555" } },
      },
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
    expect(() => keyPolicy({ ...base, users: [{ principalArns: ["arn:aws:iam::444444444444:role/*"], viaServices: ["s3.eu-west-1.amazonaws.com"] }] })).toThrow(
      /wildcard/,
    );
    expect(() => keyPolicy({ ...base, users: [{ principalArns: ["arn:aws:iam::444444444444:role/a"], viaServices: [] }] })).toThrow(/viaServices/);
    expect(() => keyPolicy({ ...base, serviceUsers: [{ sid: "X", service: "logs.eu-west-1.amazonaws.com", actions: ["kms:*"] }] })).toThrow(
      /not a cryptographic action/,
    );
    expect(() => keyPolicy({ ...base, serviceUsers: [{ sid: "X", service: "*", actions: ["kms:Decrypt"] }] })).toThrow(/service principal/);
    expect(() =>
      keyPolicy({
        ...base,
        serviceUsers: [{ sid: "X", service: "logs.eu-west-1.amazonaws.com", actions: ["kms:Decrypt"], conditions: { StringEqual: { a: "b" } } }],
      }),
    ).toThrow(/unknown condition operator/);
    expect(() =>
      keyPolicy({ ...base, crossAccountUsers: [{ accountIds: ["555555555555"], organizationId: "o-x", viaServices: ["s3.eu-west-1.amazonaws.com"] }] }),
    ).toThrow(/too broad/);
  });
});

/**
 * The key policy is the perimeter: whatever IAM policies of the account allow through the
 * root statement, cryptographic use is left to the declared users, through their services.
 * Every principal here has an identity policy allowing `kms:*` on `*` (as the deploy role's
 * AdministratorAccess does), so only the key policy decides.
 */
describe("the key policy as the perimeter", () => {
  const ORG = "o-exampleorg1";
  const KEY = "arn:aws:kms:eu-west-1:444444444444:key/1234abcd";
  const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
  const deploy = role("444444444444", "OrganizationAccountAccessRole");
  const admin = role("444444444444", "platform-operator");
  const app = role("444444444444", "app");
  const reader = role("555555555555", "payments-api");
  const rotation = role("444444444444", "rotation-fn-role");
  const stranger = role("444444444444", "stranger");
  const via = (service: string) => ({ "kms:ViaService": `${service}.eu-west-1.amazonaws.com` });
  const sm = viaService("secretsmanager", "eu-west-1");
  const policy = keyPolicy({
    accountId: "444444444444",
    administrators: [deploy, admin],
    users: [{ principalArns: [app], viaServices: [viaService("s3", "eu-west-1")], actions: ["kms:Decrypt", "kms:DescribeKey"] }],
    crossAccountUsers: [{ accountIds: ["555555555555"], principalArns: [reader], organizationId: ORG, viaServices: [sm] }],
    serviceUsers: logsServiceUsers("eu-west-1", "444444444444"),
    rotation: { roleArns: [rotation], viaService: sm },
    writers: [{ arns: [deploy], viaService: sm, actions: ["kms:Decrypt", "kms:GenerateDataKey"], decryptContext: { ...KEY_VALIDATION_CONTEXT } }],
  });
  const kmsStar = { name: "identity", document: { Statement: [{ Effect: "Allow" as const, Action: "kms:*", Resource: "*" }] } };
  const decide = (principal: string, action: string, context: Record<string, string> = {}, identity = [kmsStar]) =>
    evaluate(
      { principal: { arn: principal, orgId: ORG }, action, resource: { arn: KEY, orgId: ORG }, context },
      { identity, resource: { name: "key policy", document: policy } },
      { resourceKind: "kms-key" },
    );

  it("administrators and the deploy role manage the key, and never decrypt with it directly", () => {
    for (const who of [admin, deploy]) {
      for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"]) expect(decide(who, action).decision).toBe("Allow");
      expect(decide(who, "kms:Decrypt").decision).toBe("ExplicitDeny");
      expect(decide(who, "kms:Decrypt", via("s3")).decision).toBe("ExplicitDeny");
    }
    expect(decide(admin, "kms:Decrypt", via("secretsmanager")).decision).toBe("ExplicitDeny");
  });

  it("the deploy role writes secret values through Secrets Manager and passes its key-access check, but reads none", () => {
    expect(decide(deploy, "kms:GenerateDataKey", via("secretsmanager")).decision).toBe("Allow");
    expect(decide(deploy, "kms:Decrypt", { ...via("secretsmanager"), ...KEY_VALIDATION_CONTEXT }).decision).toBe("Allow");
    expect(decide(deploy, "kms:Decrypt", { ...via("secretsmanager"), "kms:EncryptionContext:SecretVersionId": "EXAMPLE1-90ab-cdef" }).decision).toBe(
      "ExplicitDeny",
    );
  });

  it("a declared user uses the key only through its services and with its actions, whatever its IAM policies allow", () => {
    expect(decide(app, "kms:Decrypt", via("s3")).decision).toBe("Allow");
    expect(decide(app, "kms:Decrypt").decision).toBe("ExplicitDeny");
    expect(decide(app, "kms:Decrypt", via("secretsmanager")).decision).toBe("ExplicitDeny");
    expect(decide(app, "kms:Encrypt", via("s3")).decision).toBe("ExplicitDeny");
    expect(decide(app, "kms:ReEncryptFrom", via("s3")).decision).toBe("ExplicitDeny");
  });

  it("a stranger of the account with kms:* gets nothing, not even through Secrets Manager", () => {
    for (const context of [{}, via("secretsmanager"), via("s3")]) expect(decide(stranger, "kms:Decrypt", context).decision).toBe("ExplicitDeny");
    expect(decide(stranger, "kms:GenerateDataKeyWithoutPlaintext", via("secretsmanager")).decision).toBe("ExplicitDeny");
    expect(decide(stranger, "kms:CreateGrant", { "kms:GrantIsForAWSResource": "false" }).decision).toBe("ExplicitDeny");
  });

  it("a cross-account reader decrypts through Secrets Manager only", () => {
    const readerIdentity = [{ name: "reader", document: { Statement: [{ Effect: "Allow" as const, Action: "kms:Decrypt", Resource: KEY }] } }];
    expect(decide(reader, "kms:Decrypt", via("secretsmanager"), readerIdentity).decision).toBe("Allow");
    expect(decide(reader, "kms:Decrypt", via("s3"), readerIdentity).decision).not.toBe("Allow");
    expect(decide(reader, "kms:Decrypt", {}, readerIdentity).decision).not.toBe("Allow");
  });

  it("the rotation function's role reads and writes through Secrets Manager on the key policy alone", () => {
    expect(decide(rotation, "kms:GenerateDataKey", via("secretsmanager"), []).decision).toBe("Allow");
    expect(decide(rotation, "kms:Decrypt", via("secretsmanager"), []).decision).toBe("Allow");
    expect(decide(rotation, "kms:Decrypt", {}).decision).toBe("ExplicitDeny");
  });

  it("AWS services acting as themselves keep their grants: CloudWatch Logs encrypts the account's log groups", () => {
    const logs = evaluate(
      {
        principal: { service: "logs.eu-west-1.amazonaws.com" },
        action: "kms:GenerateDataKey",
        resource: { arn: KEY, orgId: ORG },
        context: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:444444444444:log-group:/app", "aws:SourceAccount": "444444444444" },
      },
      { resource: { name: "key policy", document: policy } },
      { resourceKind: "kms-key" },
    );
    expect(logs.decision).toBe("Allow");
  });

  it("names binding statements by what they bind, so adding a user renames nothing else", () => {
    const sids = policy.Statement.map((s) => s.Sid);
    expect(sids).toContain("BindServicesDecryptViaS3");
    expect(sids).toContain("BindActionsDecryptViaS3");
    const more = keyPolicy({
      accountId: "444444444444",
      users: [
        { principalArns: [app], viaServices: [viaService("s3", "eu-west-1")], actions: ["kms:Decrypt", "kms:DescribeKey"] },
        { principalArns: [role("444444444444", "zeta")], viaServices: [viaService("sqs", "eu-west-1")], actions: ["kms:Encrypt"] },
      ],
    });
    const before = keyPolicy({
      accountId: "444444444444",
      users: [{ principalArns: [app], viaServices: [viaService("s3", "eu-west-1")], actions: ["kms:Decrypt", "kms:DescribeKey"] }],
    });
    const byId = (doc: typeof policy) => Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    expect(byId(more).BindServicesDecryptViaS3).toEqual(byId(before).BindServicesDecryptViaS3);
    expect(byId(more).KeyUserApp).toEqual(byId(before).KeyUserApp);
  });
});
