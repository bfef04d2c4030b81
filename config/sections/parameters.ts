import { z } from "zod";
import { AWS_REGIONS } from "../regions.js";
import { resourceName, tags } from "./common.js";
import { keyName } from "./refs.js";
import { initialValueSchema } from "./values.js";

/**
 * Per-account Parameter Store hierarchies (`accounts[].parameters`): runtime
 * configuration that is not a rotating credential. Each hierarchy is a path whose
 * readers may read everything under it; a `SecureString` is encrypted with a
 * declared customer-managed key and its value arrives write-only (`value_wo`),
 * never through config. Refusals are in config/checks/parameters.ts.
 */

/** One path segment: what Parameter Store accepts in a name, minus nothing. */
export const PARAMETER_SEGMENT = /^[A-Za-z0-9_.-]{1,128}$/;
/** Parameter Store allows at most 15 levels in a name. */
export const MAX_PARAMETER_DEPTH = 15;
/** Value size per tier, in bytes. */
export const TIER_MAX_BYTES: Record<ParameterTier, number> = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };

const tier = z.enum(["Standard", "Advanced", "Intelligent-Tiering"]);

const hierarchyPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9_.-]+)+$/, "a hierarchy path such as /prod/payments/api: segments of letters, digits and _.- after each /, no trailing /");

const relativeName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "a name under the hierarchy such as database-url or flags/checkout (segments of letters, digits and _.-)");

/** A reader of a whole hierarchy: a role of this account, or this account's roles carrying all these tags (ABAC). */
const reader = z.strictObject({
  role: resourceName.optional(),
  tags: z.record(z.string().min(1), z.string().min(1)).optional(),
});

const parameter = z.strictObject({
  /** Under the hierarchy's path: `database-url` is `<path>/database-url`. */
  name: relativeName,
  description: z.string().max(1024).optional(),
  /** `String` for plain configuration, `SecureString` for anything confidential (encrypted with the hierarchy's key). */
  type: z.enum(["String", "SecureString"]).default("String"),
  /** Plain configuration only; a SecureString's value never goes in config (use initialValue). */
  value: z.string().optional(),
  /** A SecureString's value, written through `value_wo` by the apply (Terraform >= 1.11). */
  initialValue: initialValueSchema.optional(),
  /** Overrides the hierarchy's tier. */
  tier: tier.optional(),
});

export const parameterHierarchySchema = z.strictObject({
  path: hierarchyPath,
  description: z.string().max(1024).optional(),
  /** Regions holding the parameters; defaults to the account's home region. */
  regions: z.array(z.enum(AWS_REGIONS)).min(1).optional(),
  /** Customer-managed key of this account encrypting the SecureString parameters. */
  key: keyName.optional(),
  tier: tier.default("Standard"),
  tags: tags.default({}),
  /** Who may read every parameter under `path` (GetParameter(s), GetParametersByPath; kms:Decrypt through ssm). */
  readers: z.array(reader).default([]),
  parameters: z.array(parameter).min(1, "a hierarchy holds at least one parameter"),
});

/** Per-account Parameter Store hierarchies (issue 13). */
export const parametersSchema = z.array(parameterHierarchySchema).default([]);

export type ParameterHierarchyConfig = z.infer<typeof parameterHierarchySchema>;
export type ParameterConfig = z.infer<typeof parameter>;
export type ParameterTier = z.infer<typeof tier>;

/** The full Parameter Store name of a parameter of a hierarchy. */
export function parameterName(path: string, name: string): string {
  return `${path}/${name}`;
}

const CREDENTIAL_WORDS = [
  "password",
  "passwords",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "secrets",
  "token",
  "tokens",
  "apikey",
  "api key",
  "private key",
  "privatekey",
  "credential",
  "credentials",
  "access key",
  "accesskey",
  "client secret",
  "signing key",
  "connection string",
  "dsn",
];

/**
 * The credential word a name contains (words of any segment, in any case or
 * separator style), if any: a plain `String` under such a name is refused, since
 * anyone allowed to describe or read parameters would see it in clear.
 */
export function credentialWord(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = ` ${words.join(" ")} `;
  return CREDENTIAL_WORDS.find((w) => joined.includes(` ${w} `));
}
