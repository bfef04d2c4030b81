import { byCodePoint } from "../order.js";
import { unescapeTerraformTemplate, type Statement } from "../policies/document.js";
import type { SynthesizedStack } from "./types.js";

/**
 * Reading synthesized Terraform JSON: resources by type, references between them
 * (`${aws_kms_key.x.arn}`), and the policy documents they carry.
 */

export interface TfBlock {
  /** `aws_kms_key.logs_key_1A2B3C` */
  address: string;
  name: string;
  body: Record<string, unknown>;
}

export function resourcesOf(stack: SynthesizedStack, type: string): TfBlock[] {
  return blocks(stack.json.resource?.[type], type);
}

export function dataSourcesOf(stack: SynthesizedStack, type: string): TfBlock[] {
  return blocks(stack.json.data?.[type], `data.${type}`);
}

function blocks(byName: Record<string, Record<string, unknown>> | undefined, prefix: string): TfBlock[] {
  return Object.entries(byName ?? {})
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([name, body]) => ({ address: `${prefix}.${name}`, name, body }));
}

/** Whether a value (any depth) references `address`, as `${address.attr}` or `${address}`. */
export function refersTo(value: unknown, address: string): boolean {
  if (typeof value === "string") return value.includes(`\${${address}.`) || value.includes(`\${${address}}`);
  if (Array.isArray(value)) return value.some((v) => refersTo(v, address));
  if (value && typeof value === "object") return Object.values(value).some((v) => refersTo(v, address));
  return false;
}

/** A nested block cdktf writes as an object or a one-element list. */
export function block(value: unknown): Record<string, unknown> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === "object" ? (first as Record<string, unknown>) : undefined;
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export type ParsedPolicy = { ok: true; statements: Statement[] } | { ok: false; why: string };

/**
 * The statements of a policy attribute: literal JSON (as `policyJson` writes it) or a
 * reference to an `aws_iam_policy_document` data source of the same stack.
 */
export function parsePolicy(stack: SynthesizedStack, value: unknown): ParsedPolicy {
  if (typeof value !== "string") return { ok: false, why: "policy is not a JSON string" };
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(value);
  if (ref) {
    const data = stack.json.data?.aws_iam_policy_document?.[ref[1]!];
    if (!data) return { ok: false, why: `policy refers to a missing aws_iam_policy_document ${ref[1]}` };
    return { ok: true, statements: asList(data.statement).map((s) => fromDocumentBlock(s as Record<string, unknown>)) };
  }
  try {
    // The policy as AWS receives it: Terraform has turned `$${aws:...}` back into `${aws:...}`.
    const doc = JSON.parse(unescapeTerraformTemplate(value)) as { Statement?: Statement | Statement[] };
    return { ok: true, statements: asList(doc.Statement) as Statement[] };
  } catch {
    return { ok: false, why: "policy is computed at apply time, so it cannot be verified before deployment" };
  }
}

function fromDocumentBlock(s: Record<string, unknown>): Statement {
  const statement: Statement = { Effect: s.effect === "Deny" ? "Deny" : "Allow" };
  if (s.actions !== undefined) statement.Action = asList(s.actions) as string[];
  if (s.not_actions !== undefined) statement.NotAction = asList(s.not_actions) as string[];
  if (s.resources !== undefined) statement.Resource = asList(s.resources) as string[];
  return statement;
}

export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Principal `*` or `{ AWS: "*" }`: anyone, unless conditions narrow it. */
export function isAnyPrincipal(principal: Statement["Principal"]): boolean {
  if (principal === undefined) return false;
  if (principal === "*") return true;
  return listOf(principal.AWS).includes("*");
}
