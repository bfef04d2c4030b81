import { Construct } from "constructs";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function/index.js";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import type { ResolvedBroker } from "../../config/access.js";
import { AssetType, TerraformAsset, TerraformOutput, TerraformStack, type ITerraformDependable } from "../../stacks/platform.js";
import { brokerPackage, writePackage } from "./asset.js";
import type { ResolvedAccess } from "../../config/access.js";

/** The Terraform output holding the broker's function URL (what `baseline access --url` takes). */
export const BROKER_URL_OUTPUT = "access_broker_url";

/**
 * `invoked_via_function_url` (lambda:InvokedViaFunctionUrl on the InvokeFunction grant,
 * required since October 2025) exists from AWS provider 6.29.0 on; the cdktf bindings
 * pin an older version, so the broker's stack asks for a newer one.
 */
export const BROKER_PROVIDER_VERSION = ">= 6.29.0, < 7.0.0";

export interface AccessBrokerProps {
  access: ResolvedAccess;
  /** The broker role as the stack has it (a reference, so the function waits for it). */
  roleArn: string;
  /** The role's permissions and the log group, in place before the function. */
  dependsOn: ITerraformDependable[];
}

/**
 * The just-in-time access broker: the handler and its access policy as one
 * deterministic zip, a function URL with AWS_IAM auth, and the function URL
 * permission for each account with requesters (their identity policies still decide).
 */
export class AccessBroker extends Construct {
  readonly function: LambdaFunction;
  readonly url: LambdaFunctionUrl;

  constructor(scope: Construct, id: string, props: AccessBrokerProps) {
    super(scope, id);
    const broker: ResolvedBroker = props.access.broker;
    const pkg = brokerPackage(props.access);
    const asset = new TerraformAsset(this, "package", { path: writePackage(pkg), type: AssetType.FILE, assetHash: pkg.sha256 });
    this.function = new LambdaFunction(this, "function", {
      functionName: broker.functionName,
      description: "org-baseline just-in-time access broker",
      role: props.roleArn,
      runtime: broker.runtime,
      handler: "index.handler",
      architectures: ["arm64"],
      memorySize: 256,
      timeout: 15,
      filename: asset.path,
      sourceCodeHash: pkg.sourceCodeHash,
      loggingConfig: { logFormat: "Text", logGroup: broker.logGroupName },
      dependsOn: props.dependsOn,
    });
    this.url = new LambdaFunctionUrl(this, "url", { functionName: this.function.functionName, authorizationType: "AWS_IAM" });

    for (const accountId of props.access.requesterAccountIds) {
      new LambdaPermission(this, `url-${accountId}`, {
        statementId: `FunctionUrl${accountId}`,
        functionName: this.function.functionName,
        action: "lambda:InvokeFunctionUrl",
        principal: accountId,
        functionUrlAuthType: "AWS_IAM",
      });
      const invoke = new LambdaPermission(this, `invoke-${accountId}`, {
        statementId: `InvokeViaFunctionUrl${accountId}`,
        functionName: this.function.functionName,
        action: "lambda:InvokeFunction",
        principal: accountId,
      });
      invoke.addOverride("invoked_via_function_url", true);
    }
    TerraformStack.of(this).addOverride("terraform.required_providers.aws.version", BROKER_PROVIDER_VERSION);
    new TerraformOutput(scope, BROKER_URL_OUTPUT, {
      value: this.url.functionUrl,
      description: "The access broker's function URL: baseline access --url <this>",
    });
  }
}
