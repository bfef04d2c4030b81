import type { ComplianceType } from "../../../reports/snapshot.js";
import { random } from "../../support/random.mjs";
import type { GenAccessAnalyzer } from "./access-analyzer.js";

/**
 * A generated AWS organization for the loopback server, the AWS CLI exports, the demo and
 * the benchmark: OUs, accounts, Config rule results per (rule, account, region) with their
 * non-compliant resources, and Security Hub findings. Deterministic for a given spec.
 * The ground truth is kept at the normalized-rule level, so `expectedScores` can compute
 * the scorecard numbers without going through any collector code.
 */

export interface OrgSpec {
  seed?: number;
  accounts: number;
  /** How many rules of the managed-rule list, or the normalized names of the rules to deploy (the demo uses the controls catalog's). */
  rules: number | string[];
  regions: string[];
  /** Security Hub controls evaluated per account (one finding per control, account and region). */
  securityHubControls?: number;
  /** Include attacker-controlled strings (account name, resource id, annotation). */
  hostile?: boolean;
  /** Put one non-compliant cell with more than 100 resources (CapExceeded, several detail pages). */
  largeCell?: boolean;
  /** Rules on account-global resources (IAM): evaluated in the home region (the first of `regions`) only. */
  globalRules?: string[];
  /** When the data is "as of" (ISO 8601); default 2026-11-20T06:00:00.000Z. */
  asOf?: string;
}

export interface GenOu {
  id: string;
  name: string;
  parentId: string;
  path: string;
}

export interface GenAccount {
  id: string;
  name: string;
  email: string;
  parentId: string;
  /** `/` for accounts under the root, else `/Workloads/Prod`... */
  ouPath: string;
  /** Omitted for some accounts: only the retiring `Status` is set then. */
  state?: "ACTIVE" | "SUSPENDED";
  status: "ACTIVE" | "SUSPENDED";
  /** Whether the account records AWS::Config::ResourceCompliance (the advanced query sees it). */
  recordsResourceCompliance: boolean;
}

export interface GenResource {
  resourceType: string;
  resourceId: string;
  annotation: string;
}

export interface GenCell {
  /** Normalized rule name. */
  rule: string;
  /** Name as deployed in this account. */
  ruleName: string;
  accountId: string;
  region: string;
  status: ComplianceType;
  /** Non-compliant resources (NON_COMPLIANT cells only). */
  resources: GenResource[];
  /** Compliant resources evaluated besides them (what the naive per-cell calls page through). */
  compliantResources: number;
  /**
   * The same rule deployed a second time (conformance pack next to an organization rule).
   * It reports COMPLIANT where this cell is NON_COMPLIANT (the worse result stands), else the same.
   */
  duplicateRuleName?: string;
}

/** An ASFF finding, as GetFindings returns it (the fields the report reads plus the required ones). */
export interface GenFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: string };
  Title: string;
  Description: string;
  Resources: Array<{ Type: string; Id: string }>;
  Compliance: { Status: "PASSED" | "FAILED" | "WARNING" | "NOT_AVAILABLE"; SecurityControlId: string };
  RecordState: "ACTIVE" | "ARCHIVED";
  Workflow: { Status: "NEW" | "NOTIFIED" | "SUPPRESSED" | "RESOLVED" };
}

export interface GeneratedOrg {
  organizationId: string;
  rootId: string;
  aggregator: string;
  /** Time the data is "as of": sources updated shortly before it. */
  asOf: string;
  ous: GenOu[];
  accounts: GenAccount[];
  /** Normalized rule names, in deployment order. */
  rules: string[];
  regions: string[];
  cells: GenCell[];
  findings: GenFinding[];
  /** IAM Access Analyzer's analyzers and findings (access-analyzer.ts), when a test or the demo adds them. */
  accessAnalyzer?: GenAccessAnalyzer;
}

