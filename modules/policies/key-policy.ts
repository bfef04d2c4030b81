import { byCodePoint } from "../order.js";
import { bySid, policyDocument, sidPart, uniqueSids, type Conditions, type PolicyDocument, type Statement } from "./document.js";
import { assertKept, CONDITIONS } from "./must-never.js";
import { principalsByAccount, accountRoot, mergeConditions } from "./principals.js";

/**
 * KMS key policies assembled from named roles, in the style of
 * terraform-aws-modules/kms: the account root (lockout safety), administrators,
 * users, service users and cross-account users. Pure data; no cdktf.
 *
 * Named principals are written as their account's root plus an exact
 * `aws:PrincipalArn` condition: KMS rejects a policy naming a role that does not
 * exist yet (a role in another stack or account), and a recreated role keeps access.
 */

/** Key management only: no cryptographic use, no CreateGrant. */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
] as const;

/** Cryptographic use of a symmetric key only. */
export const KEY_CRYPTO_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/** Grant actions; always bound to `kms:GrantIsForAWSResource = true` so only AWS services get grants. */
export const KEY_GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"] as const;

export type KeyCryptoAction = (typeof KEY_CRYPTO_ACTIONS)[number];

/** Principals (role ARNs) in the key's own organization using the key through AWS services. */
export interface KeyUser {
  /** Statement id; letters and digits. */
  sid?: string;
  principalArns: string[];
  /** Service endpoints the key may be used through, e.g. `secretsmanager.eu-west-1.amazonaws.com`. */
  viaServices: string[];
  /** Defaults to every cryptographic action. */
  actions?: KeyCryptoAction[];
  /** Adds CreateGrant/ListGrants/RevokeGrant for AWS resources (EBS, RDS...). */
  allowGrants?: boolean;
}

/** An AWS service principal using the key on the account's behalf (e.g. CloudWatch Logs). */
export interface KeyServiceUser {
  sid: string;
  /** Service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  service: string;
  /** Cryptographic actions (KEY_CRYPTO_ACTIONS), or CreateGrant (bound to AWS resources). */
  actions: string[];
  /** Narrowing conditions, e.g. `{ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:..." } }`. */
  conditions?: Conditions;
  /** Adds `aws:SourceAccount` (confused-deputy protection) for services that send it. */
  sourceAccount?: string;
}

/** Principals in other accounts of the organization. */
export interface CrossAccountKeyUser {
  sid?: string;
  /** The calling accounts (`kms:CallerAccount`); their roots are the principals. */
  accountIds: string[];
  /** Exact role ARNs allowed (`aws:PrincipalArn`). Required unless principalTags narrows the callers. */
  principalArns?: string[];
  /** ABAC: the caller must carry these principal tags. */
  principalTags?: Record<string, string>;
  organizationId: string;
  viaServices: string[];
  /** Defaults to kms:Decrypt and kms:DescribeKey (reading what a service encrypted). */
  actions?: KeyCryptoAction[];
}

/** Rotation functions of the secrets the key encrypts in its region. */
export interface KeyRotation {
  /**
   * The functions' roles (exact ARNs, or Terraform references known at apply): they read
   * and write the values through Secrets Manager. Named as principals, so the key policy
   * alone lets them in.
   */
  roleArns: string[];
  /** `kms:ViaService` of Secrets Manager in the key's region. */
  viaService: string;
}

/**
 * Principals writing values through a service on the administration path: the deploy
 * role creating secrets and putting their values, or managing SecureString parameters.
 */
export interface KeyWriter {
  arns: string[];
  viaService: string;
  actions: KeyCryptoAction[];
  /** Decrypt only with this encryption context (Secrets Manager's key-access check when a secret gets its key). */
  decryptContext?: Record<string, string>;
}

