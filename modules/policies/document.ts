import { createHash } from "node:crypto";
import { byCodePoint } from "../order.js";

/**
 * IAM policy documents as plain values. Builders in this folder return these as AWS
 * reads them (a policy variable is `${aws:PrincipalTag/Project}`); `policyJson`
 * serializes them once for Terraform, with a canonical key and value order, so the
 * same config always yields byte-identical JSON.
 */

export type ConditionValue = string | number | boolean | Array<string | number | boolean>;
/** `{ operator: { key: value } }`, e.g. `{ StringEquals: { "aws:PrincipalOrgID": "o-..." } }`. */
export type Conditions = Record<string, Record<string, ConditionValue>>;

export type Principal = "*" | { AWS?: string | string[]; Service?: string | string[]; Federated?: string | string[] };

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Conditions;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

export function policyDocument(statements: Statement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

const BASE_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
] as const;

/** A policy field that is one string or several, as a list. */
export function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * A misspelled condition operator never matches, which silently turns a Deny into
 * nothing; only these (optionally with IfExists and set prefixes) are accepted.
 */
export function isKnownConditionOperator(operator: string): boolean {
  if (operator === "Null") return true;
  const unprefixed = operator.replace(/^(ForAnyValue|ForAllValues):/, "");
  const base = unprefixed.endsWith("IfExists") ? unprefixed.slice(0, -"IfExists".length) : unprefixed;
  return (BASE_OPERATORS as readonly string[]).includes(base);
}

const STATEMENT_KEYS = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"] as const;

/** Canonical form: fixed statement key order, sorted unique lists, sorted condition maps. */
export function canonicalPolicy(doc: PolicyDocument): PolicyDocument {
  return { Version: doc.Version, Statement: doc.Statement.map(canonicalStatement) };
}

/**
 * The policy as a Terraform string: canonical JSON, escaped as a Terraform template
 * (see `escapeTerraformTemplate`). The one place policies are serialized into Terraform.
 */
export function policyJson(doc: PolicyDocument): string {
  return escapeTerraformTemplate(JSON.stringify(canonicalPolicy(doc)));
}

/** cdktf's own references (`${TfToken[TOKEN.1]}`), which cdktf resolves into Terraform expressions. */
const CDKTF_TOKEN = "TfToken[";

/**
 * Terraform reads every string of its JSON syntax as a template: `${` starts an
 * interpolation and `%{` a directive, so an IAM variable must be written `$${aws:...}`
 * (and a literal `%{` as `%%{`), or plan fails. cdktf's tokens are left for cdktf to resolve.
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{/g, (match, offset: number) => (text.startsWith(CDKTF_TOKEN, offset + 2) ? match : "$${")).replace(/%\{/g, "%%{");
}

/** The literal text of an escaped template string, as AWS receives it: `$${` is `${`, `%%{` is `%{`. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** Statements in the order of their ids: the order of the config they came from does not matter. */
export function bySid(statements: Statement[]): Statement[] {
  return [...statements].sort((a, b) => byCodePoint(a.Sid ?? "", b.Sid ?? ""));
}

/** A statement id part from free text: letters and digits, each word capitalized (`payments-api` -> `PaymentsApi`). */
export function sidPart(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("");
}

/**
 * Statement ids are named by content, never by position, so one more grant does not
 * rename every statement after it in a reviewed plan. Statements that still share an
 * id get a suffix from a hash of their content.
 */
export function uniqueSids(statements: Statement[]): Statement[] {
  const counts = new Map<string, number>();
  for (const { Sid } of statements) if (Sid !== undefined) counts.set(Sid, (counts.get(Sid) ?? 0) + 1);
  return statements.map((s) => {
    if (s.Sid === undefined || counts.get(s.Sid) === 1) return s;
    const { Sid, ...content } = s;
    return {
      ...s,
      Sid: `${Sid}${createHash("sha256")
        .update(JSON.stringify(canonicalStatement(content as Statement)))
        .digest("hex")
        .slice(0, 8)}`,
    };
  });
}

function canonicalStatement(statement: Statement): Statement {
  const out: Record<string, unknown> = {};
  for (const key of STATEMENT_KEYS) {
    const value = statement[key];
    if (value === undefined) continue;
    if (key === "Condition") out[key] = canonicalConditions(value as Conditions);
    else if (key === "Principal" || key === "NotPrincipal") out[key] = canonicalPrincipal(value as Principal);
    else out[key] = canonicalList(value as string | string[]);
  }
  return out as unknown as Statement;
}

function canonicalList<T extends string | number | boolean>(value: T | T[]): T | T[] {
  if (!Array.isArray(value)) return value;
  const unique = [...new Set(value)].sort((a, b) => byCodePoint(String(a), String(b)));
  return unique.length === 1 ? unique[0]! : unique;
}

function canonicalPrincipal(principal: Principal): Principal {
  if (principal === "*") return principal;
  const out: Record<string, string | string[]> = {};
  for (const kind of ["AWS", "Federated", "Service"] as const) {
    const value = principal[kind];
    if (value !== undefined) out[kind] = canonicalList(value);
  }
  return out;
}

function canonicalConditions(conditions: Conditions): Conditions {
  const out: Conditions = {};
  for (const operator of Object.keys(conditions).sort()) {
    const byKey = conditions[operator]!;
    out[operator] = {};
    for (const key of Object.keys(byKey).sort()) out[operator][key] = canonicalList(byKey[key]!);
  }
  return out;
}
