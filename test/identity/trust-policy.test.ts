import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import {
  brokeredTrust,
  crossAccountTrust,
  githubOidcTrust,
  githubSubject,
  githubSubjectProblem,
  humanTrust,
  serviceTrust,
} from "../../modules/policies/trust-policy.js";

const ORG = "o-exampleorg1";

describe("serviceTrust", () => {
  it("pins services that send aws:SourceAccount to the account, and trusts the others plainly", () => {
    expect(canonicalPolicy(serviceTrust({ accountId: "555555555555", services: ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com"] })).Statement).toEqual([
      {
        Sid: "ServicesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"] },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "555555555555" } },
      },
      { Sid: "Services", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});

describe("crossAccountTrust", () => {
  it("names org roles by aws:PrincipalArn with aws:PrincipalOrgID, third parties with sts:ExternalId (theirs alone)", () => {
    const doc = canonicalPolicy(
      crossAccountTrust({
        organizationId: ORG,
        orgPrincipalArns: ["arn:aws:iam::222222222222:role/security-auditor"],
        externalPrincipalArns: ["arn:aws:iam::999999999999:role/VendorScanner"],
        externalId: "ext-1",
      }),
    );
    expect(doc.Statement).toEqual([
      {
        Sid: "OrganizationRoles",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/security-auditor" },
          StringEquals: { "aws:PrincipalOrgID": ORG },
        },
      },
      {
        Sid: "ThirdPartyRoles",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::999999999999:root" },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::999999999999:role/VendorScanner" }, StringEquals: { "sts:ExternalId": "ext-1" } },
      },
    ]);
  });

  it("refuses a third party without an external id, and wildcard principals", () => {
    expect(() => crossAccountTrust({ organizationId: ORG, orgPrincipalArns: [], externalPrincipalArns: ["arn:aws:iam::999999999999:role/x"] })).toThrow(/external id/);
    expect(() => crossAccountTrust({ organizationId: ORG, orgPrincipalArns: ["arn:aws:iam::222222222222:role/*"] })).toThrow(/wildcard/);
  });
});

describe("humanTrust", () => {
  it("requires MFA, a recent sign-in and the organization", () => {
    expect(canonicalPolicy(humanTrust({ organizationId: ORG, principalArns: ["arn:aws:iam::222222222222:role/ic"], maxMfaAgeSeconds: 900 })).Statement).toEqual([
      {
        Sid: "PeopleWithMfa",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/ic" },
          Bool: { "aws:MultiFactorAuthPresent": true },
          NumericLessThan: { "aws:MultiFactorAuthAge": 900 },
          StringEquals: { "aws:PrincipalOrgID": ORG },
        },
      },
    ]);
  });
});

describe("brokeredTrust", () => {
  it("trusts only the broker, requires a source identity, and allows only declared session tag keys", () => {
    expect(canonicalPolicy(brokeredTrust({ organizationId: ORG, brokerArn: "arn:aws:iam::222222222222:role/access-broker", sessionTagKeys: ["Ticket"] })).Statement).toEqual([
      {
        Sid: "BrokerWithSourceIdentity",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/access-broker" },
          Null: { "sts:SourceIdentity": "false" },
          StringEquals: { "aws:PrincipalOrgID": ORG },
        },
      },
      {
        Sid: "BrokerDeclaredSessionTags",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: "sts:TagSession",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/access-broker" },
          "ForAllValues:StringEquals": { "aws:TagKeys": "Ticket" },
          StringEquals: { "aws:PrincipalOrgID": ORG },
        },
      },
    ]);
  });
});

describe("githubOidcTrust", () => {
  it("pins aud and the exact sub with StringEquals", () => {
    const provider = "arn:aws:iam::555555555555:oidc-provider/token.actions.githubusercontent.com";
    expect(githubOidcTrust({ providerArn: provider, subjects: [githubSubject("o", "r", { pullRequest: true })] }).Statement).toEqual([
      {
        Sid: "GithubActions",
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": ["repo:o/r:pull_request"] } },
      },
    ]);
  });

  it("builds the three pinned subject forms", () => {
    expect(githubSubject("o", "r", { environment: "prod" })).toBe("repo:o/r:environment:prod");
    expect(githubSubject("o", "r", { branch: "main" })).toBe("repo:o/r:ref:refs/heads/main");
  });

  it.each(["*", "repo:*", "repo:org/*", "repo:org/repo:*", "repo:org/repo:ref:refs/heads/*", "repo:org/repo:environment:pro?", "repo:org/repo", "org/repo:pull_request"])(
    "refuses the subject %s",
    (subject) => {
      expect(githubSubjectProblem(subject)).toBeDefined();
      expect(() => githubOidcTrust({ providerArn: "p", subjects: ["repo:o/r:pull_request", subject] })).toThrow();
    },
  );
});
