import { keyAliasName } from "../naming.js";
import { bySid, policyDocument, sidPart, toList, uniqueSids, type Conditions, type PolicyDocument, type Statement } from "./document.js";
import { KEY_ADMIN_ACTIONS, viaService, type KeyCryptoAction } from "./key-policy.js";
import { assertKept, IDENTITY_STATEMENT } from "./must-never.js";
import { outboundTokenStatements, parameterReadStatements, type OutboundTokenGrant, type ParameterReadGrant } from "./value-policies.js";

/**
 * Identity (permission) policies of execution roles: least-privilege grants with
 * exact ARNs. A key in another stack or account has no ARN known at synth time, so
 * keys are matched as `key/*` of their account and region narrowed by alias
 * (`kms:ResourceAliases`) and bound to the calling service (`kms:ViaService`).
 */

/** Secrets Manager appends six random characters to a secret's ARN. */
export function secretArn(region: string, accountId: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-??????`;
}

export interface SecretReadGrant {
  accountId: string;
  name: string;
  /** The secret's region and its replica regions. */
  regions: string[];
  /** The customer-managed key encrypting it; undefined for the AWS-managed key. */
  keyName?: string;
}

export interface KeyUseGrant {
  accountId: string;
  keyName: string;
  regions: string[];
  /** Service endpoint names, e.g. secretsmanager, s3. */
  via: string[];
  access: "decrypt" | "encrypt" | "encrypt-decrypt";
}

export interface LogGroupGrant {
  accountId: string;
  name: string;
  regions: string[];
}

/** Same-account attribute-based access: resource tags must equal the role's own tags. */
export interface AbacGrant {
  accountId: string;
  regions: string[];
  tagKeys: string[];
  /** The principal tag each resource tag must equal, when not the same key (e.g. a certificate's `x509Subject/OU`). */
  principalTagKeys?: Record<string, string>;
}

/** Keys the role administers (the key's declared `administrators`): management, never cryptographic use. */
export interface KeyAdminGrant {
  accountId: string;
  keyName: string;
  regions: string[];
}

export interface IdentityPolicyInput {
  /** For MFA roles: deny everything once the MFA sign-in is older than this many seconds. */
  mfaSessionBound?: number;
  secrets?: SecretReadGrant[];
  keys?: KeyUseGrant[];
  administersKeys?: KeyAdminGrant[];
  logGroups?: LogGroupGrant[];
  abac?: AbacGrant;
  /** Parameter Store hierarchies the role reads. */
  parameters?: ParameterReadGrant[];
  /** Outbound web identity tokens the role may mint. */
  outboundTokens?: OutboundTokenGrant;
  /** Hand-written statements; refused if one matches the must-never list. */
  statements?: Statement[];
}

export const SECRET_READ_ACTIONS = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"];

/** What a key grant's `access` allows; the key policy side grants the same actions. */
export const KEY_ACCESS_ACTIONS: Record<KeyUseGrant["access"], KeyCryptoAction[]> = {
  decrypt: ["kms:Decrypt", "kms:DescribeKey"],
  encrypt: ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
  "encrypt-decrypt": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
};

/** The role's permission policy, or undefined when it grants nothing. */
export function identityPolicy(input: IdentityPolicyInput): PolicyDocument | undefined {
  const statements: Statement[] = [];
  const secrets = input.secrets ?? [];
  if (secrets.length > 0) {
    statements.push({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: SECRET_READ_ACTIONS,
      Resource: secrets.flatMap((s) => s.regions.map((r) => secretArn(r, s.accountId, s.name))),
    });
    const byKey = new Map<string, { accountId: string; keyName: string; regions: Set<string> }>();
    for (const s of secrets) {
      if (!s.keyName) continue;
      const id = `${s.accountId}/${s.keyName}`;
      const entry = byKey.get(id) ?? { accountId: s.accountId, keyName: s.keyName, regions: new Set<string>() };
      for (const r of s.regions) entry.regions.add(r);
      byKey.set(id, entry);
    }
    for (const k of byKey.values()) {
      statements.push(
        keyStatement(`DecryptSecrets${sidPart(k.keyName)}${k.accountId}`, ["kms:Decrypt"], k.accountId, k.keyName, [...k.regions], ["secretsmanager"]),
      );
    }
  }
  const keys = (input.keys ?? []).map((k) =>
    keyStatement(`UseKey${sidPart(k.keyName)}${k.accountId}`, KEY_ACCESS_ACTIONS[k.access], k.accountId, k.keyName, k.regions, k.via),
  );
  statements.push(...bySid(uniqueSids(keys)));
  const administered = (input.administersKeys ?? []).flatMap((k) => keyAdminStatements(k));
  statements.push(...bySid(uniqueSids(administered)));
  const logGroups = input.logGroups ?? [];
  if (logGroups.length > 0) {
    statements.push({
      Sid: "WriteLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: logGroups.flatMap((g) =>
        g.regions.flatMap((r) => [`arn:aws:logs:${r}:${g.accountId}:log-group:${g.name}`, `arn:aws:logs:${r}:${g.accountId}:log-group:${g.name}:log-stream:*`]),
      ),
    });
  }
  if (input.abac) statements.push(...abacStatements(input.abac));
  statements.push(...parameterReadStatements(input.parameters ?? []));
  if (input.outboundTokens) statements.push(...outboundTokenStatements(input.outboundTokens));
  if (input.mfaSessionBound !== undefined) {
    // NotAction keeps GetCallerIdentity so a person can still see who they are once the session has run out.
    statements.push({
      Sid: "DenyAfterSessionBound",
      Effect: "Deny",
      NotAction: "sts:GetCallerIdentity",
      Resource: "*",
      Condition: { NumericGreaterThan: { "aws:MultiFactorAuthAge": input.mfaSessionBound } },
    });
  }
  for (const s of input.statements ?? []) {
    assertKept(IDENTITY_STATEMENT, s);
    statements.push({ ...s, Sid: s.Sid ?? `${s.Effect}${sidPart(toList(s.Action ?? s.NotAction)[0] ?? "")}` });
  }
  if (statements.length === 0) return undefined;
  return policyDocument(uniqueSids(statements));
}

function keyStatement(sid: string, actions: string[], accountId: string, keyName: string, regions: string[], via: string[]): Statement {
  if (via.length === 0) throw new Error(`${sid}: key use must name the services it goes through (kms:ViaService)`);
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: regions.map((r) => `arn:aws:kms:${r}:${accountId}:key/*`),
    Condition: {
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": keyAliasName(keyName) },
      StringEquals: { "kms:ViaService": regions.flatMap((r) => via.map((v) => viaService(v, r))) },
    },
  };
}

/** Alias actions need the alias as well as the key; the key side is narrowed by alias like key use. */
const ALIAS_ACTIONS = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"];

function keyAdminStatements(k: KeyAdminGrant): Statement[] {
  const name = `${sidPart(k.keyName)}${k.accountId}`;
  return [
    {
      Sid: `AdministerKey${name}`,
      Effect: "Allow",
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: k.regions.map((r) => `arn:aws:kms:${r}:${k.accountId}:key/*`),
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": keyAliasName(k.keyName) } },
    },
    {
      Sid: `AdministerAlias${name}`,
      Effect: "Allow",
      Action: ALIAS_ACTIONS,
      Resource: k.regions.map((r) => `arn:aws:kms:${r}:${k.accountId}:${keyAliasName(k.keyName)}`),
    },
  ];
}

function abacStatements(abac: AbacGrant): Statement[] {
  if (abac.tagKeys.length === 0) throw new Error("ABAC needs at least one tag key");
  const match: Record<string, string> = {};
  for (const key of abac.tagKeys) match[`aws:ResourceTag/${key}`] = `\${aws:PrincipalTag/${abac.principalTagKeys?.[key] ?? key}}`;
  return [
    {
      Sid: "AbacReadSecrets",
      Effect: "Allow",
      Action: SECRET_READ_ACTIONS,
      Resource: abac.regions.map((r) => `arn:aws:secretsmanager:${r}:${abac.accountId}:secret:*`),
      Condition: { StringEquals: match },
    },
    {
      Sid: "AbacDecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: abac.regions.map((r) => `arn:aws:kms:${r}:${abac.accountId}:key/*`),
      Condition: { StringEquals: { ...match, "kms:ViaService": abac.regions.map((r) => viaService("secretsmanager", r)) } },
    },
  ];
}

/** A hand-written config statement. */
export interface ConfigStatement {
  sid?: string;
  effect: "Allow" | "Deny";
  actions: string[];
  resources: string[];
  conditions?: Conditions;
}

/** Hand-written config statements as policy statements. */
export function configStatement(s: ConfigStatement): Statement {
  return {
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect,
    Action: [...s.actions],
    Resource: [...s.resources],
    ...(s.conditions ? { Condition: s.conditions } : {}),
  };
}

/** A session policy as AssumeRole receives it; it only narrows a role, yet stays off the must-never list like any identity policy. */
export function sessionPolicy(statements: readonly ConfigStatement[]): PolicyDocument {
  return policyDocument(
    statements.map((s) => {
      const statement = configStatement(s);
      assertKept(IDENTITY_STATEMENT, statement);
      return statement;
    }),
  );
}

/** Where a pipeline role reads and writes Terraform state. */
export type StateAccess =
  | { type: "s3"; bucket: string; region: string; stateKeys: string[]; kmsKeyArn?: string; kmsAliasArn?: string }
  | { type: "assume-role"; roleArn: string }
  | { type: "none" };

/** Data reads a read-only plan must never make: secret values, parameters, object and item contents, decryption. */
export const PLAN_DENIED_READS = [
  "dynamodb:BatchGetItem",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "secretsmanager:BatchGetSecretValue",
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameterHistory",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
];

/** Inline policy of the GitHub plan role (next to AWS-managed ReadOnlyAccess): no data reads, state read and lock only. */
export function planRolePolicy(state: StateAccess): PolicyDocument {
  const statements: Statement[] = [
    { Sid: "DenySecretAndDataReads", Effect: "Deny", Action: PLAN_DENIED_READS, Resource: "*" },
    ...objectAndDecryptDenies(state),
    ...stateStatements(state, "read"),
  ];
  return policyDocument(statements);
}

export interface ApplyRoleInput {
  /** The account's deploy role, which the provider assumes during apply. */
  deployRoleArn: string;
  state: StateAccess;
}

/** Inline policy of the GitHub apply role: assume the deploy role; read, write and lock this account's state. */
export function applyRolePolicy(input: ApplyRoleInput): PolicyDocument {
  return policyDocument([
    { Sid: "AssumeDeployRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: input.deployRoleArn },
    ...stateStatements(input.state, "write"),
  ]);
}

function objectAndDecryptDenies(state: StateAccess): Statement[] {
  if (state.type !== "s3") {
    return [{ Sid: "DenyObjectReadsAndDecrypt", Effect: "Deny", Action: ["kms:Decrypt", "s3:GetObject", "s3:GetObjectVersion"], Resource: "*" }];
  }
  return [
    {
      Sid: "DenyObjectReadsOutsideState",
      Effect: "Deny",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      NotResource: stateObjectArns(state),
    },
    {
      Sid: "DenyDecryptOutsideState",
      Effect: "Deny",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotEquals: { "kms:ViaService": viaService("s3", state.region) } },
    },
  ];
}

function stateObjectArns(state: Extract<StateAccess, { type: "s3" }>): string[] {
  return state.stateKeys.flatMap((k) => [`arn:aws:s3:::${state.bucket}/${k}`, `arn:aws:s3:::${state.bucket}/${k}.tflock`]);
}

function stateStatements(state: StateAccess, mode: "read" | "write"): Statement[] {
  if (state.type === "none") return [];
  if (state.type === "assume-role") return [{ Sid: "AssumeStateRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: state.roleArn }];
  if (state.stateKeys.length === 0) return [];
  const keys = state.stateKeys.map((k) => `arn:aws:s3:::${state.bucket}/${k}`);
  const locks = state.stateKeys.map((k) => `arn:aws:s3:::${state.bucket}/${k}.tflock`);
  const statements: Statement[] = [
    {
      Sid: "ListOwnState",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${state.bucket}`,
      Condition: { StringEquals: { "s3:prefix": [...state.stateKeys, ...state.stateKeys.map((k) => `${k}.tflock`)] } },
    },
    {
      Sid: mode === "read" ? "ReadOwnState" : "ReadWriteOwnState",
      Effect: "Allow",
      Action: mode === "read" ? "s3:GetObject" : ["s3:GetObject", "s3:PutObject"],
      Resource: keys,
    },
    { Sid: "LockOwnState", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: locks },
  ];
  if (state.kmsKeyArn || state.kmsAliasArn) {
    const alias = state.kmsAliasArn ? /:alias\/(.+)$/.exec(state.kmsAliasArn) : null;
    statements.push({
      Sid: "StateKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: state.kmsKeyArn ?? state.kmsAliasArn!.replace(/:alias\/.+$/, ":key/*"),
      Condition: {
        StringEquals: { "kms:ViaService": viaService("s3", state.region) },
        ...(alias ? { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${alias[1]}` } } : {}),
      },
    });
  }
  return statements;
}
