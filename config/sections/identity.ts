import { z } from "zod";

/** Per-account execution roles (issue: identity). */
export const rolesSchema = z.array(z.strictObject({ name: z.string() })).default([]);