const MANAGED_RULES = [
  "s3-bucket-public-read-prohibited",
  "s3-bucket-ssl-requests-only",
  "s3-bucket-server-side-encryption-enabled",
  "cloudtrail-enabled",
  "multi-region-cloudtrail-enabled",
  "iam-root-access-key-check",
  "root-account-mfa-enabled",
  "iam-password-policy",
  "encrypted-volumes",
  "restricted-ssh",
  "vpc-flow-logs-enabled",
  "rds-storage-encrypted",
  "guardduty-enabled-centralized",
  "kms-cmk-not-scheduled-for-deletion",
  "ec2-imdsv2-check",
  "secretsmanager-rotation-enabled-check",
  "lambda-function-public-access-prohibited",
  "dynamodb-table-encrypted-kms",
  "cloudwatch-log-group-encrypted",
  "ebs-snapshot-public-restorable-check",
  "rds-instance-public-access-check",
  "iam-user-mfa-enabled",
  "access-keys-rotated",
  "vpc-default-security-group-closed",
  "ec2-instance-no-public-ip",
  "sns-encrypted-kms",
  "sqs-queue-encrypted",
  "ecr-private-image-scanning-enabled",
  "eks-secrets-encrypted",
  "elb-tls-https-listeners-only",
];

const RESOURCE_TYPE_OF: Record<string, string> = {
  s3: "AWS::S3::Bucket",
  cloudtrail: "AWS::CloudTrail::Trail",
  iam: "AWS::IAM::User",
  encrypted: "AWS::EC2::Volume",
  restricted: "AWS::EC2::SecurityGroup",
  vpc: "AWS::EC2::VPC",
  rds: "AWS::RDS::DBInstance",
  kms: "AWS::KMS::Key",
  ec2: "AWS::EC2::Instance",
  secretsmanager: "AWS::SecretsManager::Secret",
  lambda: "AWS::Lambda::Function",
  dynamodb: "AWS::DynamoDB::Table",
  cloudwatch: "AWS::Logs::LogGroup",
  ebs: "AWS::EC2::Snapshot",
  sns: "AWS::SNS::Topic",
  sqs: "AWS::SQS::Queue",
  ecr: "AWS::ECR::Repository",
  eks: "AWS::EKS::Cluster",
  elb: "AWS::ElasticLoadBalancingV2::LoadBalancer",
  cmk: "AWS::KMS::Key",
  cw: "AWS::Logs::LogGroup",
  service: "AWS::EC2::VPC",
  securityhub: "AWS::::Account",
};

/** Rules whose resource type their first word does not tell. */
const RULE_RESOURCE_TYPE: Record<string, string> = {
  "iam-policy-no-statements-with-admin-access": "AWS::IAM::Policy",
  "iam-policy-no-statements-with-full-access": "AWS::IAM::Policy",
};

const SECURITY_HUB_CONTROLS: Array<{ id: string; title: string; severity: string; resourceType: string }> = [
  { id: "S3.1", title: "S3 general purpose buckets should have block public access settings enabled", severity: "MEDIUM", resourceType: "AwsAccount" },
  { id: "S3.5", title: "S3 general purpose buckets should require requests to use SSL", severity: "MEDIUM", resourceType: "AwsS3Bucket" },
  { id: "IAM.4", title: "IAM root user access key should not exist", severity: "CRITICAL", resourceType: "AwsAccount" },
  { id: "IAM.6", title: "Hardware MFA should be enabled for the root user", severity: "CRITICAL", resourceType: "AwsAccount" },
  {
    id: "CloudTrail.1",
    title: "CloudTrail should be enabled and configured with at least one multi-Region trail",
    severity: "HIGH",
    resourceType: "AwsAccount",
  },
  { id: "EC2.2", title: "VPC default security groups should not allow inbound or outbound traffic", severity: "HIGH", resourceType: "AwsEc2SecurityGroup" },
  { id: "EC2.7", title: "EBS default encryption should be enabled", severity: "MEDIUM", resourceType: "AwsAccount" },
  { id: "KMS.4", title: "AWS KMS key rotation should be enabled", severity: "MEDIUM", resourceType: "AwsKmsKey" },
  { id: "GuardDuty.1", title: "GuardDuty should be enabled", severity: "HIGH", resourceType: "AwsAccount" },
  {
    id: "Config.1",
    title: "AWS Config should be enabled and use the service-linked role for resource recording",
    severity: "MEDIUM",
    resourceType: "AwsAccount",
  },
  {
    id: "SecretsManager.1",
    title: "Secrets Manager secrets should have automatic rotation enabled",
    severity: "MEDIUM",
    resourceType: "AwsSecretsManagerSecret",
  },
  { id: "RDS.3", title: "RDS DB instances should have encryption at-rest enabled", severity: "MEDIUM", resourceType: "AwsRdsDbInstance" },
];

