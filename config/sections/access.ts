import { z } from "zod";
import { resourceName, tags } from "./common.js";
import { retentionDays } from "./logs.js";
import { accountName } from "./refs.js";

/**
 * Just-in-time access (`access:`): who may ask the broker for a session of which
 * brokered role. The broker's own permissions, the requesters' right to call it and
 * the handler's decisions are all derived from this section (config/access.ts).
 * Cross-references and ranges are checked in config/checks/access.ts.
 */

const roleOfAccount = z.strictObject({ account: accountName, role: resourceName });

const statement = z.strictObject({
  sid: z
    .string()
    .regex(/^[A-Za-z0-9]{1,100}$/, "letters and digits")
    .optional(),
  effect: z.enum(["Allow", "Deny"]).default("Allow"),
  actions: z.array(z.string().min(1)).min(1, "at least one action"),
  resources: z.array(z.string().min(1)).min(1, "at least one resource ARN"),
});

const sessionPolicy = z.strictObject({
  /** Referenced by rules' `sessionPolicy`. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a name of letters, digits, _ and -"),
  description: z.string().max(1000).optional(),
  /** The session can do at most what these allow (and what the role allows). */
  statements: z.array(statement).min(1, "at least one statement"),
});

const rule = z.strictObject({
  /** The brokered role a session is requested for. */
  role: roleOfAccount,
  requesters: z
    .strictObject({
      /** Roles (their sessions) that may ask, e.g. an Identity Center role; any path. */
      roles: z.array(roleOfAccount).default([]),
      /** Roles declared in this config carrying all these tags (role, account and organization tags). */
      tags: tags.optional(),
    })
    .refine((r) => r.roles.length > 0 || r.tags !== undefined, "name requester roles or tags"),
  /** Longest session the broker grants, in seconds; never above the role's bound. */
  maxDuration: z.number().int().default(900),
  ticket: z
    .strictObject({
      required: z.boolean().default(true),
      /** A regular expression the whole ticket reference must match, e.g. ^(INC|CHG)-[0-9]+$. */
      pattern: z.string().min(1).optional(),
    })
    .optional(),
  /** Name of a `sessionPolicies` entry passed with AssumeRole. */
  sessionPolicy: z.string().min(1).optional(),
});

export const BROKER_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;

const broker = z.strictObject({
  /** The broker runs in this account's home region. */
  account: accountName,
  /** Its execution role: a `service` role of that account for lambda.amazonaws.com, with no permissions of its own. */
  role: resourceName,
  functionName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "a Lambda function name")
    .default("org-baseline-access-broker"),
  runtime: z.enum(BROKER_RUNTIMES).default("nodejs22.x"),
  /** How long the audit records are kept; default the broker account's environment retention (logs.retentionDays). */
  retentionDays: retentionDays.optional(),
  /** Refused requests per monitoring period that raise the broker's alarm. */
  deniedAlarmThreshold: z.number().int().min(1).default(5),
});

export const accessSchema = z
  .strictObject({
    broker,
    sessionPolicies: z.array(sessionPolicy).default([]),
    rules: z.array(rule).min(1, "at least one rule"),
  })
  .optional();

export type AccessConfig = NonNullable<z.infer<typeof accessSchema>>;
export type AccessRuleConfig = AccessConfig["rules"][number];
