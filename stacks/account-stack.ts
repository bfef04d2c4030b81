import type { Construct } from "constructs";
import { addBackend } from "./backend.js";
import { capabilities } from "./capabilities.js";
import type { StackContext } from "./context.js";
import { DEPLOY_ROLE_VARIABLE } from "../modules/naming.js";
import { AwsProvider, TerraformStack, TerraformVariable } from "./platform.js";

/** One account in one region: provider assuming the deploy role, its own state, and the baseline. */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, ctx: StackContext) {
    super(scope, ctx.stack.name);
    const { org, stack } = ctx;
    const { account } = stack;
    // A variable, so CI plan jobs can set it empty and plan as the read-only OIDC plan role itself.
    const deployRole = new TerraformVariable(this, DEPLOY_ROLE_VARIABLE, {
      type: "string",
      default: account.deployRoleArn,
      description: "Role the AWS provider assumes; empty to use the caller's own credentials",
    });
    new AwsProvider(this, "aws", {
      region: stack.region,
      allowedAccountIds: [account.id],
      assumeRole: [
        {
          roleArn: deployRole.stringValue,
          sessionName: org.config.deployRole.sessionName,
          ...(org.config.deployRole.externalId ? { externalId: org.config.deployRole.externalId } : {}),
        },
      ],
      defaultTags: [{ tags: { ...account.tags, ManagedBy: "org-baseline", BaselineStack: stack.name } }],
    });
    addBackend(this, org.config.backend, stack.name);
    for (const capability of capabilities) capability(this, ctx);
  }
}
