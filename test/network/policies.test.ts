import { describe, expect, it } from "vitest";
import { inputParameters } from "../../modules/config-rules.js";
import { logsKeyPolicy } from "../../modules/log-groups.js";
import { accessDeniedPattern, MAX_PATTERN_LENGTH, unexpectedReadsPatterns } from "../../modules/monitoring.js";
import { configDeliveryPolicy, configServiceTrust } from "../../modules/policies/config-policies.js";
import { canonicalPolicy, isKnownConditionOperator, policyJson } from "../../modules/policies/document.js";
import { evaluate, type AccessRequest } from "../../modules/access/evaluate.js";
import { awsOwnedBucketObjects, endpointPolicy, FEDERATED_STS_ACTIONS } from "../../modules/policies/endpoint-policy.js";
import { alarmTopicPolicy } from "../../modules/policies/topic-policy.js";
import { standardsArn } from "../../modules/security-hub.js";

const ORG = "o-exampleorg1";

describe("endpointPolicy", () => {
  it("allows organization principals to organization resources, AWS services, and named resourceless reads; nothing else", () => {
    expect(canonicalPolicy(endpointPolicy({ organizationId: ORG, service: "kms", region: "eu-west-1" })).Statement).toEqual([
      {
        Sid: "OrganizationPrincipalsToOrganizationResources",
        Effect: "Allow",
        Principal: "*",
        Action: "*",
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG } },
      },
      {
        Sid: "AwsServicesOnBehalfOfTheOrganization",
        Effect: "Allow",
        Principal: "*",
        Action: "*",
        Resource: "*",
        Condition: { Bool: { "aws:PrincipalIsAWSService": true } },
      },
      {
        Sid: "OrganizationPrincipalsResourcelessReads",
        Effect: "Allow",
        Principal: "*",
        Action: ["kms:ListAliases", "kms:ListKeys"],
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
      },
    ]);
  });

  it("uses only known condition operators and refuses a malformed organization id", () => {
    for (const service of ["kms", "sts", "s3", "ecr.api"]) {
      for (const s of endpointPolicy({ organizationId: ORG, service, region: "eu-west-1" }).Statement) {
        for (const op of Object.keys(s.Condition ?? {})) expect(isKnownConditionOperator(op)).toBe(true);
      }
    }
    expect(() => endpointPolicy({ organizationId: "o-*", service: "kms", region: "eu-west-1" })).toThrow(/not an organization id/);
  });
});