export interface KeyPolicyInput {
  /** The account owning the key; its root keeps IAM policies effective so the key can never be locked out. */
  accountId: string;
  /** Role ARNs with management actions only. */
  administrators?: string[];
  users?: KeyUser[];
  serviceUsers?: KeyServiceUser[];
  crossAccountUsers?: CrossAccountKeyUser[];
  /**
   * ABAC users of the key's own account (tagged readers of its secrets): their identity
   * policies grant the use, so they get no statement, only the perimeter's binding.
   */
  taggedUsers?: CrossAccountKeyUser[];
  rotation?: KeyRotation;
  writers?: KeyWriter[];
}

/**
 * Every cryptographic action on a symmetric key, as the perimeter denies them (the
 * `*` forms also cover the key-pair and without-plaintext variants).
 */
export const KEY_PERIMETER_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] as const;

/** The same, one by one, to deny what a declared user was not given. */
const EVERY_CRYPTO_ACTION = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
];

export const KEY_VALIDATION_CONTEXT = { "kms:EncryptionContext:SecretVersionId": "RequestToValidateKeyAccess" } as const;

/** Assembles a key policy; throws on input that would produce an unsafe statement. */
/** A group's binding: the key only through its services, and none of the crypto actions it was not given. */
function bindingStatements(name: string, who: Conditions, via: string[], allowed: (action: string) => boolean): Statement[] {
  const statements: Statement[] = [
    {
      Sid: `BindServices${name}`,
      Effect: "Deny",
      Principal: "*",
      Action: [...KEY_PERIMETER_ACTIONS],
      Resource: "*",
      Condition: { ...who, StringNotEquals: { ...(who.StringNotEquals ?? {}), "kms:ViaService": via } },
    },
  ];
  const others = EVERY_CRYPTO_ACTION.filter((a) => !allowed(a));
  if (others.length > 0) statements.push({ Sid: `BindActions${name}`, Effect: "Deny", Principal: "*", Action: others, Resource: "*", Condition: who });
  return statements;
}