const NAMED_ACCOUNTS: Array<[string, string]> = [
  ["log-archive", "Security"],
  ["security-tooling", "Security"],
  ["payments-prod", "Prod"],
  ["payments-dev", "NonProd"],
  ["legacy-billing", "Suspended"],
  ["data-platform-prod", "Prod"],
  ["research-sandbox", "Sandbox"],
  ["network-hub", "Infrastructure"],
  ["identity-prod", "Prod"],
  ["checkout-prod", "Prod"],
  ["checkout-dev", "NonProd"],
];

const CONTROL_FAILURE_RATES = [0.3, 0, 0.1, 0, 0.05, 0.2, 0, 0.02, 0, 0.15, 0, 0.08];

export const HOSTILE_RESOURCE_ID = `"><script>alert(1)</script>`;
export const HOSTILE_ACCOUNT_NAME = `<img src=x onerror=alert(1)>`;
const HOSTILE_ANNOTATION = `Bucket policy allows "*" & <b>anyone</b>`;

/** Names for resources that AWS identifies by name or ARN. */
const SECRET_NAMES = ["payments/db-credentials", "checkout/stripe-api-key", "data/warehouse-password", "identity/scim-token", "platform/github-app-key"];
const LOG_GROUP_NAMES = [
  "/aws/lambda/payments-webhook",
  "/aws/ecs/checkout-api",
  "/aws/rds/instance/orders/postgresql",
  "/aws/vpc/flow-logs",
  "/platform/audit",
];

/** Deterministic hex digits from a serial (FNV-1a rounds), so ids vary without consuming the random stream. */
function hexOf(serial: number, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const byte of [serial & 0xff, (serial >>> 8) & 0xff, (serial >>> 16) & 0xff, round]) h = Math.imul(h ^ byte, 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

/** A resource id in the form AWS Config reports for the type. */
export function resourceIdFor(type: string, rule: string, accountId: string, region: string, serial: number): string {
  const hex = (n: number) => hexOf(serial, n);
  switch (type) {
    case "AWS::KMS::Key":
      return `${hex(8)}-${hex(12).slice(8)}-4${hex(15).slice(12)}-8${hex(18).slice(15)}-${hex(30).slice(18)}`;
    case "AWS::IAM::Policy":
      return `ANPA${hex(17).toUpperCase()}`;
    case "AWS::IAM::User":
      return `AIDA${hex(17).toUpperCase()}`;
    case "AWS::SecretsManager::Secret":
      return `arn:aws:secretsmanager:${region}:${accountId}:secret:${SECRET_NAMES[serial % SECRET_NAMES.length]}-${hex(6)}`;
    case "AWS::Logs::LogGroup":
      return `${LOG_GROUP_NAMES[serial % LOG_GROUP_NAMES.length]}-${hex(4)}`;
    case "AWS::EC2::VPC":
      return `vpc-0${hex(16)}`;
    case "AWS::EC2::Volume":
      return `vol-0${hex(16)}`;
    case "AWS::EC2::SecurityGroup":
      return `sg-0${hex(16)}`;
    case "AWS::EC2::Instance":
      return `i-0${hex(16)}`;
    case "AWS::EC2::Snapshot":
      return `snap-0${hex(16)}`;
    case "AWS::::Account":
      return accountId;
    default:
      return `${rule.split("-")[0]}-${region}-${serial.toString(36)}`;
  }
}

/** What the managed rule says about a non-compliant resource. */
const ANNOTATIONS: Record<string, string> = {
  "secretsmanager-rotation-enabled-check": "Automatic rotation is not enabled for this secret.",
  "secretsmanager-scheduled-rotation-success-check": "The last scheduled rotation did not complete.",
  "secretsmanager-secret-periodic-rotation": "The secret has not been rotated in the last 90 days.",
  "secretsmanager-secret-unused": "The secret has not been accessed in the last 90 days.",
  "secretsmanager-using-cmk": "The secret is encrypted with the AWS managed key aws/secretsmanager.",
  "cmk-backing-key-rotation-enabled": "Automatic key rotation is not enabled.",
  "kms-cmk-not-scheduled-for-deletion": "The key is pending deletion.",
  "iam-policy-no-statements-with-admin-access": 'The policy allows "Action": "*" on "Resource": "*".',
  "iam-policy-no-statements-with-full-access": "The policy allows all actions of a service (service:*).",
  "cw-loggroup-retention-period-check": "The log group keeps events for less than 90 days.",
  "cloudwatch-log-group-encrypted": "The log group is not encrypted with a KMS key.",
  "securityhub-enabled": "Security Hub is not enabled in this Region.",
};

export function annotationFor(rule: string): string {
  const endpoint = /^service-vpc-endpoint-enabled-(.+)$/.exec(rule);
  if (endpoint) return `The VPC has no interface endpoint for ${endpoint[1]}.`;
  return ANNOTATIONS[rule] ?? `${rule} evaluated NON_COMPLIANT`;
}

function suffix(rand: () => number, length: number): string {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += chars[Math.floor(rand() * chars.length)];
  return out;
}

export function ruleList(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i < MANAGED_RULES.length ? MANAGED_RULES[i]! : `custom-baseline-check-${i + 1}`));
}

