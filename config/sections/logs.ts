import { z } from "zod";
import { region, resourceName, tags } from "./common.js";

/** The only retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const retentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`);

/** Days per account environment; `default` covers environments not listed. */
const byEnvironment = z.object({ default: retentionDays }).catchall(retentionDays);

export const DEFAULT_RETENTION = { default: 90, prod: 365 };
export const DEFAULT_MINIMUM_RETENTION = { default: 30, prod: 365 };

/** Organization-wide log defaults (issue: network/logging). */
export const logsSchema = z
  .strictObject({
    /** Short name of each account-region logs key: alias `alias/org-baseline/<keyName>`. */
    keyName: resourceName.default("logs"),
    /** Retention a log group gets unless it sets its own. */
    retentionDays: byEnvironment.default(DEFAULT_RETENTION),
    /** The floor no log group of that environment may go under (a loader refusal). */
    minimumRetentionDays: byEnvironment.default(DEFAULT_MINIMUM_RETENTION),
  })
  .prefault({});

export const logGroupSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._/#-]{1,512}$/, "a log group name of letters, digits and ._/#- (max 512)"),
  /** Defaults to every region of the account. */
  regions: z.array(region).min(1).optional(),
  retentionDays: retentionDays.optional(),
  tags: tags.default({}),
});

/** Per-account log groups (issue: network/logging). */
export const logGroupsSchema = z.array(logGroupSchema).default([]);

export type LogsConfig = z.infer<typeof logsSchema>;
export type LogGroupConfig = z.infer<typeof logGroupSchema>;

/** Days for a map keyed by environment, falling back to `default`. */
export function daysFor(map: { default: number } & Record<string, number>, environment: string): number {
  return map[environment] ?? map.default;
}
