import { z } from "zod";

/** Per-account KMS customer-managed keys (issue: identity). */
export const keysSchema = z.array(z.strictObject({ name: z.string() })).default([]);
