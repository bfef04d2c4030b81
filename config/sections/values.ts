import { z } from "zod";

/**
 * How a first value reaches a secret or SecureString parameter without ever
 * entering config, the synthesized JSON, the plan or Terraform state: the apply
 * makes it (an ephemeral `aws_secretsmanager_random_password`) or receives it (an
 * ephemeral input variable), and hands it to a write-only argument
 * (`secret_string_wo`, `value_wo`). Requires Terraform >= 1.11.
 */

/** Terraform variable names the stacks declare themselves. */
export const RESERVED_VARIABLES = ["deploy_role_arn"] as const;

const generate = z.strictObject({
  /** Secrets Manager generates 1-4096 characters. */
  length: z
    .number()
    .int()
    .min(16, "at least 16 characters: a generated first value is a credential")
    .max(4096, "Secrets Manager generates at most 4096 characters")
    .default(32),
  /** Characters the consuming system cannot take (quotes, @, / for some database drivers...). */
  excludeCharacters: z
    .string()
    .regex(/^[\x21-\x7e]{1,94}$/, "printable ASCII characters without spaces")
    .optional(),
  excludeNumbers: z.boolean().default(false),
  excludePunctuation: z.boolean().default(false),
  excludeUppercase: z.boolean().default(false),
  excludeLowercase: z.boolean().default(false),
  includeSpace: z.boolean().default(false),
  requireEachIncludedType: z.boolean().default(true),
});

// The object's own error, so a value written here by mistake is never echoed back in the message.
const NOT_A_VALUE =
  "initialValue says how the first value is made (generate: {...} or fromVariable: NAME), never the value itself: a value here would be kept in plain text in this file, the synthesized JSON and Terraform state";

export const initialValueSchema = z
  .strictObject(
    {
      /** Generated during apply by Secrets Manager (an ephemeral resource): nobody ever sees it. */
      generate: generate.optional(),
      /** Supplied to the apply as this ephemeral Terraform input variable (`TF_VAR_<name>`, `-var-file`). */
      fromVariable: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,63}$/, "a Terraform variable name of lower-case letters, digits and _")
        .refine((v) => !(RESERVED_VARIABLES as readonly string[]).includes(v), "this variable name is taken by the stack itself")
        .optional(),
      /** `*_wo_version`: Terraform writes the value again only when this number changes. Bump it to set a new value. */
      version: z.number().int().min(1).default(1),
    },
    { error: (issue) => (issue.code === "invalid_type" ? NOT_A_VALUE : undefined) },
  )
  .refine((v) => (v.generate === undefined) !== (v.fromVariable === undefined), {
    error: "give exactly one source: generate: {...} (made by the apply) or fromVariable: NAME (supplied to the apply)",
  });

export type InitialValueConfig = z.infer<typeof initialValueSchema>;
export type GenerateConfig = z.infer<typeof generate>;
