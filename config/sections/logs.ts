import { z } from "zod";

/** Organization-wide log defaults (issue: network/logging). */
export const logsSchema = z.strictObject({}).default({});

/** Per-account log groups (issue: network/logging). */
export const logGroupsSchema = z.array(z.strictObject({ name: z.string() })).default([]);
