import { z } from "zod";
import { region, resourceNamePattern, tags } from "./common.js";
import { keyName, roleRef, serviceName } from "./refs.js";

/** Per-account KMS customer-managed keys (`accounts[].keys`): symmetric, rotated, with an alias. */
export const keySchema = z.strictObject({
  /** The alias is alias/org-baseline/<name>. */
  name: keyName,
  description: z.string().max(8192).optional(),
  /** Regions to create the key in; defaults to every region of the account. */
  regions: z.array(region).min(1).optional(),
  rotationPeriodDays: z.number().int().min(90, "KMS rotates at most every 90 days").max(2560, "KMS rotates at least every 2560 days").default(365),
  deletionWindowDays: z.number().int().min(7, "KMS waits 7-30 days before deleting a key").max(30, "KMS waits 7-30 days before deleting a key").default(30),
  tags: tags.default({}),
  /**
   * Roles of the key's own account that manage it (no cryptographic use), by name: management
   * of a key is never delegated across accounts. The deploy role always is one.
   */
  administrators: z
    .array(
      z
        .string({ error: "a role of this key's own account, by name: management of a key is never delegated across accounts" })
        .regex(resourceNamePattern, "a role name of letters, digits and +=,.@_- starting with a letter (max 64)"),
    )
    .default([]),
  /** Roles that use the key through the named services (`kms:ViaService`). */
  users: z
    .array(
      z.strictObject({
        role: roleRef,
        via: z.array(serviceName).min(1, "name the services the key is used through"),
        access: z.enum(["decrypt", "encrypt", "encrypt-decrypt"]).default("encrypt-decrypt"),
      }),
    )
    .default([]),
  /** AWS services that use the key themselves: logs (CloudWatch Logs, bound to this account's log groups). */
  services: z.array(z.enum(["logs"])).default([]),
});

/** Per-account KMS customer-managed keys (issue: identity). */
export const keysSchema = z.array(keySchema).default([]);

export type KeyConfig = z.infer<typeof keySchema>;
