import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { Snapshot } from "../snapshot.js";

/**
 * Snapshots are files a user keeps between runs (`--save-snapshot`, `--from-snapshot`,
 * `--previous`), so reading one validates its shape and names the first wrong field.
 */

const complianceType = z.enum(["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"]);

const snapshotSchema = z.object({
  version: z.literal(1),
  collectedAt: z.string(),
  source: z.object({
    kind: z.enum(["live", "aws-cli"]),
    aggregator: z.string().optional(),
    region: z.string().optional(),
  }),
  accounts: z.array(
    z.object({
      accountId: z.string(),
      name: z.string().optional(),
      email: z.string().optional(),
      ou: z.string().optional(),
      state: z.string().optional(),
    }),
  ),
  cells: z.array(
    z.object({
      rule: z.string(),
      ruleName: z.string(),
      accountId: z.string(),
      region: z.string(),
      status: z.union([complianceType, z.literal("NO_DATA")]),
      nonCompliantResources: z.object({ count: z.number(), capExceeded: z.boolean() }).optional(),
      reason: z.string().optional(),
    }),
  ),
  resources: z.array(
    z.object({
      rule: z.string(),
      accountId: z.string(),
      region: z.string(),
      resourceType: z.string(),
      resourceId: z.string(),
      annotation: z.string().optional(),
      recordedAt: z.string().optional(),
    }),
  ),
  sources: z.array(
    z.object({
      sourceId: z.string(),
      sourceType: z.string(),
      region: z.string().optional(),
      status: z.string(),
      lastUpdate: z.string().optional(),
      errorCode: z.string().optional(),
    }),
  ),
  securityHub: z
    .object({
      controls: z.array(
        z.object({
          controlId: z.string(),
          accountId: z.string(),
          status: z.enum(["PASSED", "FAILED"]),
          title: z.string().optional(),
          severity: z.string().optional(),
        }),
      ),
      failedFindings: z.array(
        z.object({
          controlId: z.string(),
          accountId: z.string(),
          region: z.string(),
          title: z.string(),
          severity: z.string(),
          resourceType: z.string().optional(),
          resourceId: z.string().optional(),
        }),
      ),
    })
    .optional(),
  gaps: z.array(
    z.object({
      scope: z.enum(["cell", "account", "region", "rule", "organizations", "securityhub", "sources", "resources"]),
      operation: z.string(),
      reason: z.string(),
      accountId: z.string().optional(),
      region: z.string().optional(),
      rule: z.string().optional(),
    }),
  ),
  apiCalls: z.number().int().nonnegative(),
});

/** Writes the snapshot through a temporary file, so a failed write never leaves half a snapshot. */
export function saveSnapshot(file: string, snapshot: Snapshot): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(snapshot, null, 1) + "\n");
  renameSync(temporary, file);
}

export function loadSnapshot(file: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read snapshot: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not a snapshot, invalid JSON: ${(err as Error).message}`);
  }
  return parseSnapshot(data, file);
}

/** Validates data already parsed from JSON; `origin` names it in errors. */
export function parseSnapshot(data: unknown, origin: string): Snapshot {
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(document)";
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : "";
    throw new Error(`${origin}: not a valid snapshot: ${where}: ${issue.message}${more}`);
  }
  const snapshot: Snapshot = parsed.data;
  return snapshot;
}
