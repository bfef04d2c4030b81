import type { Control } from "../../modules/controls/types.js";
import type { ComplianceCell, Snapshot } from "../../reports/snapshot.js";

/**
 * A small organization whose every score is worked out by hand in model.test.ts.
 * Account 444 carries attacker-shaped strings, as Organizations and Config allow.
 */
export const XSS = `"><script>alert(1)</script>`;
export const EVIL_NAME = `<img src=x onerror=alert(2)>`;

const cell = (
  rule: string,
  accountId: string,
  region: string,
  status: ComplianceCell["status"],
  ruleName = rule,
  extra: Partial<ComplianceCell> = {},
): ComplianceCell => ({
  rule,
  ruleName,
  accountId,
  region,
  status,
  ...extra,
});

const W = "eu-west-1";
const C = "eu-central-1";

export function currentSnapshot(): Snapshot {
  return {
    version: 1,
    collectedAt: "2026-11-20T10:00:00.000Z",
    source: { kind: "aws-cli" },
    accounts: [
      { accountId: "111111111111", name: "mgmt", ou: "/", state: "ACTIVE" },
      { accountId: "222222222222", name: "payments-prod", ou: "/Workloads/Prod", state: "ACTIVE" },
      { accountId: "333333333333", name: "payments-dev", ou: "/Workloads/Dev", state: "ACTIVE" },
      { accountId: "444444444444", name: EVIL_NAME, ou: "/Workloads", state: "ACTIVE" },
      { accountId: "555555555555", name: "sandbox", ou: "/Sandbox", state: "SUSPENDED" },
    ],
    cells: [
      cell("s3-bucket-ssl", "111111111111", W, "COMPLIANT"),
      cell("s3-bucket-ssl", "222222222222", W, "NON_COMPLIANT", "OrgConfigRule-s3-bucket-ssl-abcd1234", {
        nonCompliantResources: { count: 1, capExceeded: false },
      }),
      cell("s3-bucket-ssl", "222222222222", C, "COMPLIANT"),
      cell("s3-bucket-ssl", "333333333333", W, "INSUFFICIENT_DATA"),
      cell("s3-bucket-ssl", "444444444444", W, "NON_COMPLIANT", "s3-bucket-ssl", { nonCompliantResources: { count: 1, capExceeded: false } }),
      // Two AWS rules in one cell: the non-compliant copy wins.
      cell("s3-bucket-ssl", "333333333333", C, "COMPLIANT", "OrgConfigRule-s3-bucket-ssl-ffff0000"),
      cell("s3-bucket-ssl", "333333333333", C, "NON_COMPLIANT", "s3-bucket-ssl-conformance-pack-q1w2e3r4"),
      cell("iam-root-mfa", "111111111111", W, "COMPLIANT"),
      cell("iam-root-mfa", "222222222222", W, "COMPLIANT"),
      cell("iam-root-mfa", "333333333333", W, "NOT_APPLICABLE"),
      cell("iam-root-mfa", "444444444444", W, "NO_DATA", "iam-root-mfa", { reason: "ThrottlingException after retries" }),
      cell("ebs-encrypted", "222222222222", W, "COMPLIANT"),
      cell("ebs-encrypted", "222222222222", W, "COMPLIANT", "ebs-encrypted-conformance-pack-xyz"),
      cell("ebs-encrypted", "222222222222", C, "NON_COMPLIANT", "ebs-encrypted", { nonCompliantResources: { count: 1, capExceeded: false } }),
      cell("ebs-encrypted", "333333333333", W, "COMPLIANT"),
    ],
    resources: [
      {
        rule: "s3-bucket-ssl",
        accountId: "222222222222",
        region: W,
        resourceType: "AWS::S3::Bucket",
        resourceId: "payments-logs",
        annotation: "no aws:SecureTransport deny",
      },
      {
        rule: "s3-bucket-ssl",
        accountId: "444444444444",
        region: W,
        resourceType: "AWS::S3::Bucket",
        resourceId: XSS,
        annotation: `=HYPERLINK("http://evil.example")`,
      },
      {
        rule: "ebs-encrypted",
        accountId: "222222222222",
        region: C,
        resourceType: "AWS::EC2::Volume",
        resourceId: "vol-0123",
        annotation: 'Volume, not "encrypted"\nsecond line',
        recordedAt: "2026-11-20T09:00:00.000Z",
      },
    ],
    sources: [
      { sourceId: "111111111111", sourceType: "ACCOUNT", region: W, status: "SUCCEEDED", lastUpdate: "2026-11-20T09:30:00.000Z" },
      { sourceId: "222222222222", sourceType: "ACCOUNT", region: W, status: "SUCCEEDED", lastUpdate: "2026-11-20T08:00:00.000Z" },
      { sourceId: "444444444444", sourceType: "ACCOUNT", region: W, status: "FAILED", lastUpdate: "2026-11-18T08:00:00.000Z", errorCode: "AccessDenied" },
    ],
    securityHub: {
      controls: [
        { controlId: "IAM.1", accountId: "111111111111", status: "PASSED", title: "IAM policies should not allow full admin", severity: "HIGH" },
        { controlId: "IAM.1", accountId: "222222222222", status: "FAILED" },
        { controlId: "S3.5", accountId: "111111111111", status: "PASSED" },
        { controlId: "S3.5", accountId: "222222222222", status: "PASSED" },
        { controlId: "EC2.7", accountId: "222222222222", status: "PASSED" },
        { controlId: "EC2.7", accountId: "222222222222", status: "FAILED" },
        { controlId: "CloudTrail.1", accountId: "333333333333", status: "PASSED" },
      ],
      failedFindings: [
        { controlId: "IAM.1", accountId: "222222222222", region: W, title: "IAM.1", severity: "HIGH", resourceId: "arn:aws:iam::222222222222:policy/admin" },
        { controlId: "EC2.7", accountId: "222222222222", region: C, title: "EC2.7", severity: "MEDIUM" },
      ],
    },
    securityHubV2: {
      statistics: [
        {
          field: "cloud.account.uid",
          values: [
            { value: "444444444444", count: 3 },
            { value: "222222222222", count: 1 },
          ],
        },
        {
          field: "severity",
          values: [
            { value: "HIGH", count: 3 },
            { value: "CRITICAL", count: 1 },
          ],
        },
      ],
    },
    notReporting: [
      { region: "ap-south-1", reason: "no evaluations reported by the aggregator for this region" },
      { accountId: "111111111111", region: C, reason: "no evaluations reported by the aggregator for this account and region" },
    ],
    gaps: [
      {
        scope: "cell",
        operation: "DescribeAggregateComplianceByConfigRules",
        reason: "ThrottlingException after retries",
        accountId: "444444444444",
        region: W,
        rule: "iam-root-mfa",
      },
      {
        scope: "resources",
        operation: "GetAggregateComplianceDetailsByConfigRule",
        reason: "AccessDenied",
        accountId: "333333333333",
        region: C,
        rule: "s3-bucket-ssl",
      },
    ],
    apiCalls: 42,
  };
}

