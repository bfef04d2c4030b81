import { AccessAnalyzerDelegatedAdmin, AccessAnalyzers } from "../modules/access-analyzer.js";
import { ACCESS_ANALYZER_OUTPUT, type AccessAnalyzerDeclaration } from "../modules/controls/access-analyzer-predicates.js";
import { activeControls } from "../modules/controls/active.js";
import { configRulesDeployedIn } from "../modules/controls/coverage.js";
import { EXTERNAL_RECORDER_OUTPUT, EXTERNAL_RECORDER_VALUE } from "../modules/controls/predicates.js";
import { ConfigAggregator, ConfigDelegatedAdmin, ConfigRecorder, ConfigRules } from "../modules/config-rules.js";
import { SecurityHub, SecurityHubAdministration, SecurityHubDelegatedAdmin } from "../modules/security-hub.js";
import type { Capability } from "./capabilities.js";
import { TerraformOutput, Token } from "./platform.js";

/**
 * AWS Config (recorder, the catalog's rules, the organization aggregator) and Security Hub
 * (standards, reasoned exceptions, delegated administration, cross-region aggregation), and
 * IAM Access Analyzer's organization analyzers in the security account.
 */
export const complianceCapability: Capability = (scope, { org, stack }) => {
  const { account, region, isHomeRegion } = stack;
  const { compliance } = org.config;
  const security = org.securityAccount;
  const isSecurity = security?.id === account.id;
  const isManagement = account.role === "management";
  const controls = activeControls(compliance);

  const recorderConfig = compliance.config.recorder;
  let recorder: ConfigRecorder | undefined;
  if (recorderConfig && !recorderConfig.controlTowerAccounts.includes(account.name)) {
    recorder = new ConfigRecorder(scope, "config-recorder", {
      accountId: account.id,
      isHomeRegion,
      roleName: recorderConfig.roleName,
      permissionBoundaryArn: account.permissionBoundaryArn,
      deliveryBucket: recorderConfig.deliveryBucket,
      deliveryKeyPrefix: recorderConfig.deliveryKeyPrefix,
      deliveryKmsKeyArn: recorderConfig.deliveryKmsKeyArn,
    });
  } else {
    // Tells `check` (and a reader of the plan) that Control Tower or another tool records here.
    new TerraformOutput(scope, EXTERNAL_RECORDER_OUTPUT, {
      value: EXTERNAL_RECORDER_VALUE,
      description: "The AWS Config recorder of this account-region is managed outside org-baseline (Control Tower)",
    });
  }

  const rules = configRulesDeployedIn(org, stack);
  if (rules.length > 0) {
    new ConfigRules(scope, "config-rules", { rules, mode: compliance.config.rules.mode, dependsOn: recorder ? [recorder.status] : [] });
  }
  if (isSecurity && isHomeRegion) {
    new ConfigAggregator(scope, "config-aggregator", {
      accountId: account.id,
      name: compliance.config.aggregator.name,
      roleName: compliance.config.aggregator.roleName,
      permissionBoundaryArn: account.permissionBoundaryArn,
    });
  }

  const hubConfig = compliance.securityHub;
  const hub = new SecurityHub(scope, "security-hub", {
    region,
    standards: hubConfig.standards,
    disabledControls: hubConfig.disabledControls.map((d) => ({ control: d.control, standards: d.standards ?? hubConfig.standards, reason: d.reason })),
  });

  if (isManagement && isHomeRegion && security) {
    new ConfigDelegatedAdmin(scope, "config-delegated-admin", { securityAccountId: security.id });
    new AccessAnalyzerDelegatedAdmin(scope, "access-analyzer-delegated-admin", { securityAccountId: security.id });
    new SecurityHubDelegatedAdmin(scope, "security-hub-delegated-admin", { securityAccountId: security.id, regions: org.regions, dependsOn: hub.account });
  }
  if (isSecurity) {
    new SecurityHubAdministration(scope, "security-hub-administration", {
      homeRegion: account.homeRegion,
      isHomeRegion,
      regions: org.regions,
      memberAccountIds: org.accounts.filter((a) => a.id !== account.id && a.regions.includes(region)).map((a) => a.id),
      account: hub.account,
    });
  }

  if (isSecurity) {
    const analyzers = compliance.accessAnalyzer;
    // An excluded control is neither deployed nor checked.
    const active = (id: string) => controls.some((c) => c.control.id === id);
    const externalAccess = active("ACCESS-ANALYZER-EXTERNAL");
    const unusedAccess = isHomeRegion && active("ACCESS-ANALYZER-UNUSED") ? analyzers.unusedAccess : undefined;
    new AccessAnalyzers(scope, "access-analyzer", {
      ...(externalAccess ? { externalAccess: analyzers.externalAccess } : {}),
      ...(unusedAccess ? { unusedAccess } : {}),
    });
    const declaration: AccessAnalyzerDeclaration = { externalAccess, unusedAccessDays: unusedAccess?.trackingPeriodDays ?? null };
    new TerraformOutput(scope, ACCESS_ANALYZER_OUTPUT, {
      // As a token: cdktf inspects a plain object output with the deprecated util.isArray, which warns on Node 22+.
      value: Token.asAny(declaration),
      description: "IAM Access Analyzer analyzers the config asks of this stack (checked by `baseline check`)",
    });
  }
};
