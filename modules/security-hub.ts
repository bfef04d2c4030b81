import { Construct } from "constructs";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account/index.js";
import { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator/index.js";
import { SecurityhubMember } from "@cdktf/provider-aws/lib/securityhub-member/index.js";
import { SecurityhubOrganizationAdminAccount } from "@cdktf/provider-aws/lib/securityhub-organization-admin-account/index.js";
import { SecurityhubStandardsControlAssociation } from "@cdktf/provider-aws/lib/securityhub-standards-control-association/index.js";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription/index.js";
import { SECURITY_HUB_STANDARDS, type SecurityHubStandard } from "../config/sections/compliance.js";

export function standardsArn(standard: SecurityHubStandard, region: string): string {
  return `arn:aws:securityhub:${region}::${SECURITY_HUB_STANDARDS[standard]}`;
}

export interface DisabledControl {
  control: string;
  /** Standards it is disabled in. */
  standards: SecurityHubStandard[];
  reason: string;
}

export interface SecurityHubProps {
  region: string;
  standards: SecurityHubStandard[];
  disabledControls: DisabledControl[];
}

/** Security Hub in one account-region: consolidated control findings, the configured standards, and reasoned control exceptions. */
export class SecurityHub extends Construct {
  readonly account: SecurityhubAccount;
  readonly subscriptions = new Map<SecurityHubStandard, SecurityhubStandardsSubscription>();

  constructor(scope: Construct, id: string, props: SecurityHubProps) {
    super(scope, id);
    this.account = new SecurityhubAccount(this, "account", {
      // Standards are subscribed explicitly below, so the config is the only source of truth.
      enableDefaultStandards: false,
      // One finding per control across standards: what the scorecard counts (ComplianceSecurityControlId).
      controlFindingGenerator: "SECURITY_CONTROL",
      autoEnableControls: true,
    });
    for (const standard of props.standards) {
      this.subscriptions.set(
        standard,
        new SecurityhubStandardsSubscription(this, `standard-${standard}`, {
          standardsArn: standardsArn(standard, props.region),
          dependsOn: [this.account],
        }),
      );
    }
    for (const disabled of props.disabledControls) {
      for (const standard of disabled.standards) {
        const subscription = this.subscriptions.get(standard);
        if (!subscription) throw new Error(`${disabled.control}: standard ${standard} is not subscribed`);
        new SecurityhubStandardsControlAssociation(this, `disabled-${disabled.control}-${standard}`, {
          securityControlId: disabled.control,
          standardsArn: subscription.standardsArn,
          associationStatus: "DISABLED",
          updatedReason: disabled.reason,
        });
      }
    }
  }
}

/** In the management account: the security account administers Security Hub in every region the organization uses. */
export class SecurityHubDelegatedAdmin extends Construct {
  constructor(scope: Construct, id: string, props: { securityAccountId: string; regions: string[]; dependsOn: SecurityhubAccount }) {
    super(scope, id);
    for (const region of [...props.regions].sort()) {
      new SecurityhubOrganizationAdminAccount(this, `admin-${region}`, {
        adminAccountId: props.securityAccountId,
        region,
        dependsOn: [props.dependsOn],
      });
    }
  }
}

export interface SecurityHubAdministrationProps {
  /** Home region of the security account: findings of every other region are aggregated here. */
  homeRegion: string;
  isHomeRegion: boolean;
  /** Every region the organization uses. */
  regions: string[];
  /** Accounts of the organization with this region, other than the security account. */
  memberAccountIds: string[];
  account: SecurityhubAccount;
}

/** In the security account: members of this region, and (home region) the cross-region finding aggregator. */
export class SecurityHubAdministration extends Construct {
  readonly aggregator?: SecurityhubFindingAggregator;

  constructor(scope: Construct, id: string, props: SecurityHubAdministrationProps) {
    super(scope, id);
    for (const accountId of [...props.memberAccountIds].sort()) {
      new SecurityhubMember(this, `member-${accountId}`, { accountId, invite: false, dependsOn: [props.account] });
    }
    const linked = [...new Set(props.regions)].filter((r) => r !== props.homeRegion).sort();
    if (props.isHomeRegion && linked.length > 0) {
      this.aggregator = new SecurityhubFindingAggregator(this, "finding-aggregator", {
        linkingMode: "SPECIFIED_REGIONS",
        specifiedRegions: linked,
        dependsOn: [props.account],
      });
    }
  }
}