/** The week before: s3 in 222/eu-west-1 passed, root MFA failed in 222, 333/eu-central-1 had no s3 result. */
export function previousSnapshot(): Snapshot {
  const snap = currentSnapshot();
  snap.collectedAt = "2026-11-13T10:00:00.000Z";
  snap.cells = snap.cells
    .filter((c) => !(c.rule === "s3-bucket-ssl" && c.accountId === "333333333333" && c.region === C))
    .map((c) => {
      if (c.rule === "s3-bucket-ssl" && c.accountId === "222222222222" && c.region === W) return { ...c, status: "COMPLIANT" };
      if (c.rule === "iam-root-mfa" && c.accountId === "222222222222") return { ...c, status: "NON_COMPLIANT" };
      return c;
    });
  delete snap.securityHub;
  return snap;
}

function control(id: string, rule: string, title: string, severity: Control["severity"], frameworks: Control["frameworks"]): Control {
  return {
    id,
    title,
    severity,
    configRule: { name: rule, identifier: rule.toUpperCase().replace(/-/g, "_") },
    securityHubControls: [],
    frameworks,
    remediation: `Fix ${rule}.`,
    docUrl: `https://docs.aws.amazon.com/config/latest/developerguide/${rule}.html`,
    check: () => [],
  };
}

export const TEST_CONTROLS: Control[] = [
  control("S3-TLS", "s3-bucket-ssl", "S3 buckets require TLS", "CRITICAL", { "nist-800-53": ["SC-7", "SC-28"] }),
  control("EBS-ENCRYPTION", "ebs-encrypted", "EBS volumes are encrypted", "HIGH", { "nist-800-53": ["SC-28"] }),
];

