import { UnsupportedPolicyError } from "./errors.js";
import { matchesArnPattern, matchesWildcard } from "./matching.js";

/**
 * IAM condition operators, as AWS evaluates them. A request value is a string,
 * number, boolean or a list (multivalued keys such as `aws:TagKeys`); a key the
 * request does not carry is `undefined`.
 */
export type ContextValue = string | number | boolean | ReadonlyArray<string | number | boolean>;
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

type Compare = (requestValue: string, policyValue: string) => boolean;

const toNumber = (s: string): number => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : Number.NaN);
const toDate = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

function ipv4(value: string): number | undefined {
  const parts = value.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bits = "32"] = cidr.split("/");
  const ip = ipv4(address);
  const net = ipv4(base ?? "");
  if (ip === undefined || net === undefined) {
    if (address.includes(":") || cidr.includes(":")) throw new UnsupportedPolicyError(`IPv6 address ${JSON.stringify(cidr)} in a condition`);
    return false;
  }
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ip / size) === Math.floor(net / size);
}

/** Base (positive) operators; the negated ones are their complement over the policy values. */
const POSITIVE: Record<string, Compare> = {
  StringEquals: (r, p) => r === p,
  StringEqualsIgnoreCase: (r, p) => r.toLowerCase() === p.toLowerCase(),
  StringLike: (r, p) => matchesWildcard(p, r, false),
  NumericEquals: (r, p) => toNumber(r) === toNumber(p),
  NumericLessThan: (r, p) => toNumber(r) < toNumber(p),
  NumericLessThanEquals: (r, p) => toNumber(r) <= toNumber(p),
  NumericGreaterThan: (r, p) => toNumber(r) > toNumber(p),
  NumericGreaterThanEquals: (r, p) => toNumber(r) >= toNumber(p),
  DateEquals: (r, p) => toDate(r) === toDate(p),
  DateLessThan: (r, p) => toDate(r) < toDate(p),
  DateLessThanEquals: (r, p) => toDate(r) <= toDate(p),
  DateGreaterThan: (r, p) => toDate(r) > toDate(p),
  DateGreaterThanEquals: (r, p) => toDate(r) >= toDate(p),
  Bool: (r, p) => r.toLowerCase() === p.toLowerCase(),
  BinaryEquals: (r, p) => r === p,
  IpAddress: (r, p) => inCidr(r, p),
  ArnEquals: (r, p) => matchesArnPattern(p, r),
  ArnLike: (r, p) => matchesArnPattern(p, r),
};

/** Negated operators: true when no policy value matches, and true when the key is absent. */
const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
  NotIpAddress: "IpAddress",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

export interface ParsedOperator {
  base: string;
  negated: boolean;
  ifExists: boolean;
  set?: "ForAnyValue" | "ForAllValues";
}

const operators = new Map<string, ParsedOperator>();

/** Splits `ForAllValues:StringNotEqualsIfExists` into its parts; refuses what IAM does not know. */
export function parseOperator(operator: string): ParsedOperator {
  let parsed = operators.get(operator);
  if (!parsed) {
    parsed = parse(operator);
    operators.set(operator, parsed);
  }
  return parsed;
}

function parse(operator: string): ParsedOperator {
  if (operator === "Null") return { base: "Null", negated: false, ifExists: false };
  const setMatch = /^(ForAnyValue|ForAllValues):(.*)$/.exec(operator);
  const set = setMatch?.[1] as ParsedOperator["set"];
  let rest = setMatch ? setMatch[2]! : operator;
  const ifExists = rest.endsWith("IfExists");
  if (ifExists) rest = rest.slice(0, -"IfExists".length);
  if (POSITIVE[rest]) return { base: rest, negated: false, ifExists, set };
  const positive = NEGATED[rest];
  if (positive) return { base: positive, negated: true, ifExists, set };
  throw new UnsupportedPolicyError(`unknown condition operator ${JSON.stringify(operator)}`);
}

const asStrings = (value: ContextValue): string[] => (Array.isArray(value) ? value : [value as string | number | boolean]).map(String);

/**
 * One `operator: { key: values }` entry. `resolve` substitutes policy variables in
 * policy values; an unresolvable variable yields no value (it matches nothing).
 */
export function conditionHolds(
  operator: string,
  key: string,
  policyValues: ReadonlyArray<string | number | boolean>,
  context: RequestContext,
  resolve: (value: string) => string | undefined,
): boolean {
  const op = parseOperator(operator);
  const requestValue = lookup(context, key);
  if (op.base === "Null") {
    const wantAbsent = policyValues.some((v) => String(v).toLowerCase() === "true");
    const absent = requestValue === undefined || (Array.isArray(requestValue) && requestValue.length === 0);
    return wantAbsent === absent;
  }
  const values = policyValues.map((v) => resolve(String(v))).filter((v): v is string => v !== undefined);
  const compare = POSITIVE[op.base]!;
  const anyMatch = (r: string) => values.some((p) => compare(r, p));
  const single = (r: string) => (op.negated ? !anyMatch(r) : anyMatch(r));

  if (op.set) {
    const requestValues = requestValue === undefined ? [] : asStrings(requestValue);
    if (op.set === "ForAllValues") return requestValues.every(single);
    return requestValues.some(single);
  }
  if (requestValue === undefined) return op.ifExists || op.negated;
  // A single-valued operator against a multivalued key: AWS compares each; any match counts.
  return asStrings(requestValue).some(single);
}

const folded = new WeakMap<RequestContext, Map<string, ContextValue | undefined>>();

/** Context keys are case-insensitive; tag values keep their case. */
export function lookup(context: RequestContext, key: string): ContextValue | undefined {
  if (key in context) return context[key];
  let byLowerKey = folded.get(context);
  if (!byLowerKey) {
    byLowerKey = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
    folded.set(context, byLowerKey);
  }
  return byLowerKey.get(key.toLowerCase());
}