export function keyPolicy(input: KeyPolicyInput): PolicyDocument {
  const statements: Statement[] = [
    {
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: accountRoot(input.accountId) },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  const admins = input.administrators ?? [];
  if (admins.length > 0) {
    const p = principalsByAccount(admins);
    statements.push({
      Sid: "KeyAdministrators",
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": p.arns } },
    });
  }
  const users = (input.users ?? []).flatMap((u) => userStatements(u, input.accountId, u.sid ?? `KeyUser${sidPart(u.principalArns.map(roleNameOf).join("-"))}`));
  statements.push(...bySid(uniqueSids(users)));
  for (const service of input.serviceUsers ?? []) statements.push(...serviceUserStatements(service));
  statements.push(...bySid(uniqueSids((input.crossAccountUsers ?? []).map((u) => crossAccountStatement(u, u.sid ?? crossAccountSid(u))))));
  if (input.rotation && input.rotation.roleArns.length > 0) {
    statements.push({
      Sid: "RotationFunctions",
      Effect: "Allow",
      Principal: { AWS: [...input.rotation.roleArns] },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": input.rotation.viaService } },
    });
  }
  statements.push(...perimeterStatements(input));
  assertUniqueSids(statements);
  return policyDocument(statements);
}

interface Declared {
  arns: string[];
  via: string[];
  actions: string[];
}

/**
 * The key policy is the perimeter, as a secret's policy is: the account-root statement
 * lets the account's IAM policies grant anything on the key (lockout safety), so
 * explicit denies keep cryptographic use to the declared users, each through its own
 * services and actions. AWS services acting as themselves (`aws:PrincipalIsAWSService`,
 * e.g. CloudWatch Logs) are left to their Allow statements.
 */
function perimeterStatements(input: KeyPolicyInput): Statement[] {
  const notService = { BoolIfExists: { "aws:PrincipalIsAWSService": false } };
  // Each named principal's services and actions, merged across its grants.
  const byArn = new Map<string, { via: Set<string>; actions: Set<string> }>();
  const declare = (arns: readonly string[], via: readonly string[], actions: readonly string[]) => {
    for (const arn of arns) {
      const entry = byArn.get(arn) ?? { via: new Set<string>(), actions: new Set<string>() };
      for (const v of via) entry.via.add(v);
      for (const a of actions) entry.actions.add(a);
      byArn.set(arn, entry);
    }
  };
  for (const u of input.users ?? []) declare(u.principalArns, u.viaServices, u.actions ?? KEY_CRYPTO_ACTIONS);
  const tagged = new Map<string, { via: Set<string>; actions: Set<string>; tags: Record<string, string> }>();
  for (const u of [...(input.crossAccountUsers ?? []), ...(input.taggedUsers ?? [])]) {
    const actions = u.actions ?? ["kms:Decrypt", "kms:DescribeKey"];
    if (u.principalArns?.length) declare(u.principalArns, u.viaServices, actions);
    else {
      const id = JSON.stringify(Object.entries(u.principalTags ?? {}).sort(([a], [b]) => byCodePoint(a, b)));
      const entry = tagged.get(id) ?? { via: new Set<string>(), actions: new Set<string>(), tags: u.principalTags ?? {} };
      for (const v of u.viaServices) entry.via.add(v);
      for (const a of actions) entry.actions.add(a);
      tagged.set(id, entry);
    }
  }
  if (input.rotation) declare(input.rotation.roleArns, [input.rotation.viaService], ["kms:Decrypt", "kms:GenerateDataKey"]);
  for (const w of input.writers ?? []) declare(w.arns, [w.viaService], w.actions);
  const declaredArns = [...byArn.keys()].sort(byCodePoint);
  const tagValues = new Map<string, Set<string>>();
  for (const { tags } of tagged.values())
    for (const [key, value] of Object.entries(tags)) (tagValues.get(key) ?? tagValues.set(key, new Set()).get(key)!).add(value);

  const undeclared: Conditions = { ...notService };
  if (declaredArns.length > 0) undeclared.ArnNotEquals = { "aws:PrincipalArn": declaredArns };
  if (tagValues.size > 0) undeclared.StringNotEquals = Object.fromEntries([...tagValues].map(([key, values]) => [`aws:PrincipalTag/${key}`, [...values]]));
  const statements: Statement[] = [
    { Sid: "DenyCryptoToUndeclaredPrincipals", Effect: "Deny", Principal: "*", Action: [...KEY_PERIMETER_ACTIONS], Resource: "*", Condition: undeclared },
    {
      Sid: "DenyGrantsExceptForAwsResources",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { ...notService, BoolIfExists: { "aws:PrincipalIsAWSService": false, "kms:GrantIsForAWSResource": false } },
    },
  ];

  // Principals with the same services and actions share their binding statements.
  const groups = new Map<string, Declared>();
  for (const arn of declaredArns) {
    const { via, actions } = byArn.get(arn)!;
    const group: Declared = { arns: [], via: [...via].sort(byCodePoint), actions: [...actions].sort(byCodePoint) };
    const id = JSON.stringify([group.via, group.actions]);
    (groups.get(id) ?? groups.set(id, group).get(id)!).arns.push(arn);
  }
  const binding: Statement[] = [];
  for (const group of groups.values()) {
    const name = groupName(group.actions, group.via);
    binding.push(...bindingStatements(name, { ArnEquals: { "aws:PrincipalArn": group.arns } }, group.via, (a) => group.actions.includes(a)));
  }
  for (const group of tagged.values()) {
    const tags = Object.entries(group.tags).sort(([a], [b]) => byCodePoint(a, b));
    const name = `Tagged${sidPart(tags.flat().join("-"))}`;
    const who: Conditions = { StringEquals: Object.fromEntries(tags.map(([k, v]) => [`aws:PrincipalTag/${k}`, v])) };
    // Named principals that happen to carry the tag keep their own binding.
    if (declaredArns.length > 0) who.ArnNotEquals = { "aws:PrincipalArn": declaredArns };
    binding.push(...bindingStatements(name, who, [...group.via].sort(byCodePoint), (a) => group.actions.has(a)));
  }
  statements.push(...bySid(uniqueSids(binding)));
  for (const w of input.writers ?? []) {
    if (!w.decryptContext) continue;
    statements.push({
      Sid: `LimitWritersDecryptVia${sidPart(w.viaService.split(".")[0]!)}`,
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        ArnEquals: { "aws:PrincipalArn": [...w.arns].sort(byCodePoint) },
        StringEquals: { "kms:ViaService": w.viaService },
        StringNotEquals: { ...w.decryptContext },
      },
    });
  }
  return statements;
}