/** What passes an endpoint: the caller's identity side allows everything, so the endpoint policy alone decides. */
describe("endpoint policies decide as AWS's data-perimeter examples do", () => {
  const OTHER_ORG = "o-otherorg999";
  const inOrg = { arn: "arn:aws:iam::555555555555:role/app", orgId: ORG };
  const outsider = { arn: "arn:aws:iam::999999999999:role/intruder", orgId: OTHER_ORG };
  const through = (service: string, principal: AccessRequest["principal"], action: string, resource: AccessRequest["resource"]) =>
    evaluate(
      { principal, action, resource },
      {
        identity: [{ name: "anything", document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
        resource: { name: "anyone", document: { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] } },
        endpoint: { name: `${service} endpoint`, document: endpointPolicy({ organizationId: ORG, service, region: "eu-west-1" }) },
      },
    );

  it("ecr.api: an organization principal gets a registry token, which names no resource; an outsider does not", () => {
    expect(through("ecr.api", inOrg, "ecr:GetAuthorizationToken", { arn: "*" }).decision).toBe("Allow");
    expect(through("ecr.api", outsider, "ecr:GetAuthorizationToken", { arn: "*" }).decision).toBe("ImplicitDeny");
    const repository = { arn: "arn:aws:ecr:eu-west-1:999999999999:repository/exfil", orgId: OTHER_ORG };
    expect(through("ecr.api", inOrg, "ecr:PutImage", repository).decision).toBe("ImplicitDeny");
  });

  it("s3 gateway: an organization principal reads ECR's image layers and AWS's package repositories, not another organization's buckets", () => {
    const layer = { arn: "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256/layer", account: "111122223333" };
    expect(through("s3", inOrg, "s3:GetObject", layer).decision).toBe("Allow");
    expect(
      through("s3", inOrg, "s3:GetObject", { arn: "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/core/mirror.list", account: "111122223333" }).decision,
    ).toBe("Allow");
    expect(through("s3", inOrg, "s3:PutObject", layer).decision).toBe("ImplicitDeny");
    expect(through("s3", outsider, "s3:GetObject", layer).decision).toBe("ImplicitDeny");
    expect(through("s3", inOrg, "s3:PutObject", { arn: "arn:aws:s3:::exfil-bucket/x", orgId: OTHER_ORG }).decision).toBe("ImplicitDeny");
    expect(awsOwnedBucketObjects("eu-central-1")).toContain("arn:aws:s3:::cloudformation-custom-resource-response-eucentral1/*");
  });

  it("sts: web-identity and SAML callers, which carry no aws:PrincipalOrgID, get the organization's roles and no other", () => {
    const role = { arn: "arn:aws:iam::555555555555:role/ci", orgId: ORG };
    const foreignRole = { arn: "arn:aws:iam::999999999999:role/ci", orgId: OTHER_ORG };
    const federated = { federated: "arn:aws:iam::555555555555:oidc-provider/token.actions.githubusercontent.com" };
    for (const action of FEDERATED_STS_ACTIONS) {
      expect(through("sts", federated, action, role).decision).toBe("Allow");
      expect(through("sts", federated, action, foreignRole).decision).toBe("ImplicitDeny");
    }
    expect(through("sts", federated, "sts:AssumeRole", role).decision).toBe("ImplicitDeny");
    expect(through("sts", outsider, "sts:AssumeRole", role).decision).toBe("ImplicitDeny");
    expect(through("sts", inOrg, "sts:AssumeRole", role).decision).toBe("Allow");
  });
});

describe("AWS Config policies", () => {
  it("trusts config.amazonaws.com only for its own account", () => {
    expect(policyJson(configServiceTrust("222222222222"))).toBe(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConfigServiceForThisAccount",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": "222222222222" } },
          },
        ],
      }),
    );
    expect(() => configServiceTrust("*")).toThrow();
  });

  it("lets the recorder write only its account's prefix of the delivery bucket", () => {
    const doc = configDeliveryPolicy({ bucket: "cfg", keyPrefix: "org/", accountId: "555555555555", kmsKeyArn: "arn:aws:kms:eu-west-1:333333333333:key/abc" });
    expect(doc.Statement).toEqual([
      {
        Sid: "DeliverConfigurationItems",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::cfg/org/AWSLogs/555555555555/Config/*",
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
      { Sid: "CheckBucketAcl", Effect: "Allow", Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::cfg" },
      { Sid: "EncryptDeliveries", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "arn:aws:kms:eu-west-1:333333333333:key/abc" },
    ]);
    expect(configDeliveryPolicy({ bucket: "cfg", accountId: "555555555555" }).Statement.map((s) => s.Resource)).toEqual([
      "arn:aws:s3:::cfg/AWSLogs/555555555555/Config/*",
      "arn:aws:s3:::cfg",
    ]);
  });

  it("serializes rule parameters as a JSON object with sorted keys", () => {
    expect(inputParameters({ b: "2", a: "1" })).toBe('{"a":"1","b":"2"}');
    expect(inputParameters({})).toBeUndefined();
  });
});

describe("logs key policy", () => {
  it("keeps the root statement and lets CloudWatch Logs of one region use the key for that account's log groups only", () => {
    const doc = canonicalPolicy(logsKeyPolicy("555555555555", "eu-west-1"));
    expect(doc.Statement[0]).toEqual({
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::555555555555:root" },
      Action: "kms:*",
      Resource: "*",
    });
    const [logs, describe] = [doc.Statement.find((s) => s.Sid === "CloudWatchLogs")!, doc.Statement.find((s) => s.Sid === "CloudWatchLogsDescribeKey")!];
    expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(logs.Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:555555555555:log-group:*" },
      StringEqualsIfExists: { "aws:SourceAccount": "555555555555" },
    });
    expect(logs.Action).not.toContain("kms:CreateGrant");
    expect(logs.Action).toContain("kms:Decrypt");
    // DescribeKey carries no encryption context: it is allowed on its own, for this region's Logs only.
    expect(logs.Action).not.toContain("kms:DescribeKey");
    expect(describe).toMatchObject({
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Action: "kms:DescribeKey",
      Condition: { StringEqualsIfExists: { "aws:SourceAccount": "555555555555" } },
    });
  });
});

describe("alarm topic policy", () => {
  it("lets only this account's CloudWatch alarms publish, over TLS", () => {
    const doc = alarmTopicPolicy({ topicArn: "arn:aws:sns:eu-west-1:111111111111:alarms", accountId: "111111111111" });
    expect(doc.Statement[0]).toEqual({
      Sid: "CloudWatchAlarmsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: "arn:aws:sns:eu-west-1:111111111111:alarms",
      Condition: {
        StringEquals: { "aws:SourceAccount": "111111111111" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:*:111111111111:alarm:*" },
      },
    });
    expect(doc.Statement[1]!.Principal).toEqual({ AWS: "arn:aws:iam::111111111111:root" });
    expect(doc.Statement[1]!.Action).not.toContain("sns:Publish");
    expect(doc.Statement[2]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } });
  });
});

describe("secret access filter patterns", () => {
  it("counts refused GetSecretValue calls", () => {
    expect(accessDeniedPattern()).toBe(
      '{ ($.eventSource = "secretsmanager.amazonaws.com") && ($.eventName = "GetSecretValue") && ($.errorCode = "AccessDenied*") }',
    );
  });

  it("counts successful reads in the account by users, root, and roles that are not declared readers", () => {
    const [pattern, ...more] = unexpectedReadsPatterns("555555555555", {
      roleArns: ["arn:aws:iam::555555555555:role/b", "arn:aws:iam::555555555555:role/a", "arn:aws:iam::555555555555:role/a"],
      tagReadSecrets: ["app/signing"],
      rotationFunctions: ["rotate-db"],
    });
    expect(more).toEqual([]);
    expect(pattern).toBe(
      '{ ($.eventSource = "secretsmanager.amazonaws.com") && ($.eventName = "GetSecretValue") && ($.recipientAccountId = "555555555555") && ($.errorCode NOT EXISTS) && ' +
        '($.requestParameters.secretId != "app/signing") && ($.requestParameters.secretId != "*:secret:app/signing-*") && ' +
        '(($.userIdentity.type = "IAMUser") || ($.userIdentity.type = "Root") || (($.userIdentity.type = "AssumedRole") && ' +
        '($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::555555555555:role/a") && ($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::555555555555:role/b") && ($.userIdentity.arn != "*/rotate-db"))) }',
    );
  });

  it("splits a pattern over CloudWatch's length limit into several instead of writing one AWS rejects", () => {
    const roles = Array.from({ length: 20 }, (_, i) => `arn:aws:iam::555555555555:role/reader-role-number-${i}`);
    const patterns = unexpectedReadsPatterns("555555555555", { roleArns: roles, tagReadSecrets: [], rotationFunctions: [] });
    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) expect(p.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
  });

  it("refuses an account whose ABAC-read secrets alone exceed the limit", () => {
    const secrets = Array.from({ length: 12 }, (_, i) => `app/secret-read-by-tag-number-${i}`);
    const roles = Array.from({ length: 20 }, (_, i) => `arn:aws:iam::555555555555:role/reader-role-number-${i}`);
    expect(() => unexpectedReadsPatterns("555555555555", { roleArns: roles, tagReadSecrets: secrets, rotationFunctions: [] })).toThrow(
      new RegExp(`over CloudWatch's ${MAX_PATTERN_LENGTH}`),
    );
  });
});

describe("Security Hub standards", () => {
  it("names the regional standards ARNs", () => {
    expect(standardsArn("fsbp", "eu-west-1")).toBe("arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0");
    expect(standardsArn("cis-3.0", "eu-central-1")).toBe("arn:aws:securityhub:eu-central-1::standards/cis-aws-foundations-benchmark/v/3.0.0");
  });
});
