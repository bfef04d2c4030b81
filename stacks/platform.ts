/**
 * The whole cdktf surface: app, stack, backends and the few helpers modules need.
 * Moving to the maintained fork (CDK Terrain, `cdktn`) changes the imports here
 * and in the provider-aws submodule imports, not the design.
 */
export type { ITerraformDependable } from "cdktf";
export {
  App,
  AssetType,
  CloudBackend,
  Fn,
  NamedCloudWorkspace,
  S3Backend,
  TerraformAsset,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Token,
} from "cdktf";
import { TerraformStack, TerraformVariable } from "cdktf";
/** Written into the merged manifest.json, as cdktf itself does. */
export const CDKTF_VERSION = "0.21.0";
export { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import type { Construct } from "constructs";

/** Terraform that knows write-only arguments (`secret_string_wo`, `value_wo`) and ephemeral variables. */
export const WRITE_ONLY_TERRAFORM = ">= 1.11.0";

/**
 * An `ephemeral` block (Terraform >= 1.10): its result is never stored in plan or
 * state. cdktf 0.21 has no ephemeral construct, so the block goes into the stack's
 * JSON through the override escape hatch. Returns its address for references.
 */
export function ephemeralResource(scope: Construct, type: string, name: string, body: Record<string, unknown>): string {
  const stack = TerraformStack.of(scope);
  stack.addOverride(`ephemeral.${type}.${name}`, body);
  stack.addOverride("terraform.required_version", WRITE_ONLY_TERRAFORM);
  return `ephemeral.${type}.${name}`;
}

/**
 * A string input variable marked `ephemeral` (cdktf 0.21 cannot say so, hence the
 * override): Terraform refuses it anywhere but in write-only arguments and other
 * ephemeral contexts, so the value supplied to the apply never reaches plan or state.
 */
export function ephemeralVariable(scope: Construct, name: string, description: string): string {
  const stack = TerraformStack.of(scope);
  const variable = new TerraformVariable(stack, name, { type: "string", sensitive: true, nullable: false, description });
  variable.addOverride("ephemeral", true);
  stack.addOverride("terraform.required_version", WRITE_ONLY_TERRAFORM);
  return `var.${name}`;
}