/** `DecryptDescribeKeyViaSecretsmanager`: what a group of users may do, and through what. */
function groupName(actions: readonly string[], via: readonly string[]): string {
  const what = actions.filter((a) => a !== "kms:DescribeKey").map((a) => a.slice("kms:".length));
  const services = [...new Set(via.map((v) => v.split(".")[0]!))].sort(byCodePoint);
  return `${sidPart(what.join("-"))}Via${sidPart(services.join("-"))}`;
}

/** The role's name: the last segment of its ARN. */
function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** Named by what the statement lets through: the principal tags, or the services and actions. */
function crossAccountSid(user: CrossAccountKeyUser): string {
  const tags = Object.entries(user.principalTags ?? {}).sort(([a], [b]) => byCodePoint(a, b));
  const services = [...new Set(user.viaServices.map((v) => v.split(".")[0]!))].sort(byCodePoint);
  const actions = (user.actions ?? ["kms:Decrypt", "kms:DescribeKey"]).filter((a) => a !== "kms:DescribeKey").map((a) => a.slice("kms:".length));
  const what = tags.length > 0 ? `Tagged${sidPart(tags.flat().join("-"))}` : sidPart([...new Set(actions)].sort(byCodePoint).join("-"));
  return `CrossAccount${what}Via${sidPart(services.join("-"))}`;
}

/**
 * CloudWatch Logs encrypting the account's log groups in one region, and nothing else.
 * Cryptographic calls carry the log group in their encryption context; DescribeKey
 * carries no encryption context, so it has its own statement without that condition.
 * `aws:SourceAccount` is checked where Logs sends it (IfExists: not every call carries it).
 */
