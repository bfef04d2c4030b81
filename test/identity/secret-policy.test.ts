import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import { secretPolicy } from "../../modules/policies/secret-policy.js";

const base = { accountId: "444444444444", organizationId: "o-exampleorg1", administratorArns: ["arn:aws:iam::444444444444:role/Deploy"] };
const notService = { BoolIfExists: { "aws:PrincipalIsAWSService": false } };

describe("secretPolicy", () => {
  it("allows named readers, denies every other reader, and keeps the admin and rotation paths", () => {
    const doc = canonicalPolicy(
      secretPolicy({ ...base, readerArns: ["arn:aws:iam::555555555555:role/payments-api"], rotationRoleArns: ["arn:aws:iam::444444444444:role/rotation"] }),
    );
    expect(doc.Statement).toEqual([
      {
        Sid: "NamedReaders",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::555555555555:root" },
        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::555555555555:role/payments-api" },
          StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" },
        },
      },
      {
        Sid: "DenyReadingExceptReaders",
        Effect: "Deny",
        Principal: "*",
        Action: "secretsmanager:GetSecretValue",
        Resource: "*",
        Condition: {
          ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::444444444444:role/rotation", "arn:aws:iam::555555555555:role/payments-api"] },
          ...notService,
        },
      },
      {
        Sid: "DenyWritingExceptAdminAndRotation",
        Effect: "Deny",
        Principal: "*",
        Action: ["secretsmanager:PutSecretValue", "secretsmanager:RotateSecret", "secretsmanager:UpdateSecret", "secretsmanager:UpdateSecretVersionStage"],
        Resource: "*",
        Condition: {
          ArnNotEquals: {
            "aws:PrincipalArn": ["arn:aws:iam::444444444444:role/Deploy", "arn:aws:iam::444444444444:role/rotation", "arn:aws:iam::444444444444:root"],
          },
          ...notService,
        },
      },
      {
        Sid: "DenyPolicyChangesExceptAdmin",
        Effect: "Deny",
        Principal: "*",
        Action: ["secretsmanager:DeleteResourcePolicy", "secretsmanager:PutResourcePolicy"],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::444444444444:role/Deploy", "arn:aws:iam::444444444444:root"] }, ...notService },
      },
    ]);
  });

  it("allows ABAC readers of named accounts within the organization, and exempts their tag from the deny", () => {
    const doc = canonicalPolicy(secretPolicy({ ...base, readerArns: [], tagReaders: [{ tags: { Project: "payments" }, accountIds: ["555555555555"] }] }));
    expect(doc.Statement[0]).toEqual({
      Sid: "TagReadersProjectPayments",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::555555555555:root" },
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1", "aws:PrincipalTag/Project": "payments" } },
    });
    expect(doc.Statement[1]!.Condition).toEqual({ ...notService, StringNotEquals: { "aws:PrincipalTag/Project": "payments" } });
  });

  it("never allows PutResourcePolicy and never allows an open principal", () => {
    const doc = secretPolicy({ ...base, readerArns: ["arn:aws:iam::555555555555:role/a"], tagReaders: [{ tags: { A: "b" }, accountIds: ["555555555555"] }] });
    for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
      expect(s.Action).not.toContain("secretsmanager:PutResourcePolicy");
      expect(s.Principal).not.toBe("*");
    }
  });
});
