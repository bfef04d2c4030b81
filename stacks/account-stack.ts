import type { Construct } from "constructs";
import { addBackend } from "./backend.js";
import { capabilities } from "./capabilities.js";
import type { StackContext } from "./context.js";
import { AwsProvider, TerraformStack } from "./platform.js";

/** One account in one region: provider assuming the deploy role, its own state, and the baseline. */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, ctx: StackContext) {
    super(scope, ctx.stack.name);
    const { org, stack } = ctx;
    const { account } = stack;
    new AwsProvider(this, "aws", {
      region: stack.region,
      allowedAccountIds: [account.id],
      assumeRole: [
        {
          roleArn: account.deployRoleArn,
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
