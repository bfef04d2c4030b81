import { Construct } from "constructs";
import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer/index.js";
import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator/index.js";
import { ACCESS_ANALYZER_SERVICE } from "./controls/access-analyzer-predicates.js";

/** Registered from the management account: the security account creates the organization's analyzers. */
export class AccessAnalyzerDelegatedAdmin extends Construct {
  constructor(scope: Construct, id: string, props: { securityAccountId: string }) {
    super(scope, id);
    new OrganizationsDelegatedAdministrator(this, "admin", { accountId: props.securityAccountId, servicePrincipal: ACCESS_ANALYZER_SERVICE });
  }
}

export interface AccessAnalyzersProps {
  /** The organization external-access analyzer of this region (analyzers only see their own region's resources). */
  externalAccess?: { name: string };
  /** The organization unused-access analyzer (IAM roles and users are global: one, in the home region). */
  unusedAccess?: { name: string; trackingPeriodDays: number };
}

/** IAM Access Analyzer in one region of the delegated administrator, with the whole organization as zone of trust. */
export class AccessAnalyzers extends Construct {
  constructor(scope: Construct, id: string, props: AccessAnalyzersProps) {
    super(scope, id);
    if (props.externalAccess) {
      new AccessanalyzerAnalyzer(this, "external-access", { analyzerName: props.externalAccess.name, type: "ORGANIZATION" });
    }
    if (props.unusedAccess) {
      new AccessanalyzerAnalyzer(this, "unused-access", {
        analyzerName: props.unusedAccess.name,
        type: "ORGANIZATION_UNUSED_ACCESS",
        configuration: { unusedAccess: { unusedAccessAge: props.unusedAccess.trackingPeriodDays } },
      });
    }
  }
}