export function logsServiceUsers(region: string, accountId: string): KeyServiceUser[] {
  const service = `logs.${region}.amazonaws.com`;
  const sourceAccount = { StringEqualsIfExists: { "aws:SourceAccount": accountId } };
  return [
    {
      sid: "CloudWatchLogs",
      service,
      actions: KEY_CRYPTO_ACTIONS.filter((a) => a !== "kms:DescribeKey"),
      conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:*` }, ...sourceAccount },
    },
    { sid: "CloudWatchLogsDescribeKey", service, actions: ["kms:DescribeKey"], conditions: sourceAccount },
  ];
}

/** `<service>.<region>.amazonaws.com`, the value `kms:ViaService` compares. */
export function viaService(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

function userStatements(user: KeyUser, accountId: string, sid: string): Statement[] {
  requireNonEmpty(user.principalArns, `${sid}: principalArns`);
  requireNonEmpty(user.viaServices, `${sid}: viaServices (key use is bound to the services that use the key)`);
  const p = principalsByAccount(user.principalArns);
  const condition: Conditions = {
    ArnEquals: { "aws:PrincipalArn": p.arns },
    StringEquals: { "kms:CallerAccount": callerAccounts(p.accountIds, accountId), "kms:ViaService": user.viaServices },
  };
  const statements: Statement[] = [
    { Sid: sid, Effect: "Allow", Principal: { AWS: p.roots }, Action: cryptoActions(user.actions, sid), Resource: "*", Condition: condition },
  ];
  if (user.allowGrants) {
    statements.push({
      Sid: `${sid}Grants`,
      Effect: "Allow",
      Principal: { AWS: p.roots },
      Action: [...KEY_GRANT_ACTIONS],
      Resource: "*",
      Condition: mergeConditions(condition, { Bool: { "kms:GrantIsForAWSResource": true } }),
    });
  }
  return statements;
}

function serviceUserStatements(user: KeyServiceUser): Statement[] {
  if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(user.service)) throw new Error(`${user.sid}: ${JSON.stringify(user.service)} is not an AWS service principal`);
  assertKept(CONDITIONS, { Condition: user.conditions }, user.sid);
  const crypto = user.actions.filter((a) => a !== "kms:CreateGrant");
  for (const action of crypto) {
    if (!(KEY_CRYPTO_ACTIONS as readonly string[]).includes(action)) {
      throw new Error(`${user.sid}: ${action} is not a cryptographic action; service users get only ${KEY_CRYPTO_ACTIONS.join(", ")} and CreateGrant`);
    }
  }
  const base = mergeConditions(user.conditions ?? {}, user.sourceAccount ? { StringEquals: { "aws:SourceAccount": user.sourceAccount } } : {});
  const statement = (sid: string, actions: string[], condition: Conditions): Statement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: user.service },
    Action: actions,
    Resource: "*",
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  });
  const statements: Statement[] = [];
  if (crypto.length > 0) statements.push(statement(user.sid, crypto, base));
  if (crypto.length !== user.actions.length) {
    statements.push(statement(`${user.sid}Grants`, ["kms:CreateGrant"], mergeConditions(base, { Bool: { "kms:GrantIsForAWSResource": true } })));
  }
  return statements;
}

function crossAccountStatement(user: CrossAccountKeyUser, sid: string): Statement {
  requireNonEmpty(user.accountIds, `${sid}: accountIds`);
  requireNonEmpty(user.viaServices, `${sid}: viaServices (key use is bound to the services that use the key)`);
  const tags = Object.entries(user.principalTags ?? {});
  if ((user.principalArns ?? []).length === 0 && tags.length === 0) {
    throw new Error(`${sid}: name the principal ARNs or the principal tags; a whole account is too broad`);
  }
  const stringEquals: Record<string, string | string[]> = {
    "aws:PrincipalOrgID": user.organizationId,
    "kms:CallerAccount": [...user.accountIds],
    "kms:ViaService": [...user.viaServices],
  };
  for (const [key, value] of tags) stringEquals[`aws:PrincipalTag/${key}`] = value;
  const condition: Conditions = { StringEquals: stringEquals };
  if (user.principalArns?.length) condition.ArnEquals = { "aws:PrincipalArn": [...user.principalArns] };
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: user.accountIds.map(accountRoot) },
    Action: cryptoActions(user.actions ?? ["kms:Decrypt", "kms:DescribeKey"], sid),
    Resource: "*",
    Condition: condition,
  };
}

function cryptoActions(actions: readonly string[] | undefined, sid: string): string[] {
  const list = actions ?? KEY_CRYPTO_ACTIONS;
  for (const action of list) {
    if (!(KEY_CRYPTO_ACTIONS as readonly string[]).includes(action)) throw new Error(`${sid}: ${action} is not a cryptographic action`);
  }
  return [...list];
}

function callerAccounts(principalAccounts: string[], keyAccount: string): string | string[] {
  const accounts = [...new Set([keyAccount, ...principalAccounts])];
  return accounts.length === 1 ? accounts[0]! : accounts;
}

function requireNonEmpty(list: readonly unknown[] | undefined, what: string): void {
  if (!list || list.length === 0) throw new Error(`${what} must not be empty`);
}

function assertUniqueSids(statements: Statement[]): void {
  const seen = new Set<string>();
  for (const { Sid } of statements) {
    if (Sid === undefined) continue;
    if (!/^[A-Za-z0-9]+$/.test(Sid)) throw new Error(`statement id ${JSON.stringify(Sid)} must be letters and digits`);
    if (seen.has(Sid)) throw new Error(`statement id ${Sid} is used twice`);
    seen.add(Sid);
  }
}
