/**
 * The whole cdktf surface: app, stack, backends and the few helpers modules need.
 * Moving to the maintained fork (CDK Terrain, `cdktn`) changes the imports here
 * and in the provider-aws submodule imports, not the design.
 */
export { App, CloudBackend, Fn, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
export { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
