import type { GuardrailId } from "../../config/sections/guardrails.js";
import type { RequirementId } from "./frameworks.js";
import * as aa from "./access-analyzer-predicates.js";
import * as g from "./guardrail-predicates.js";
import * as p from "./predicates.js";
import * as values from "./value-predicates.js";
import { invalidTemplates } from "./templates.js";
import type { Control, ControlParameters } from "./types.js";

const CONFIG_DOCS = "https://docs.aws.amazon.com/config/latest/developerguide";

function days(parameters: ControlParameters, name: string): number {
  const value = Number(parameters[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`parameter ${name} must be a whole number of days (got ${JSON.stringify(parameters[name])})`);
  return value;
}

/** Interface endpoints the catalog expects in every VPC that has endpoints, with their Security Hub controls. */
const ENDPOINT_CONTROLS: Array<{ service: string; title: string; securityHub: string[] }> = [
  { service: "secretsmanager", title: "Secrets Manager", securityHub: [] },
  { service: "kms", title: "KMS", securityHub: [] },
  { service: "sts", title: "STS", securityHub: [] },
  { service: "logs", title: "CloudWatch Logs", securityHub: [] },
  { service: "ssm", title: "Systems Manager", securityHub: ["EC2.57"] },
];

function endpointControl(e: (typeof ENDPOINT_CONTROLS)[number]): Control {
  return {
    id: `VPC-ENDPOINT-${e.service.toUpperCase().replace(/[^A-Z0-9]/g, "-")}`,
    title: `VPCs use an interface endpoint for ${e.title}`,
    severity: "MEDIUM",
    configRule: {
      name: `service-vpc-endpoint-enabled-${e.service.replace(/\./g, "-")}`,
      identifier: "SERVICE_VPC_ENDPOINT_ENABLED",
      parameters: { serviceName: e.service },
      periodic: true,
    },
    securityHubControls: e.securityHub,
    frameworks: { "nist-800-53": ["SC-7"] },
    remediation: `Add ${e.service} to the VPC's \`endpoints[].services\` in the account's config, so its traffic stays on the AWS network under the data-perimeter policy.`,
    docUrl: `${CONFIG_DOCS}/service-vpc-endpoint-enabled.html`,
    check: (stack) => p.vpcHasEndpointFor(stack, e.service),
  };
}

const SCP_DOCS = "https://docs.aws.amazon.com/organizations/latest/userguide";

/** Guardrails (issue 11): each is a preventive control whose preflight checks it is generated and attached where declared. */
const GUARDRAIL_CONTROLS: Array<{
  id: GuardrailId;
  nist: Array<RequirementId<"nist-800-53">>;
  title: string;
  severity: Control["severity"];
  doc: string;
  why: string;
}> = [
  {
    id: "noStandingCredentials",
    nist: ["AC-2", "IA-5"],
    title: "Member accounts cannot create IAM users, access keys or passwords",
    severity: "HIGH",
    doc: `${SCP_DOCS}/orgs_manage_policies_scps.html`,
    why: "standing credentials are what the baseline exists to remove",
  },
  {
    id: "protectBaseline",
    nist: ["AC-3", "AU-9", "CM-5"],
    title: "Only the deploy and apply roles change what the baseline manages",
    severity: "CRITICAL",
    doc: `${SCP_DOCS}/orgs_manage_policies_scps_examples.html`,
    why: "a member account must not switch off its own roles, keys, Config or Security Hub",
  },
  {
    id: "denyLeaveOrganization",
    nist: ["AC-3"],
    title: "Member accounts cannot leave the organization",
    severity: "HIGH",
    doc: `${SCP_DOCS}/orgs_manage_policies_scps_examples_general.html`,
    why: "an account that leaves takes its data outside every guardrail",
  },
  {
    id: "denyRootUser",
    nist: ["AC-6"],
    title: "The root user of member accounts can do nothing",
    severity: "HIGH",
    doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
    why: "root cannot be limited by IAM; centralized root access replaces it",
  },
  {
    id: "regionDeny",
    nist: ["AC-3", "CM-7"],
    title: "Requests outside the allowed regions are denied",
    severity: "MEDIUM",
    doc: `${SCP_DOCS}/orgs_manage_policies_scps_examples_general.html`,
    why: "resources in unwatched regions escape Config and Security Hub",
  },
  {
    id: "resourcePerimeter",
    nist: ["AC-3", "AC-4", "SC-7"],
    title: "Only organization principals reach the organization's resources",
    severity: "CRITICAL",
    doc: `${SCP_DOCS}/orgs_manage_policies_rcps.html`,
    why: "one loosened resource policy must not expose a secret or key to an outsider",
  },
  {
    id: "confusedDeputy",
    nist: ["AC-3", "AC-4"],
    title: "AWS services reach resources only on behalf of the organization",
    severity: "HIGH",
    doc: `${SCP_DOCS}/orgs_manage_policies_rcps_examples.html`,
    why: "a service acting for another organization is a confused deputy",
  },
  {
    id: "secureTransport",
    nist: ["SC-8"],
    title: "Requests to the organization's resources use TLS",
    severity: "MEDIUM",
    doc: `${SCP_DOCS}/orgs_manage_policies_rcps_examples.html`,
    why: "credentials and data must not travel in clear text",
  },
  {
    id: "trustedIdentityProviders",
    nist: ["AC-3", "IA-8"],
    title: "Web-identity federation only from declared issuers and GitHub owners",
    severity: "HIGH",
    doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
    why: "GitHub's issuer serves every GitHub customer",
  },
];

function guardrailControl(c: (typeof GUARDRAIL_CONTROLS)[number]): Control {
  return {
    id: `GUARDRAIL-${c.id.replace(/[A-Z]/g, (l) => `-${l}`).toUpperCase()}`,
    title: c.title,
    severity: c.severity,
    securityHubControls: [],
    remediation: `Keep guardrails.${c.id} enabled (${c.why}), apply the management account's stack first, and enable the policy type on the organization root.`,
    docUrl: c.doc,
    frameworks: { "nist-800-53": c.nist },
    check: (stack) => g.guardrailAttached(stack, c.id),
  };
}

/** Every control of the baseline. Adding a control is one entry here. */
export const controls: Control[] = [
  {
    id: "SECRETS-ROTATION",
    title: "Secrets Manager secrets have automatic rotation enabled",
    severity: "MEDIUM",
    configRule: {
      name: "secretsmanager-rotation-enabled-check",
      identifier: "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
      resourceTypes: ["AWS::SecretsManager::Secret"],
    },
    securityHubControls: ["SecretsManager.1"],
    frameworks: { "nist-800-53": ["IA-5(1)"] },
    remediation: "Give the secret a `rotation` in config (a rotation Lambda ARN or an AWS rotation template) with `automaticallyAfterDays` or a schedule.",
    docUrl: `${CONFIG_DOCS}/secretsmanager-rotation-enabled-check.html`,
    check: (stack) => p.secretsRotationEnabled(stack),
  },
  {
    id: "SECRETS-ROTATION-SUCCESS",
    title: "Secrets Manager secrets rotate successfully on schedule",
    severity: "MEDIUM",
    configRule: {
      name: "secretsmanager-scheduled-rotation-success-check",
      identifier: "SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK",
      resourceTypes: ["AWS::SecretsManager::Secret"],
    },
    securityHubControls: ["SecretsManager.2"],
    frameworks: { "nist-800-53": ["IA-5(1)"] },
    remediation:
      "Check the rotation Lambda's logs; it needs network access to Secrets Manager (an endpoint), the secret's key, and a Lambda permission for secretsmanager.amazonaws.com.",
    docUrl: `${CONFIG_DOCS}/secretsmanager-scheduled-rotation-success-check.html`,
    check: (stack) => p.secretsRotationSucceeds(stack),
  },
  {
    id: "SECRETS-PERIODIC-ROTATION",
    title: "Secrets Manager secrets are rotated within 90 days",
    severity: "MEDIUM",
    configRule: {
      name: "secretsmanager-secret-periodic-rotation",
      identifier: "SECRETSMANAGER_SECRET_PERIODIC_ROTATION",
      parameters: { maxDaysSinceRotation: "90" },
      resourceTypes: ["AWS::SecretsManager::Secret"],
    },
    securityHubControls: ["SecretsManager.4"],
    frameworks: { "nist-800-53": ["IA-5(1)"] },
    remediation: "Shorten the secret's rotation interval to at most `maxDaysSinceRotation` days, and make sure rotation succeeds.",
    docUrl: `${CONFIG_DOCS}/secretsmanager-secret-periodic-rotation.html`,
    check: (stack, parameters) => p.secretsPeriodicRotation(stack, days(parameters, "maxDaysSinceRotation")),
  },
  {
    id: "SECRETS-UNUSED",
    title: "Unused Secrets Manager secrets are removed",
    severity: "MEDIUM",
    configRule: {
      name: "secretsmanager-secret-unused",
      identifier: "SECRETSMANAGER_SECRET_UNUSED",
      parameters: { unusedForDays: "90" },
      resourceTypes: ["AWS::SecretsManager::Secret"],
    },
    securityHubControls: ["SecretsManager.3"],
    frameworks: { "nist-800-53": ["AC-2(3)"] },
    remediation: "Declare the secret's readers, or remove a secret nobody has read for `unusedForDays` days (it stays recoverable for its recovery window).",
    docUrl: `${CONFIG_DOCS}/secretsmanager-secret-unused.html`,
    check: (stack) => p.secretsHaveReaders(stack),
  },
  {
    id: "SECRETS-CMK",
    title: "Secrets Manager secrets are encrypted with a customer-managed key",
    severity: "MEDIUM",
    configRule: {
      name: "secretsmanager-using-cmk",
      identifier: "SECRETSMANAGER_USING_CMK",
      resourceTypes: ["AWS::SecretsManager::Secret"],
    },
    securityHubControls: [],
    frameworks: { "nist-800-53": ["SC-12", "SC-28"] },
    remediation: "Set the secret's `key` to a customer-managed key of the account; the AWS-managed key cannot be scoped or shared across accounts.",
    docUrl: `${CONFIG_DOCS}/secretsmanager-using-cmk.html`,
    check: (stack) => p.secretsUseCmk(stack),
  },
  {
    id: "VALUES-WRITE-ONLY",
    title: "Secret and SecureString values reach AWS only through write-only arguments",
    severity: "HIGH",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["IA-5", "SC-28"] },
    remediation:
      "Give the secret or SecureString an `initialValue` (generate or fromVariable) instead of a value: Terraform >= 1.11 then writes it through secret_string_wo / value_wo from an ephemeral source, and neither the plan nor the state keeps it.",
    docUrl: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/best-practices.html",
    check: (stack) => values.valuesWriteOnly(stack),
  },
  {
    id: "PARAMETERS-SECURESTRING-CMK",
    title: "Parameter Store SecureString parameters are encrypted with a customer-managed key",
    severity: "MEDIUM",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["SC-12", "SC-28"] },
    remediation:
      "Set the hierarchy's `key` to a customer-managed key of the account; its key policy then names exactly the hierarchy's readers, through Parameter Store only.",
    docUrl: "https://docs.aws.amazon.com/systems-manager/latest/userguide/secure-string-parameter-kms-encryption.html",
    check: (stack) => values.secureStringsUseCmk(stack),
  },
  {
    id: "PARAMETERS-NO-PLAINTEXT-CREDENTIALS",
    title: "Parameters named like credentials are SecureStrings",
    severity: "HIGH",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["IA-5", "SC-28"] },
    remediation:
      "Make the parameter a SecureString with an `initialValue` (or a Secrets Manager secret, if it should rotate), and replace the value that was stored in clear.",
    docUrl: "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
    check: (stack) => values.noPlaintextCredentials(stack),
  },
  {
    id: "KMS-ROTATION",
    title: "Customer-managed symmetric KMS keys have rotation enabled",
    severity: "MEDIUM",
    configRule: { name: "cmk-backing-key-rotation-enabled", identifier: "CMK_BACKING_KEY_ROTATION_ENABLED", periodic: true },
    securityHubControls: ["KMS.4"],
    frameworks: { "nist-800-53": ["SC-12", "SC-28"], "cis-aws": ["3.8"] },
    remediation: "Enable automatic key rotation (`aws kms enable-key-rotation`); baseline keys always have it on.",
    docUrl: `${CONFIG_DOCS}/cmk-backing-key-rotation-enabled.html`,
    check: (stack) => p.kmsRotationEnabled(stack),
  },
  {
    id: "KMS-NO-PENDING-DELETION",
    title: "KMS keys are not scheduled for deletion unintentionally",
    severity: "CRITICAL",
    configRule: {
      name: "kms-cmk-not-scheduled-for-deletion",
      identifier: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
      resourceTypes: ["AWS::KMS::Key"],
    },
    securityHubControls: ["KMS.3"],
    frameworks: { "nist-800-53": ["SC-12", "SC-28"] },
    remediation:
      "If the deletion was not intended, cancel it (`aws kms cancel-key-deletion`) and re-enable the key: data encrypted under it is lost once it is deleted.",
    docUrl: `${CONFIG_DOCS}/kms-cmk-not-scheduled-for-deletion.html`,
    check: (stack) => p.kmsNotPendingDeletion(stack),
  },
  {
    id: "IAM-NO-ADMIN",
    title: "IAM policies do not allow full administrative privileges",
    severity: "HIGH",
    configRule: {
      name: "iam-policy-no-statements-with-admin-access",
      identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
      parameters: { excludePermissionBoundaryPolicy: "true" },
      resourceTypes: ["AWS::IAM::Policy"],
      global: true,
    },
    securityHubControls: ["IAM.1"],
    frameworks: { "nist-800-53": ["AC-6"], "cis-aws": ["1.16"] },
    remediation: 'Replace `"Action": "*"` on `"Resource": "*"` with the actions and resources the role needs.',
    docUrl: `${CONFIG_DOCS}/iam-policy-no-statements-with-admin-access.html`,
    check: (stack) => p.iamNoAdminStatements(stack),
  },
  {
    id: "IAM-NO-WILDCARD-ACTIONS",
    title: "IAM policies do not allow wildcard actions for services",
    severity: "LOW",
    configRule: {
      name: "iam-policy-no-statements-with-full-access",
      identifier: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
      parameters: { excludePermissionBoundaryPolicy: "true" },
      resourceTypes: ["AWS::IAM::Policy"],
      global: true,
    },
    securityHubControls: ["IAM.21"],
    frameworks: { "nist-800-53": ["AC-6"] },
    remediation: "List the actions the principal needs instead of `*` or `service:*` (and avoid Allow with NotAction).",
    docUrl: `${CONFIG_DOCS}/iam-policy-no-statements-with-full-access.html`,
    check: (stack) => p.iamNoWildcardActions(stack),
  },
  {
    id: "LOGS-RETENTION",
    title: "CloudWatch log groups are retained for the required period",
    severity: "MEDIUM",
    configRule: {
      name: "cw-loggroup-retention-period-check",
      identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
      parameters: { MinRetentionTime: "90" },
      periodic: true,
    },
    securityHubControls: ["CloudWatch.16"],
    frameworks: { "nist-800-53": ["AU-11"] },
    remediation: "Set the log group's retention (`logs.retentionDays` per environment, or the group's own `retentionDays`) to at least MinRetentionTime days.",
    docUrl: `${CONFIG_DOCS}/cw-loggroup-retention-period-check.html`,
    check: (stack, parameters) => p.logGroupsRetention(stack, days(parameters, "MinRetentionTime")),
  },
  {
    id: "LOGS-ENCRYPTED",
    title: "CloudWatch log groups are encrypted with a KMS key",
    severity: "MEDIUM",
    configRule: { name: "cloudwatch-log-group-encrypted", identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED", periodic: true },
    securityHubControls: [],
    frameworks: { "nist-800-53": ["AU-9", "SC-28"] },
    remediation:
      "Associate the account's logs key (`alias/org-baseline/logs`) with the log group (`aws logs associate-kms-key`); baseline log groups always use it.",
    docUrl: `${CONFIG_DOCS}/cloudwatch-log-group-encrypted.html`,
    check: (stack) => p.logGroupsEncrypted(stack),
  },
  ...ENDPOINT_CONTROLS.map(endpointControl),
  {
    id: "VPC-ENDPOINT-PERIMETER",
    title: "VPC endpoints enforce the organization data perimeter",
    severity: "HIGH",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["AC-4", "SC-7"] },
    remediation:
      "Endpoints need a policy limited to aws:PrincipalOrgID and aws:ResourceOrgID of the organization (AWS services exempt), private DNS on, and a security group admitting only 443 from named sources.",
    docUrl: "https://docs.aws.amazon.com/whitepapers/latest/building-a-data-perimeter-on-aws/perimeter-implementation.html",
    check: (stack) => p.vpcEndpointPerimeter(stack),
  },
  {
    id: "SECURITYHUB-ENABLED",
    title: "Security Hub is enabled with the configured standards",
    severity: "HIGH",
    configRule: { name: "securityhub-enabled", identifier: "SECURITYHUB_ENABLED", periodic: true },
    securityHubControls: [],
    frameworks: { "nist-800-53": ["CA-7", "SI-4"], "cis-aws": ["4.16"] },
    remediation: "Deploy the account's stack for this region: it enables Security Hub and subscribes the standards in `compliance.securityHub.standards`.",
    docUrl: `${CONFIG_DOCS}/securityhub-enabled.html`,
    check: (stack) => p.securityHubEnabled(stack),
  },
  {
    id: "CONFIG-ENABLED",
    title: "AWS Config records all resources and delivers them",
    severity: "HIGH",
    securityHubControls: ["Config.1"],
    frameworks: { "nist-800-53": ["CA-7", "CM-6", "CM-8"], "cis-aws": ["3.5"] },
    remediation:
      "Set `compliance.config.recorder` so the baseline creates the recorder and delivery channel, or list the account in `controlTowerAccounts` when Control Tower already records there.",
    docUrl: "https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html#config-1",
    check: (stack) => p.configEnabled(stack),
  },
  {
    id: "ACCESS-ANALYZER-EXTERNAL",
    title: "IAM Access Analyzer watches every region for access from outside the organization",
    severity: "HIGH",
    securityHubControls: [],
    accessAnalyzerCoverage: "external",
    frameworks: { "nist-800-53": ["AC-6", "CA-7"], "cis-aws": ["1.20"] },
    remediation:
      "Deploy the security account's stack in every region: it creates the organization external-access analyzer, once the management stack has made the security account the delegated administrator for access-analyzer.amazonaws.com.",
    docUrl: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-external.html",
    check: (stack) => aa.externalAccessAnalyzer(stack),
  },
  {
    id: "ACCESS-ANALYZER-UNUSED",
    title: "IAM Access Analyzer tracks unused roles and permissions across the organization",
    severity: "MEDIUM",
    securityHubControls: [],
    accessAnalyzerCoverage: "unused",
    frameworks: { "nist-800-53": ["AC-2", "AC-6"] },
    remediation:
      "Set `compliance.accessAnalyzer.unusedAccess` (tracking period in days) and deploy the security account's home-region stack: it creates the organization unused-access analyzer.",
    docUrl: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-unused.html",
    check: (stack) => aa.unusedAccessAnalyzer(stack),
  },
  {
    id: "LOGS-METRIC-FILTER-QUOTA",
    title: "No log group carries more metric filters than CloudWatch Logs allows",
    severity: "HIGH",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["CM-6"] },
    remediation:
      "CloudWatch Logs allows 100 metric filters per log group. On the trail's log group the secret-read alarms add one or more per account with secrets and the privileged-path alarms one or more per path: an organization past that needs fewer accounts per trail log group (alarms off, or split by another route) before this stack can apply.",
    docUrl: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html",
    check: (stack) => p.metricFiltersWithinQuota(stack),
  },
  {
    id: "TERRAFORM-TEMPLATES",
    title: "Every synthesized string is a valid Terraform template",
    severity: "HIGH",
    securityHubControls: [],
    frameworks: { "nist-800-53": ["CM-6"] },
    remediation:
      "Write a literal `${` as `$${` and `%{` as `%%{` (IAM policy variables such as `${aws:PrincipalTag/Project}`): `policyJson` does it for policies; pass any other literal text through `escapeTerraformTemplate`. Otherwise `terraform plan` fails on the stack.",
    docUrl: "https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping",
    check: (stack) => invalidTemplates(stack),
  },
  ...GUARDRAIL_CONTROLS.map(guardrailControl),
  {
    id: "IAM-ACCESS-KEYS-ROTATED",
    title: "IAM access keys are rotated within 90 days",
    severity: "MEDIUM",
    configRule: { name: "access-keys-rotated", identifier: "ACCESS_KEYS_ROTATED", parameters: { maxAccessKeyAge: "90" }, periodic: true, global: true },
    securityHubControls: ["IAM.3"],
    remediation:
      "Replace the access key with a role the workload assumes (or IAM Roles Anywhere outside AWS); until then rotate it within maxAccessKeyAge days.",
    docUrl: `${CONFIG_DOCS}/access-keys-rotated.html`,
    frameworks: { "nist-800-53": ["IA-5(1)"], "cis-aws": ["1.14"] },
    check: (stack) => g.noAccessKeys(stack),
  },
  {
    id: "IAM-UNUSED-CREDENTIALS",
    title: "IAM users have no credentials unused for 45 days",
    severity: "MEDIUM",
    configRule: {
      name: "iam-user-unused-credentials-check",
      identifier: "IAM_USER_UNUSED_CREDENTIALS_CHECK",
      parameters: { maxCredentialUsageAge: "45" },
      periodic: true,
      global: true,
    },
    securityHubControls: ["IAM.22"],
    remediation: "Delete the IAM user's unused password and keys; people sign in through Identity Center and assume roles.",
    docUrl: `${CONFIG_DOCS}/iam-user-unused-credentials-check.html`,
    frameworks: { "nist-800-53": ["AC-2(3)"], "cis-aws": ["1.12"] },
    check: (stack) => g.noIamUsers(stack),
  },
  {
    id: "IAM-ROOT-ACCESS-KEY",
    title: "The root user has no access key",
    severity: "CRITICAL",
    configRule: { name: "iam-root-access-key-check", identifier: "IAM_ROOT_ACCESS_KEY_CHECK", periodic: true, global: true },
    securityHubControls: ["IAM.4"],
    remediation: "Delete the root user's access keys (or remove root credentials with centralized root access); deploy by assuming the deploy role.",
    docUrl: `${CONFIG_DOCS}/iam-root-access-key-check.html`,
    frameworks: { "nist-800-53": ["AC-6"], "cis-aws": ["1.4"] },
    check: (stack) => g.noStaticProviderKeys(stack),
  },
];

/** Catalog entry for a normalized Config rule name, if the baseline defines it. */
export function controlForRule(rule: string): Control | undefined {
  return controls.find((c) => c.configRule?.name === rule);
}

export function controlById(id: string): Control | undefined {
  return controls.find((c) => c.id === id);
}