export function resourceTypeFor(rule: string): string {
  return RULE_RESOURCE_TYPE[rule] ?? RESOURCE_TYPE_OF[rule.split("-")[0]!] ?? "AWS::CloudFormation::Stack";
}

export function generateOrg(spec: OrgSpec): GeneratedOrg {
  const rand = random(spec.seed ?? 1);
  const rootId = "r-" + suffix(rand, 4);
  const ous: GenOu[] = [];
  const addOu = (name: string, parentId: string, parentPath: string): GenOu => {
    const ou = { id: `ou-${rootId.slice(2)}-${suffix(rand, 8)}`, name, parentId, path: `${parentPath}/${name}` };
    ous.push(ou);
    return ou;
  };
  const security = addOu("Security", rootId, "");
  const infrastructure = addOu("Infrastructure", rootId, "");
  const workloads = addOu("Workloads", rootId, "");
  const prod = addOu("Prod", workloads.id, workloads.path);
  const nonProd = addOu("NonProd", workloads.id, workloads.path);
  const sandbox = addOu("Sandbox", rootId, "");
  const suspended = addOu("Suspended", rootId, "");
  // Weighted placement: most accounts are workloads.
  const placement = [security, infrastructure, prod, prod, prod, nonProd, nonProd, nonProd, sandbox, sandbox];

  const accounts: GenAccount[] = [];
  // Small organizations (the demo) get names and places a reader recognizes; large ones are numbered.
  const named = spec.accounts <= NAMED_ACCOUNTS.length + 1;
  const ouByName = new Map(ous.map((ou) => [ou.name, ou]));
  for (let i = 0; i < spec.accounts; i++) {
    const id = String(100000000000 + i * 1013 + 7);
    let parent: GenOu | undefined;
    let name: string;
    if (i === 0) {
      parent = undefined; // the management account sits under the root
      name = "management";
    } else if (named) {
      const [accountName, ouName] = NAMED_ACCOUNTS[i - 1]!;
      parent = ouByName.get(ouName)!;
      name = accountName;
    } else {
      parent = i % 97 === 5 ? suspended : placement[Math.floor(rand() * placement.length)]!;
      name = `${parent.name.toLowerCase()}-${String(i).padStart(4, "0")}`;
    }
    if (spec.hostile && i === 3) name = HOSTILE_ACCOUNT_NAME;
    const isSuspended = parent === suspended;
    const status = isSuspended ? "SUSPENDED" : "ACTIVE";
    const account: GenAccount = {
      id,
      name,
      email: `aws+${name.replace(/[^a-z0-9-]/g, "")}-${i}@example.com`,
      parentId: parent ? parent.id : rootId,
      ouPath: parent ? parent.path : "/",
      status,
      recordsResourceCompliance: i % 20 !== 2,
    };
    if (i % 7 !== 4) account.state = status;
    accounts.push(account);
  }

  const rules = typeof spec.rules === "number" ? ruleList(spec.rules) : [...spec.rules];
  const globalRules = new Set(spec.globalRules ?? []);
  const homeRegion = spec.regions[0];
  const orgRuleSuffix = new Map(rules.map((r) => [r, suffix(rand, 8)]));
  const packId = new Map(accounts.map((a) => [a.id, suffix(rand, 9)]));
  const deployedName = (rule: string, index: number, accountId: string): string => {
    if (index % 3 === 0) return `OrgConfigRule-${rule}-${orgRuleSuffix.get(rule)}`;
    if (index % 3 === 2) return `${rule}-conformance-pack-${packId.get(accountId)}`;
    return rule;
  };

  const cells: GenCell[] = [];
  let resourceSerial = 0;
  let hostilePlaced = !spec.hostile;
  let largePlaced = !spec.largeCell;
  for (const account of accounts) {
    if (account.status !== "ACTIVE") continue;
    // Some accounts are well kept, some are not: the non-compliance rate varies per account.
    const quality = rand();
    const nonCompliantRate = 0.03 + 0.3 * quality * quality;
    const duplicated = rules.findIndex((_, i) => i % 3 === 0 && (Number(account.id.slice(-3)) + i) % 11 === 0);
    for (const region of spec.regions) {
      rules.forEach((rule, index) => {
        if (globalRules.has(rule) && region !== homeRegion) return;
        // A few rules have no results in an account and region: AWS omits those rows. Never all of them.
        if (index > 0 && rand() < 0.03) return;
        const roll = rand();
        const status: ComplianceType =
          roll < 0.08 ? "NOT_APPLICABLE" : roll < 0.13 ? "INSUFFICIENT_DATA" : roll < 0.13 + nonCompliantRate ? "NON_COMPLIANT" : "COMPLIANT";
        const cell: GenCell = {
          rule,
          ruleName: deployedName(rule, index, account.id),
          accountId: account.id,
          region,
          status,
          resources: [],
          compliantResources: status === "NOT_APPLICABLE" || status === "INSUFFICIENT_DATA" ? 0 : 1 + Math.floor(rand() * 4),
        };
        if (status === "NON_COMPLIANT") {
          let count = 1 + Math.floor(rand() * 3);
          if (!largePlaced && account.recordsResourceCompliance === false) {
            count = 130;
            largePlaced = true;
          }
          const type = resourceTypeFor(rule);
          for (let k = 0; k < count; k++) {
            resourceSerial++;
            let resourceId = resourceIdFor(type, rule, account.id, region, resourceSerial);
            let annotation = annotationFor(rule);
            if (!hostilePlaced) {
              resourceId = HOSTILE_RESOURCE_ID;
              annotation = HOSTILE_ANNOTATION;
              hostilePlaced = true;
            }
            cell.resources.push({ resourceType: type, resourceId, annotation });
          }
        }
        if (index === duplicated) cell.duplicateRuleName = `${rule}-conformance-pack-${packId.get(account.id)}`;
        cells.push(cell);
      });
    }
  }

  const asOf = spec.asOf ?? "2026-11-20T06:00:00.000Z";
  const findingsUpdated = new Date(Date.parse(asOf) - 3_600_000).toISOString();
  const findings: GenFinding[] = [];
  const controls = SECURITY_HUB_CONTROLS.slice(0, spec.securityHubControls ?? 8);
  let findingSerial = 0;
  for (const account of accounts) {
    if (account.status !== "ACTIVE") continue;
    for (const region of spec.regions) {
      for (const control of controls) {
        const roll = rand();
        findingSerial++;
        const base = {
          SchemaVersion: "2018-10-08",
          Id: `arn:aws:securityhub:${region}:${account.id}:security-control/${control.id}/finding/${findingSerial.toString(16).padStart(8, "0")}`,
          ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
          GeneratorId: `security-control/${control.id}`,
          AwsAccountId: account.id,
          Region: region,
          Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
          CreatedAt: "2026-10-01T00:00:00.000Z",
          UpdatedAt: findingsUpdated,
          Severity: { Label: control.severity },
          Title: control.title,
          Description: control.title,
          Resources: [{ Type: control.resourceType, Id: `arn:aws:${control.resourceType.toLowerCase()}:${region}:${account.id}:${control.id.toLowerCase()}` }],
        };
        // Some controls fail often, some never; plus results the score must ignore.
        const failRate = CONTROL_FAILURE_RATES[controls.indexOf(control) % CONTROL_FAILURE_RATES.length]!;
        const status = roll < 0.04 ? "WARNING" : roll < 0.07 ? "NOT_AVAILABLE" : roll < 0.07 + failRate ? "FAILED" : "PASSED";
        const noise = rand();
        findings.push({
          ...base,
          Compliance: { Status: status, SecurityControlId: control.id },
          RecordState: noise < 0.04 ? "ARCHIVED" : "ACTIVE",
          Workflow: { Status: noise > 0.95 ? "SUPPRESSED" : "NEW" },
        });
      }
    }
  }

  return {
    organizationId: "o-" + suffix(rand, 10),
    rootId,
    aggregator: "org-baseline-aggregator",
    asOf,
    ous,
    accounts,
    rules,
    regions: [...spec.regions],
    cells,
    findings,
  };
}

