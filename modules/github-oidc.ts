import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider/index.js";
import { GITHUB_OIDC_HOST } from "./naming.js";
import { applyRolePolicy, planRolePolicy, type StateAccess } from "./policies/identity-policy.js";
import { GITHUB_AUDIENCE, githubOidcTrust } from "./policies/trust-policy.js";
import { BaselineRole } from "./roles.js";

/** AWS-managed read-only access for plans; the plan role's inline policy denies the data reads it would allow. */
export const READ_ONLY_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** The account's `token.actions.githubusercontent.com` identity provider (IAM: home region only). */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly arn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // AWS validates GitHub's certificate against its own trusted CAs, so no thumbprint is pinned.
    this.provider = new IamOpenidConnectProvider(this, "provider", { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: [GITHUB_AUDIENCE] });
    this.arn = this.provider.arn;
  }
}

export interface PipelineRolesProps {
  providerArn: string;
  planRoleName: string;
  applyRoleName: string;
  /** Exact subjects (see modules/pipeline-subjects.ts): pull requests for plan; the environment or branch for apply. */
  planSubjects: string[];
  applySubjects: string[];
  deployRoleArn: string;
  state: StateAccess;
  permissionsBoundary: string;
}

/** The plan role (read-only, state read and lock) and the apply role (assumes the deploy role, state read/write/lock). */
export class PipelineRoles extends Construct {
  readonly plan: BaselineRole;
  readonly apply: BaselineRole;

  constructor(scope: Construct, id: string, props: PipelineRolesProps) {
    super(scope, id);
    this.plan = new BaselineRole(this, "plan", {
      name: props.planRoleName,
      description: "GitHub Actions pull-request plans: read-only, state read and lock",
      trust: githubOidcTrust({ providerArn: props.providerArn, subjects: props.planSubjects }),
      policy: planRolePolicy(props.state),
      managedPolicyArns: [READ_ONLY_POLICY_ARN],
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: 3600,
    });
    this.apply = new BaselineRole(this, "apply", {
      name: props.applyRoleName,
      description: "GitHub Actions applies: assumes the deploy role, state read, write and lock",
      trust: githubOidcTrust({ providerArn: props.providerArn, subjects: props.applySubjects }),
      policy: applyRolePolicy({ deployRoleArn: props.deployRoleArn, state: props.state }),
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration: 3600,
    });
  }
}
