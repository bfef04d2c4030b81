import { describe, expect, it } from "vitest";
import { canonicalPolicy } from "../../modules/policies/document.js";
import {
  brokeredTrust,
  crossAccountTrust,
  githubOidcTrust,
  githubRoleSubjects,
  githubSubjects,
  humanTrust,
  serviceTrust,
} from "../../modules/policies/trust-policy.js";
import { findings, GITHUB_SUBJECT } from "../../modules/policies/must-never.js";

const githubSubjectProblem = (subject: string): string | undefined => findings(GITHUB_SUBJECT, subject)[0];

const ORG = "o-exampleorg1";

describe("serviceTrust", () => {
  it("pins services that send aws:SourceAccount to the account, and trusts the others plainly", () => {
    expect(
      canonicalPolicy(serviceTrust({ accountId: "555555555555", services: ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com"] }))
        .Statement,
    ).toEqual([
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
    expect(() => crossAccountTrust({ organizationId: ORG, orgPrincipalArns: [], externalPrincipalArns: ["arn:aws:iam::999999999999:role/x"] })).toThrow(
      /external id/,
    );
    expect(() => crossAccountTrust({ organizationId: ORG, orgPrincipalArns: ["arn:aws:iam::222222222222:role/*"] })).toThrow(/wildcard/);
  });
});

describe("humanTrust", () => {
  it("requires MFA, a recent sign-in and the organization", () => {
    expect(canonicalPolicy(humanTrust({ organizationId: ORG, principalArns: ["arn:aws:iam::222222222222:role/ic"], maxMfaAgeSeconds: 900 })).Statement).toEqual(
      [
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
      ],
    );
  });
});

describe("brokeredTrust", () => {
  it("trusts only the broker, requires a source identity, and allows only declared session tag keys", () => {
    expect(
      canonicalPolicy(brokeredTrust({ organizationId: ORG, brokerArn: "arn:aws:iam::222222222222:role/access-broker", sessionTagKeys: ["Ticket"] })).Statement,
    ).toEqual([
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
    expect(
      githubOidcTrust({ providerArn: provider, subjects: githubSubjects({ owner: "o", repository: "r" }, "legacy", { pullRequest: true }) }).Statement,
    ).toEqual([
      {
        Sid: "GithubActions",
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": ["repo:o/r:pull_request"],
          },
        },
      },
    ]);
  });

  it("builds the three pinned subject kinds in each form, immutable first", () => {
    const repo = { owner: "o", repository: "r", ownerId: 123456, repositoryId: 456789 };
    expect(githubSubjects(repo, "legacy", { environment: "prod" })).toEqual(["repo:o/r:environment:prod"]);
    expect(githubSubjects(repo, "immutable", { branch: "main" })).toEqual(["repo:o@123456/r@456789:ref:refs/heads/main"]);
    expect(githubSubjects(repo, "both", { pullRequest: true })).toEqual(["repo:o@123456/r@456789:pull_request", "repo:o/r:pull_request"]);
    expect(() => githubSubjects({ owner: "o", repository: "r" }, "immutable", { pullRequest: true })).toThrow(/needs its owner id and repository id/);
  });

  it("renders a role's structured subjects in both forms unless narrowed, each subject once", () => {
    const spec = { repository: "o/r", ownerId: 1, repositoryId: 2, subjectFormat: "both" as const };
    expect(
      githubRoleSubjects([{ ...spec, environment: "prod" }, "repo:o/r:environment:prod", { ...spec, pullRequest: true, subjectFormat: "immutable" }]),
    ).toEqual(["repo:o@1/r@2:environment:prod", "repo:o/r:environment:prod", "repo:o@1/r@2:pull_request"]);
  });

  it.each(["repo:o@123456/r@456789:pull_request", "repo:o@1/r@2:environment:prod", "repo:o/r:ref:refs/heads/main", "repo:o@1/r@2:ref:refs/tags/v1.2.3"])(
    "accepts the pinned subject %s",
    (subject) => {
      expect(githubSubjectProblem(subject)).toBeUndefined();
    },
  );

  it.each([
    ["repo:o@abc/r@1:pull_request", '"o@abc" is not NAME@ID'],
    ["repo:o@1/r@-2:pull_request", '"r@-2" is not NAME@ID'],
    ["repo:o@1/r:pull_request", '"r" is not NAME@ID'],
    ["repo:o/r@1:pull_request", '"o" is not NAME@ID'],
    ["repo:o@/r@1:pull_request", '"o@" is not NAME@ID'],
    ["repo:o@01/r@1:pull_request", '"o@01" is not NAME@ID'],
  ])("refuses the malformed id in %s", (subject, message) => {
    expect(githubSubjectProblem(subject)).toContain(message);
  });

  it.each([
    "repo:org@1/repo@*:pull_request",
    "repo:org@1/repo@2:environment:*",
    "*",
    "repo:*",
    "repo:org/*",
    "repo:org/repo:*",
    "repo:org/repo:ref:refs/heads/*",
    "repo:org/repo:environment:pro?",
    "repo:org/repo",
    "org/repo:pull_request",
  ])("refuses the subject %s", (subject) => {
    expect(githubSubjectProblem(subject)).toBeDefined();
    expect(() => githubOidcTrust({ providerArn: "p", subjects: ["repo:o/r:pull_request", subject] })).toThrow();
  });
});