export interface ExpectedCounts {
  compliant: number;
  nonCompliant: number;
  noData: number;
  score: number | null;
}

export interface ExpectedScores {
  overall: ExpectedCounts;
  byAccount: Map<string, ExpectedCounts>;
  byRule: Map<string, ExpectedCounts>;
  byRegion: Map<string, ExpectedCounts>;
  byOu: Map<string, ExpectedCounts>;
}

/**
 * Reference Config scores straight from the ground truth: 100 x COMPLIANT / (COMPLIANT +
 * NON_COMPLIANT) cells, one decimal. Cells of `unreadable` accounts and regions count as
 * no data (the collector could not read them).
 */
export function expectedScores(org: GeneratedOrg, unreadable: { accounts?: string[]; regions?: string[] } = {}): ExpectedScores {
  const skipAccounts = new Set(unreadable.accounts ?? []);
  const skipRegions = new Set(unreadable.regions ?? []);
  const ouOf = new Map(org.accounts.map((a) => [a.id, a.ouPath]));
  const result: ExpectedScores = { overall: empty(), byAccount: new Map(), byRule: new Map(), byRegion: new Map(), byOu: new Map() };
  const bump = (map: Map<string, ExpectedCounts>, key: string, field: keyof Omit<ExpectedCounts, "score">) => {
    if (!map.has(key)) map.set(key, empty());
    map.get(key)![field]++;
  };
  for (const cell of org.cells) {
    const unread = skipAccounts.has(cell.accountId) || skipRegions.has(cell.region);
    const field = unread ? "noData" : cell.status === "COMPLIANT" ? "compliant" : cell.status === "NON_COMPLIANT" ? "nonCompliant" : "noData";
    result.overall[field]++;
    bump(result.byAccount, cell.accountId, field);
    bump(result.byRule, cell.rule, field);
    bump(result.byRegion, cell.region, field);
    bump(result.byOu, ouOf.get(cell.accountId)!, field);
  }
  for (const counts of [result.overall, ...[result.byAccount, result.byRule, result.byRegion, result.byOu].flatMap((m) => [...m.values()])]) {
    const counted = counts.compliant + counts.nonCompliant;
    counts.score = counted === 0 ? null : Math.round((1000 * counts.compliant) / counted) / 10;
  }
  return result;
}

function empty(): ExpectedCounts {
  return { compliant: 0, nonCompliant: 0, noData: 0, score: null };
}

/** Reference Security Hub result: per (control, account) status and passed / controls-with-data. */
export function expectedSecurityHub(org: GeneratedOrg): { controls: Map<string, "PASSED" | "FAILED">; score: number | null } {
  const controls = new Map<string, "PASSED" | "FAILED">();
  for (const f of org.findings) {
    if (f.RecordState !== "ACTIVE" || f.Workflow.Status === "SUPPRESSED") continue;
    if (f.Compliance.Status !== "PASSED" && f.Compliance.Status !== "FAILED") continue;
    const key = `${f.Compliance.SecurityControlId}|${f.AwsAccountId}`;
    if (f.Compliance.Status === "FAILED") controls.set(key, "FAILED");
    else if (!controls.has(key)) controls.set(key, "PASSED");
  }
  const passed = [...controls.values()].filter((s) => s === "PASSED").length;
  return { controls, score: controls.size === 0 ? null : Math.round((1000 * passed) / controls.size) / 10 };
}