export const testLookup = (rule: string): Control | undefined => TEST_CONTROLS.find((c) => c.configRule?.name === rule);

/** Declares mgmt, payments-prod, payments-dev and one account (666) that never reports. */
export const DECLARED_YAML = `
organization: { id: o-exampleorg1, name: Example }
defaults: { regions: [eu-west-1, eu-central-1] }
permissionBoundary: { name: boundary }
backend: { type: s3, bucket: example-state, region: eu-west-1 }
compliance: { config: { rules: { mode: account } } }
accounts:
  - { id: "111111111111", name: mgmt, role: management, environment: shared, ou: / }
  - { id: "222222222222", name: payments-prod, role: workload, environment: prod, ou: /Workloads/Prod }
  - { id: "333333333333", name: payments-dev, role: workload, environment: dev, ou: /Workloads/Dev }
  - { id: "666666666666", name: data-prod, role: workload, environment: prod, ou: /Workloads/Prod }
`;

/** IAM Access Analyzer findings for the fixture organization: worked out by hand in the tests (1 public, 2 outside, 1 unclassified). */
export const ACCESS_ANALYZER: NonNullable<Snapshot["accessAnalyzer"]> = {
  analyzers: [{ name: "org-baseline-external-access", region: "eu-west-1", status: "ACTIVE" }],
  regionsWithoutAnalyzer: ["us-east-1"],
  findings: [
    {
      id: "f-1",
      accountId: "222222222222",
      region: "eu-west-1",
      resourceType: "AWS::SecretsManager::Secret",
      resource: `arn:aws:secretsmanager:eu-west-1:222222222222:secret:${XSS}`,
      access: "public",
      principals: ["AWS: *"],
      actions: ["secretsmanager:GetSecretValue"],
    },
    {
      id: "f-2",
      accountId: "222222222222",
      region: "",
      resourceType: "AWS::IAM::Role",
      resource: "arn:aws:iam::222222222222:role/vendor-audit",
      access: "outside-organization",
      principals: ["AWS: 999999999999"],
      actions: ["sts:AssumeRole"],
    },
    {
      id: "f-3",
      accountId: "444444444444",
      region: "eu-west-1",
      resourceType: "AWS::KMS::Key",
      resource: "arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      access: "outside-organization",
      principals: [`AWS: ${EVIL_NAME}`],
      actions: ["kms:Decrypt"],
    },
    {
      id: "f-4",
      accountId: "444444444444",
      region: "eu-west-1",
      resourceType: "AWS::KMS::Key",
      resource: "arn:aws:kms:eu-west-1:444444444444:key/9999abcd-12ab-34cd-56ef-1234567890ab",
      access: "unclassified",
      principals: [],
      actions: [],
    },
  ],
};

/** The organization unused-access analyzer's findings for the fixture organization, worked out by hand in the tests. */
export const UNUSED_ACCESS: NonNullable<NonNullable<Snapshot["accessAnalyzer"]>["unused"]> = {
  analyzers: [{ name: "org-baseline-unused-access", region: "eu-west-1", status: "ACTIVE" }],
  findings: [
    { id: "u-2", accountId: "222222222222", resource: "arn:aws:iam::222222222222:role/ci", resourceType: "AWS::IAM::Role", findingType: "UnusedPermission" },
    {
      id: "u-3",
      accountId: "222222222222",
      resource: "arn:aws:iam::222222222222:user/deployer",
      resourceType: "AWS::IAM::User",
      findingType: "UnusedIAMUserAccessKey",
      updatedAt: "2026-11-19T00:00:00.000Z",
    },
    {
      id: "u-4",
      accountId: "222222222222",
      resource: "arn:aws:iam::222222222222:user/deployer",
      resourceType: "AWS::IAM::User",
      findingType: "UnusedIAMUserPassword",
    },
    {
      id: "u-5",
      accountId: "333333333333",
      resource: "arn:aws:iam::333333333333:user/old-admin",
      resourceType: "AWS::IAM::User",
      findingType: "UnusedIAMUserAccessKey",
    },
    { id: "u-1", accountId: "444444444444", resource: `arn:aws:iam::444444444444:role/${XSS}`, resourceType: "AWS::IAM::Role", findingType: "UnusedIAMRole" },
  ],
};
