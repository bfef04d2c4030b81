import { z } from "zod";
import { region, tags } from "./common.js";
import { accountName, keyName, roleRef, secretName } from "./refs.js";
import { initialValueSchema } from "./values.js";

/**
 * Per-account Secrets Manager secrets (`accounts[].secrets`), declared by name only.
 * A value never appears in config, code, synthesized JSON or Terraform state: it
 * arrives through rotation, a write-only first value (`initialValue`), or is put
 * out of band (see the README).
 */

/** AWS-published rotation functions, deployed from the Serverless Application Repository. */
export const ROTATION_TEMPLATES = [
  "SecretsManagerRDSPostgreSQLRotationSingleUser",
  "SecretsManagerRDSPostgreSQLRotationMultiUser",
  "SecretsManagerRDSMySQLRotationSingleUser",
  "SecretsManagerRDSMySQLRotationMultiUser",
  "SecretsManagerRDSMariaDBRotationSingleUser",
  "SecretsManagerRDSMariaDBRotationMultiUser",
  "SecretsManagerRDSOracleRotationSingleUser",
  "SecretsManagerRDSOracleRotationMultiUser",
  "SecretsManagerRDSSQLServerRotationSingleUser",
  "SecretsManagerRDSSQLServerRotationMultiUser",
  "SecretsManagerRedshiftRotationSingleUser",
  "SecretsManagerRedshiftRotationMultiUser",
  "SecretsManagerMongoDBRotationSingleUser",
  "SecretsManagerMongoDBRotationMultiUser",
  "SecretsManagerRotationTemplate",
] as const;

/** Parameters the generator sets itself on a rotation template. */
export const RESERVED_TEMPLATE_PARAMETERS = ["endpoint", "functionName", "kmsKeyArn"] as const;

/** Fields that would carry a secret value: refused, because config and Terraform state are not secret stores. */
export const SECRET_VALUE_FIELDS = ["value", "secretString", "secretBinary", "secretValue", "password", "plaintext"] as const;

const NO_VALUE =
  "secrets are declared by name only: a value here would be stored in plain text in this file, in the synthesized JSON and in Terraform state; let rotation set it or put it out of band (see README)";

// A custom check, not z.never(): a type error would echo the value back in the message.
const noValue = z
  .custom<never>(() => false, { error: NO_VALUE })
  // `not: {}` makes editors flag the field too, before the loader does.
  .meta({ description: "Refused: secret values never go in config (see README).", not: {} })
  .optional();

const secretLooking = new Set(SECRET_VALUE_FIELDS.map((f) => f.toLowerCase()));

/** A key of a free-form map (template parameters) that is none of the secret-value fields, in any case. */
const freeFormKey = (pattern: RegExp, description: string) =>
  z
    .string()
    .regex(pattern, description)
    .refine((k) => !secretLooking.has(k.toLowerCase()), NO_VALUE);

const rotation = z.strictObject({
  /** An existing rotation function in the secret's account and region (its role is read at apply and exempted from the secret's deny). */
  lambdaArn: z
    .string()
    .regex(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/, "a Lambda function ARN (no version or alias)")
    .optional(),
  /** Or an AWS-published rotation function, deployed for this secret. */
  template: z
    .strictObject({
      application: z.enum(ROTATION_TEMPLATES),
      /** Pinned, so the same config always deploys the same code. */
      semanticVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "a version such as 1.1.367"),
      /** Further template parameters, e.g. vpcSubnetIds, vpcSecurityGroupIds, excludeCharacters. */
      parameters: z.record(freeFormKey(/^[A-Za-z][A-Za-z0-9]*$/, "a parameter name"), z.string()).default({}),
    })
    .optional(),
  automaticallyAfterDays: z.number().int().min(1).max(1000).optional(),
  /** `rate(N days)` or `cron(...)`, with `duration` as the rotation window. */
  scheduleExpression: z
    .string()
    .regex(/^(rate|cron)\(.+\)$/, "rate(...) or cron(...)")
    .optional(),
  duration: z
    .string()
    .regex(/^([1-9]|1\d|2[0-4])h$/, "a window of 1h to 24h")
    .optional(),
  rotateImmediately: z.boolean().default(false),
});

/** A reader: a role (of this account or `account`), or an ABAC tag match within the organization. */
const reader = z.strictObject({
  role: roleRef.optional(),
  /** ABAC: principals carrying all these tags... */
  tags: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** ...in these accounts (default: every account of the organization). */
  accounts: z.array(accountName).min(1).optional(),
});

export const secretSchema = z.strictObject({
  name: secretName,
  description: z.string().max(2048).optional(),
  /** Defaults to the account's home region. */
  region: region.optional(),
  replicaRegions: z.array(region).default([]),
  /** A key of this account (in the secret's region and every replica region). Required for readers in other accounts. */
  key: keyName.optional(),
  tags: tags.default({}),
  recoveryWindowDays: z.number().int().min(7, "7-30 days, so a deleted secret can be recovered").max(30, "7-30 days").default(30),
  readers: z.array(reader).default([]),
  rotation: rotation.optional(),
  /** A first value made or received by the apply and written through `secret_string_wo` (Terraform >= 1.11). */
  initialValue: initialValueSchema.optional(),
  ...(Object.fromEntries(SECRET_VALUE_FIELDS.map((field) => [field, noValue])) as Record<(typeof SECRET_VALUE_FIELDS)[number], typeof noValue>),
});

/** Per-account Secrets Manager secrets, declared by name only (issue: identity). */
export const secretsSchema = z.array(secretSchema).default([]);

export type SecretConfig = z.infer<typeof secretSchema>;
export type RotationConfig = z.infer<typeof rotation>;
