/**
 * The whole cdktf surface: app, stack, backends and the few helpers modules need.
 * Moving to the maintained fork (CDK Terrain, `cdktn`) changes the imports here
 * and in the provider-aws submodule imports, not the design.
 */
export type { ITerraformDependable } from "cdktf";
export { App, AssetType, CloudBackend, Fn, NamedCloudWorkspace, S3Backend, TerraformAsset, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
/** Written into the merged manifest.json, as cdktf itself does. */
export const CDKTF_VERSION = "0.21.0";
export { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
