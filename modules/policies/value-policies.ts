import { keyAliasName } from "../naming.js";
import { sidPart, type Statement } from "./document.js";
import { viaService } from "./key-policy.js";
import { assertKept, OUTBOUND_TOKEN } from "./must-never.js";

/**
 * Identity statements for values that are not Secrets Manager secrets: reading a
 * Parameter Store hierarchy, and minting outbound web identity tokens. Pure data.
 */

/** What reading a hierarchy allows: single and batch reads, and the recursive read of the path. */
export const PARAMETER_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"];

export interface ParameterReadGrant {
  accountId: string;
  /** The hierarchy, e.g. `/prod/payments/api` (no trailing slash). */
  path: string;
  regions: string[];
  /** The customer-managed key encrypting its SecureString parameters, if any. */
  keyName?: string;
}

/**
 * The ARNs of a hierarchy: the path itself (what GetParametersByPath is authorized
 * on) and everything below it. Never `path*`, which would also match `/prod/payments/api-admin`.
 */
export function parameterPathArns(region: string, accountId: string, path: string): string[] {
  const base = `arn:aws:ssm:${region}:${accountId}:parameter${path}`;
  return [base, `${base}/*`];
}

/** Read a hierarchy's parameters, and decrypt its SecureStrings only through Parameter Store and only for parameters under the path. */
export function parameterReadStatements(grants: ParameterReadGrant[]): Statement[] {
  if (grants.length === 0) return [];
  const statements: Statement[] = [
    {
      Sid: "ReadParameters",
      Effect: "Allow",
      Action: PARAMETER_READ_ACTIONS,
      Resource: grants.flatMap((g) => g.regions.flatMap((r) => parameterPathArns(r, g.accountId, g.path))),
    },
  ];
  const byKey = new Map<string, ParameterReadGrant[]>();
  for (const g of grants) {
    if (!g.keyName) continue;
    const id = `${g.accountId}/${g.keyName}`;
    byKey.set(id, [...(byKey.get(id) ?? []), g]);
  }
  for (const group of byKey.values()) {
    const { accountId, keyName } = group[0]!;
    const regions = [...new Set(group.flatMap((g) => g.regions))];
    statements.push({
      Sid: `DecryptParameters${sidPart(keyName!)}${accountId}`,
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: regions.map((r) => `arn:aws:kms:${r}:${accountId}:key/*`),
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": keyAliasName(keyName!) },
        StringEquals: { "kms:ViaService": regions.map((r) => viaService("ssm", r)) },
        // Parameter Store encrypts each value with its parameter's ARN as encryption context.
        StringLike: { "kms:EncryptionContext:PARAMETER_ARN": group.flatMap((g) => g.regions.map((r) => parameterPathArns(r, accountId, g.path)[1]!)) },
      },
    });
  }
  return statements;
}

export interface OutboundTokenGrant {
  /** Exact audiences (`aud`) the workload may ask tokens for; 1-10, no wildcards. */
  audiences: string[];
  /** Longest token lifetime it may ask for (60-3600 s). */
  maxDurationSeconds: number;
  /** Tags it may put in the token (`sts:TagGetWebIdentityToken`), with their only allowed values. */
  tags?: Record<string, string>;
}

/** AWS bounds of GetWebIdentityToken. */
export const TOKEN_DURATION_RANGE: [number, number] = [60, 3600];
export const MAX_TOKEN_AUDIENCES = 10;

/**
 * IAM outbound identity federation: the workload may mint signed JWTs for exactly
 * these audiences and no longer than the bound. `sts:IdentityTokenAudience` is
 * multivalued (a token may name up to 10 audiences), so every requested audience
 * must be declared (ForAllValues) and at least one must be given (Null = false),
 * since ForAllValues alone also matches a request without the key. The caller must
 * pass DurationSeconds: without it the key is absent and the bound denies.
 */
export function outboundTokenStatements(grant: OutboundTokenGrant): Statement[] {
  assertKept(OUTBOUND_TOKEN, grant);
  const bounds = tokenBoundsProblem(grant);
  if (bounds) throw new Error(bounds);
  const statements: Statement[] = [
    {
      Sid: "MintOutboundTokens",
      Effect: "Allow",
      Action: "sts:GetWebIdentityToken",
      Resource: "*",
      Condition: {
        "ForAllValues:StringEquals": { "sts:IdentityTokenAudience": [...grant.audiences] },
        Null: { "sts:IdentityTokenAudience": "false" },
        NumericLessThanEquals: { "sts:DurationSeconds": grant.maxDurationSeconds },
      },
    },
  ];
  const tags = Object.entries(grant.tags ?? {});
  if (tags.length > 0) {
    const requestTags: Record<string, string> = {};
    for (const [key, value] of tags) requestTags[`aws:RequestTag/${key}`] = value;
    statements.push({
      Sid: "TagOutboundTokens",
      Effect: "Allow",
      Action: "sts:TagGetWebIdentityToken",
      Resource: "*",
      Condition: {
        "ForAllValues:StringEquals": { "aws:TagKeys": tags.map(([key]) => key) },
        StringEquals: requestTags,
      },
    });
  }
  return statements;
}

/** Which of GetWebIdentityToken's bounds a grant exceeds, or undefined; the schema enforces them on config. */
function tokenBoundsProblem(grant: OutboundTokenGrant): string | undefined {
  if (grant.audiences.length > MAX_TOKEN_AUDIENCES) return `at most ${MAX_TOKEN_AUDIENCES} audiences: GetWebIdentityToken accepts no more`;
  const long = grant.audiences.find((aud) => aud.length === 0 || aud.length > 1000);
  if (long !== undefined) return `audience ${JSON.stringify(long.slice(0, 40))} must be 1-1000 characters`;
  const [min, max] = TOKEN_DURATION_RANGE;
  if (!Number.isInteger(grant.maxDurationSeconds) || grant.maxDurationSeconds < min || grant.maxDurationSeconds > max) {
    return `maxDurationSeconds ${grant.maxDurationSeconds} is outside ${min}-${max} s, the lifetimes GetWebIdentityToken issues`;
  }
  return undefined;
}
