import { z } from "zod";
import { AWS_REGIONS } from "../regions.js";

/** Names that become parts of AWS resource names and Terraform ids. */
export const resourceNamePattern = /^[A-Za-z][A-Za-z0-9+=,.@_-]{0,63}$/;
export const resourceName = z.string().regex(resourceNamePattern, "a name of letters, digits and +=,.@_- starting with a letter (max 64)");

export const accountId = z.string().regex(/^\d{12}$/, {
  error: (issue) => {
    const value = String(issue.input);
    return /^\d+$/.test(value)
      ? `a 12-digit AWS account id: "${value}" has ${value.length} digits`
      : `a 12-digit AWS account id such as "111122223333" (digits only; got ${JSON.stringify(value)})`;
  },
});

/** AWS tag map; keys and values as IAM accepts them. */
export const tags = z.record(
  z
    .string()
    .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, "a tag key of 1-128 letters, digits, spaces and _.:/=+-@")
    .refine((k) => !k.startsWith("aws:"), "tag keys starting with aws: are reserved"),
  z.string().max(256),
);

/** One of the commercial AWS regions; a typo gets the closest one suggested by the loader. */
export const region = z.enum(AWS_REGIONS, {
  error: (issue) => (issue.input === undefined ? "an AWS region such as eu-west-1" : `an AWS region such as eu-west-1 (got ${JSON.stringify(issue.input)})`),
});
