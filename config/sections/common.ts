import { z } from "zod";

/** Names that become parts of AWS resource names and Terraform ids. */
export const resourceName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9+=,.@_-]{0,63}$/, "a name of letters, digits and +=,.@_- starting with a letter (max 64)");

export const accountId = z.string().regex(/^\d{12}$/, "a 12-digit AWS account id (quote it in YAML)");

/** AWS tag map; keys and values as IAM accepts them. */
export const tags = z.record(
  z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, "a tag key of 1-128 letters, digits, spaces and _.:/=+-@").refine((k) => !k.startsWith("aws:"), "tag keys starting with aws: are reserved"),
  z.string().max(256),
);
