/**
 * IAM policy documents as plain values. Builders in this folder return these;
 * `policyJson` serializes them once, with a canonical key and value order, so the
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

export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(canonicalPolicy(doc));
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
  const unique = [...new Set(value)].sort((a, b) => String(a).localeCompare(String(b), "en"));
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
