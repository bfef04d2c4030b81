import { z } from "zod";
import { VIA_SERVICES } from "../aws-services.js";
import { resourceName } from "./common.js";

/**
 * References between identity, key and secret entries. A bare name means "in this
 * account"; `{ account, ... }` names another account of the organization.
 * The identity checks verify every reference exists.
 */

export const accountName = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "the name of an account in `accounts`");

/** A role of this account by name, or `{ account, role }`. */
export const roleRef = z.union([resourceName, z.strictObject({ account: accountName, role: resourceName })]);

/** Key names become the alias `alias/org-baseline/<name>`. */
export const keyName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "a key name of letters, digits, _ and - (it becomes alias/org-baseline/<name>)");

/** A key of this account by name, or `{ account, name }`. */
export const keyRef = z.union([keyName, z.strictObject({ account: accountName, name: keyName })]);

export const secretName = z
  .string()
  .regex(/^[A-Za-z0-9/_+=.@-]{1,256}$/, "a secret name of letters, digits and /_+=.@- (Secrets Manager appends -?????? to its ARN)");

/** A secret of this account by name, or `{ account, name }`. */
export const secretRef = z.union([secretName, z.strictObject({ account: accountName, name: secretName })]);

/** An AWS service as it appears in `<service>.<region>.amazonaws.com`, e.g. secretsmanager, s3, rds. */
export const serviceName = z.enum(VIA_SERVICES, {
  error: (issue) =>
    `an AWS service that uses KMS keys on a caller's behalf (kms:ViaService), such as secretsmanager, s3 or rds${issue.input === undefined ? "" : ` (got ${JSON.stringify(issue.input)})`}`,
});

export type RoleRef = z.infer<typeof roleRef>;
export type KeyRef = z.infer<typeof keyRef>;
export type SecretRef = z.infer<typeof secretRef>;

/** A reference made absolute: the account it points into and the name there. */
export interface QualifiedRef {
  account: string;
  name: string;
}

export function qualifyRole(ref: RoleRef, self: string): QualifiedRef {
  return typeof ref === "string" ? { account: self, name: ref } : { account: ref.account, name: ref.role };
}

export function qualifyKey(ref: KeyRef, self: string): QualifiedRef {
  return typeof ref === "string" ? { account: self, name: ref } : ref;
}

export function qualifySecret(ref: SecretRef, self: string): QualifiedRef {
  return typeof ref === "string" ? { account: self, name: ref } : ref;
}
