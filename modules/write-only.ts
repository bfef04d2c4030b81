import type { Construct } from "constructs";
import { createHash } from "node:crypto";
import type { InitialValueConfig } from "../config/sections/values.js";
import { ephemeralResource, ephemeralVariable } from "../stacks/platform.js";

/** Where a write-only argument takes its value from: a Terraform expression, and the version that re-sends it. */
export interface WriteOnlyValue {
  /** `${ephemeral.aws_secretsmanager_random_password.<name>.random_password}` or `${var.<name>}`. */
  expression: string;
  version: number;
}

/**
 * The first value of a secret or SecureString parameter, made or received by the
 * apply: an ephemeral `aws_secretsmanager_random_password`, or an ephemeral input
 * variable. Either way only a reference is synthesized, never a value.
 * `label` names what it is for (the secret or parameter name), for the block's name and description.
 */
export function writeOnlyValue(scope: Construct, label: string, value: InitialValueConfig): WriteOnlyValue {
  if (value.fromVariable !== undefined) {
    const ref = ephemeralVariable(
      scope,
      value.fromVariable,
      `First value of ${label} (ephemeral: never stored in plan or state); bump its version in config to write a new one`,
    );
    return { expression: `\${${ref}}`, version: value.version };
  }
  const g = value.generate;
  if (!g) throw new Error(`${label}: initialValue needs generate or fromVariable`);
  const ref = ephemeralResource(scope, "aws_secretsmanager_random_password", ephemeralName(label), {
    password_length: g.length,
    ...(g.excludeCharacters !== undefined ? { exclude_characters: g.excludeCharacters } : {}),
    exclude_numbers: g.excludeNumbers,
    exclude_punctuation: g.excludePunctuation,
    exclude_uppercase: g.excludeUppercase,
    exclude_lowercase: g.excludeLowercase,
    include_space: g.includeSpace,
    require_each_included_type: g.requireEachIncludedType,
  });
  return { expression: `\${${ref}.random_password}`, version: value.version };
}

/** A Terraform block name for `label` (a secret or parameter name): readable, and distinct for distinct labels. */
function ephemeralName(label: string): string {
  const readable = label.replace(/^\/+/, "").replace(/[^A-Za-z0-9_-]/g, "_");
  return `initial_${readable}_${createHash("sha256").update(label).digest("hex").slice(0, 8)}`;
}
