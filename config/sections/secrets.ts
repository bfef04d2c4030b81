import { z } from "zod";

/** Per-account Secrets Manager secrets, declared by name only (issue: identity). */
export const secretsSchema = z.array(z.strictObject({ name: z.string() })).default([]);
