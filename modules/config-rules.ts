import { Construct } from "constructs";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule/index.js";
import { ConfigConfigurationAggregator } from "@cdktf/provider-aws/lib/config-configuration-aggregator/index.js";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder/index.js";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status/index.js";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel/index.js";
import { ConfigOrganizationManagedRule } from "@cdktf/provider-aws/lib/config-organization-managed-rule/index.js";
import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator/index.js";
import type { DeployedRule } from "./controls/coverage.js";
import { roleArn } from "./naming.js";
import { CONFIG_AGGREGATOR_POLICY, CONFIG_RECORDER_POLICY, configDeliveryPolicy, configServiceTrust } from "./policies/config-policies.js";
import { BaselineRole } from "./roles.js";

/** Name of the recorder and delivery channel the baseline creates. */
export const RECORDER_NAME = "org-baseline";

export interface RecorderProps {
  accountId: string;
  /** Creates the (global) role here; other regions use it by ARN. */
  isHomeRegion: boolean;
  roleName: string;
  permissionBoundaryArn: string;
  deliveryBucket: string;
  deliveryKeyPrefix?: string;
  deliveryKmsKeyArn?: string;
}

/** AWS Config recorder (all supported types; global types in the home region only), delivery channel, and the switch that starts it. */
export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly status: ConfigConfigurationRecorderStatus;

  constructor(scope: Construct, id: string, props: RecorderProps) {
    super(scope, id);
    const arn = roleArn(props.accountId, props.roleName);
    if (props.isHomeRegion) {
      new BaselineRole(this, "role", {
        name: props.roleName,
        description: "AWS Config recorder and delivery channel (org-baseline)",
        trust: configServiceTrust(props.accountId),
        policy: configDeliveryPolicy({
          bucket: props.deliveryBucket,
          keyPrefix: props.deliveryKeyPrefix,
          accountId: props.accountId,
          kmsKeyArn: props.deliveryKmsKeyArn,
        }),
        managedPolicyArns: [CONFIG_RECORDER_POLICY],
        permissionsBoundary: props.permissionBoundaryArn,
        maxSessionDuration: 3600,
      });
    }
    this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
      name: RECORDER_NAME,
      roleArn: arn,
      // Global resources (IAM) are recorded once, in the home region, so they are not counted twice.
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.isHomeRegion },
    });
    const channel = new ConfigDeliveryChannel(this, "delivery-channel", {
      name: RECORDER_NAME,
      s3BucketName: props.deliveryBucket,
      ...(props.deliveryKeyPrefix ? { s3KeyPrefix: props.deliveryKeyPrefix } : {}),
      ...(props.deliveryKmsKeyArn ? { s3KmsKeyArn: props.deliveryKmsKeyArn } : {}),
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [this.recorder],
    });
    this.status = new ConfigConfigurationRecorderStatus(this, "status", {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
  }
}

/** Config input parameters as Config wants them: a JSON object of strings, keys sorted for stable output. */
export function inputParameters(parameters: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(parameters).sort();
  return keys.length === 0 ? undefined : JSON.stringify(Object.fromEntries(keys.map((k) => [k, parameters[k]])));
}

export interface RulesProps {
  /** The rules this stack deploys (modules/controls/coverage.ts decides which). */
  rules: readonly DeployedRule[];
  /** organization: organization managed rules (from the security account); account: rules of this account only. */
  mode: "organization" | "account";
  /** Rules wait for a recorder created in the same stack. */
  dependsOn?: ConfigConfigurationRecorderStatus[];
}

/** The catalog's AWS Config managed rules, as organization rules or account rules. */
export class ConfigRules extends Construct {
  readonly rules: Array<ConfigConfigRule | ConfigOrganizationManagedRule> = [];

  constructor(scope: Construct, id: string, props: RulesProps) {
    super(scope, id);
    for (const { control, rule, parameters } of props.rules) {
      const input = inputParameters(parameters);
      const common = {
        name: rule.name,
        description: `${control.id}: ${control.title} (org-baseline)`,
        ...(input ? { inputParameters: input } : {}),
        ...(rule.periodic ? { maximumExecutionFrequency: "TwentyFour_Hours" } : {}),
        ...(props.dependsOn?.length ? { dependsOn: props.dependsOn } : {}),
      };
      const types = rule.resourceTypes ?? [];
      this.rules.push(
        props.mode === "organization"
          ? new ConfigOrganizationManagedRule(this, rule.name, {
              ...common,
              ruleIdentifier: rule.identifier,
              ...(types.length ? { resourceTypesScope: types } : {}),
            })
          : new ConfigConfigRule(this, rule.name, {
              ...common,
              source: { owner: "AWS", sourceIdentifier: rule.identifier },
              ...(types.length ? { scope: { complianceResourceTypes: types } } : {}),
            }),
      );
    }
  }
}

export interface AggregatorProps {
  /** The security account, which hosts the aggregator. */
  accountId: string;
  name: string;
  roleName: string;
  permissionBoundaryArn: string;
}

/** The organization aggregator the `report` command reads, with its role (config.amazonaws.com for this account only). */
export class ConfigAggregator extends Construct {
  readonly aggregator: ConfigConfigurationAggregator;

  constructor(scope: Construct, id: string, props: AggregatorProps) {
    super(scope, id);
    const role = new BaselineRole(this, "role", {
      name: props.roleName,
      description: "AWS Config organization aggregator (org-baseline)",
      trust: configServiceTrust(props.accountId),
      managedPolicyArns: [CONFIG_AGGREGATOR_POLICY],
      permissionsBoundary: props.permissionBoundaryArn,
      maxSessionDuration: 3600,
    });
    this.aggregator = new ConfigConfigurationAggregator(this, "aggregator", {
      name: props.name,
      // Every region, so resources in a region the baseline does not deploy to still show up.
      organizationAggregationSource: { allRegions: true, roleArn: role.arn },
      dependsOn: role.permissions,
    });
  }
}

/** Service principals the security account administers for AWS Config (organization rules and the aggregator). */
export const CONFIG_ADMIN_SERVICES = ["config-multiaccountsetup.amazonaws.com", "config.amazonaws.com"] as const;

/** Registered from the management account: the security account becomes the Config delegated administrator. */
export class ConfigDelegatedAdmin extends Construct {
  constructor(scope: Construct, id: string, props: { securityAccountId: string }) {
    super(scope, id);
    for (const service of CONFIG_ADMIN_SERVICES) {
      new OrganizationsDelegatedAdministrator(this, service, { accountId: props.securityAccountId, servicePrincipal: service });
    }
  }
}
