import type { Scorecard } from "../model/types.js";
import { unusedFindingLabel } from "./format.js";

const COLUMNS = [
  "account_id",
  "account_name",
  "ou",
  "region",
  "rule",
  "control_id",
  "title",
  "severity",
  "resource_type",
  "resource_id",
  "annotation",
  "recorded_at",
  "doc_url",
  "frameworks",
] as const;

/**
 * One row per non-compliant resource (with the framework requirements its control maps to), RFC 4180: CRLF line ends, fields with a comma, quote or
 * line break quoted and inner quotes doubled. A cell a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) gets a leading apostrophe: resource ids and annotations
 * come from the audited accounts, so they may be hostile.
 */
export function renderCsv(card: Scorecard): string {
  const controlIds = new Map(card.rules.map((r) => [r.rule, r.controlId]));
  // `nist-800-53 SC-12; cis-aws 3.8`: the requirements a resource's control gives evidence for.
  const requirements = new Map<string, string[]>();
  for (const f of card.frameworks) {
    for (const r of f.requirements) {
      for (const c of r.controls) requirements.set(c.controlId, [...(requirements.get(c.controlId) ?? []), `${f.id} ${r.id}`]);
    }
  }
  const rows = card.resources.map((r) => [
    r.accountId,
    r.accountName,
    r.ou,
    r.region,
    r.rule,
    controlIds.get(r.rule) ?? null,
    r.title,
    r.severity,
    r.resourceType,
    r.resourceId,
    r.annotation,
    r.recordedAt,
    r.docUrl,
    (requirements.get(controlIds.get(r.rule) ?? "") ?? []).join("; ") || null,
  ]);
  // A resource drifted from its Terraform configuration (--drift) is a non-compliant resource too: rule terraform-drift.
  const ous = new Map(card.accounts.map((a) => [a.accountId, a.ou]));
  const drifted = (card.declared?.drift?.drifted ?? []).flatMap((s) =>
    s.resources.map((r) => [
      s.accountId,
      s.accountName,
      ous.get(s.accountId) ?? null,
      s.region,
      "terraform-drift",
      null,
      `Drifted from its Terraform configuration (stack ${s.stack})`,
      null,
      r.address.split(".").at(-2) ?? null,
      r.address,
      r.actions.join(" "),
      s.checkedAt,
      s.runUrl,
      null,
    ]),
  );
  // A secret, key or role reachable from outside the organization (IAM Access Analyzer) is a finding too: rule access-analyzer-<access>.
  const names = new Map(card.accounts.map((a) => [a.accountId, a.name]));
  const external = (card.accessAnalyzer?.resources ?? []).map((r) => [
    r.accountId,
    r.accountName ?? names.get(r.accountId) ?? null,
    ous.get(r.accountId) ?? null,
    r.region,
    `access-analyzer-${r.access}`,
    "ACCESS-ANALYZER-EXTERNAL",
    r.access === "public"
      ? "Reachable by anyone (IAM Access Analyzer)"
      : r.access === "outside-organization"
        ? "Reachable from outside the organization (IAM Access Analyzer)"
        : "Reachable from outside the organization, public or not unknown (IAM Access Analyzer)",
    null,
    r.resourceType,
    r.resource,
    [r.principals.length ? `principals: ${r.principals.join("; ")}` : "", r.actions.length ? `actions: ${r.actions.join(", ")}` : ""]
      .filter(Boolean)
      .join(" | ") || null,
    r.updatedAt,
    null,
    (requirements.get("ACCESS-ANALYZER-EXTERNAL") ?? []).join("; ") || null,
  ]);
  // A role, user access key or password nobody used (the unused-access analyzer) is a standing credential: rule access-analyzer-unused.
  const unused = (card.accessAnalyzer?.unused?.resources ?? []).map((r) => [
    r.accountId,
    r.accountName ?? names.get(r.accountId) ?? null,
    ous.get(r.accountId) ?? null,
    null,
    "access-analyzer-unused",
    "ACCESS-ANALYZER-UNUSED",
    `Unused access: ${unusedFindingLabel(r.findingType)} (IAM Access Analyzer)`,
    null,
    r.resourceType,
    r.resource,
    r.findingType,
    r.updatedAt,
    null,
    (requirements.get("ACCESS-ANALYZER-UNUSED") ?? []).join("; ") || null,
  ]);
  return [COLUMNS as readonly (string | null)[], ...rows, ...drifted, ...external, ...unused].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
