import { generatedStatementsFor } from "../config/access.js";
import type { ResolvedAccount, ResolvedKey, ResolvedOrg, ResolvedRole, ResolvedSecret } from "../config/model.js";
import type { AwsRegion } from "../config/regions.js";
import { IAM_MIN_SESSION_SECONDS, type RoleConfig } from "../config/sections/identity.js";
import type { QualifiedRef } from "../config/sections/refs.js";
import { parameterName, type ParameterConfig, type ParameterHierarchyConfig } from "../config/sections/parameters.js";
import { GITHUB_OIDC_HOST, trustAnchorReference } from "./naming.js";
import type { PolicyDocument, Statement } from "./policies/document.js";
import {
  configStatement,
  identityPolicy,
  sessionPolicy,
  KEY_ACCESS_ACTIONS,
  type KeyAdminGrant,
  type KeyUseGrant,
  type SecretReadGrant,
} from "./policies/identity-policy.js";
import {
  keyPolicy,
  logsServiceUsers,
  viaService,
  type CrossAccountKeyUser,
  type KeyCryptoAction,
  type KeyPolicyInput,
  type KeyUser,
  type KeyWriter,
  KEY_VALIDATION_CONTEXT,
} from "./policies/key-policy.js";
import type { SecretPolicyInput, TagReaders } from "./policies/secret-policy.js";
import type { ParameterReadGrant } from "./policies/value-policies.js";
import { rolesAnywhereTrust } from "./policies/roles-anywhere.js";
import { brokeredTrust, crossAccountTrust, githubOidcTrust, githubRoleSubjects, humanTrust, serviceTrust } from "./policies/trust-policy.js";

/**
 * The identity capability as plain data: every role, key and secret of the
 * organization with its policies, resolved once from the config. Cross-account
 * wiring is derived here in both directions, so a reader named on a secret gets
 * the identity policy, and the secret's key lets it decrypt, without repeating it.
 */

export interface PlannedRole {
  config: RoleConfig;
  arn: string;
  trust: PolicyDocument;
  /** Inline permissions; undefined when the role is granted nothing inline. */
  policy?: PolicyDocument;
  /** The configured session bound. */
  sessionBound: number;
  /** IAM MaxSessionDuration: the bound, or IAM's minimum of 3600 when the bound is shorter. */
  maxSessionDuration: number;
  rolesAnywhere?: PlannedRolesAnywhere;
}

/** A Roles Anywhere role's trust anchor: an ACM Private CA, or the PEM text of a CA bundle. */
export interface PlannedTrustAnchor {
  roleName: string;
  source: { acmPcaArn: string } | { certificateBundle: string };
}

/** What a Roles Anywhere role adds: the profile's session settings. */
export interface PlannedRolesAnywhere {
  /** The profile's session duration: the role's session bound (900-3600 s). */
  durationSeconds: number;
  sessionPolicy?: PolicyDocument;
}

export interface PlannedKey {
  config: ResolvedKey;
  region: string;
  /** What the key policy is a function of: what a stack's incremental key hashes. */
  input: KeyPolicyInput;
  /** The key policy without rotation functions (their roles are known only at apply). */
  readonly policy: PolicyDocument;
  /** The key policy naming the roles of the rotation functions of its secrets (Terraform references). */
  policyWith(rotationRoleArns: readonly string[]): PolicyDocument;
}

export interface PlannedSecret {
  config: ResolvedSecret;
  region: string;
  replicaRegions: string[];
  /** Policy input without the rotation roles, which are known only at apply. */
  policy: Omit<SecretPolicyInput, "rotationRoleArns">;
}

/** A Parameter Store hierarchy in one region, with its parameters' full names. */
export interface PlannedHierarchy {
  config: ParameterHierarchyConfig;
  region: string;
  parameters: Array<{ name: string; config: ParameterConfig }>;
  /** Roles reading it (declared roles and roles carrying its ABAC tags), sorted. */
  readerArns: string[];
}

export interface IdentityPlan {
  /** `githubProvider` is the provider's ARN as the stack has it, so the roles depend on the provider resource. */
  /** `trustAnchors`: each Roles Anywhere role's trust anchor ARN as the stack has it (by role name). */
  roles(account: ResolvedAccount, githubProvider?: string, trustAnchors?: ReadonlyMap<string, string>): PlannedRole[];
  keys(account: ResolvedAccount, region: AwsRegion): PlannedKey[];
  secrets(account: ResolvedAccount, region: string): PlannedSecret[];
  parameters(account: ResolvedAccount, region: string): PlannedHierarchy[];
  /** Trust anchors of the account's Roles Anywhere roles (home region). */
  trustAnchors(account: ResolvedAccount): PlannedTrustAnchor[];
}

const plans = new WeakMap<ResolvedOrg, IdentityPlan>();

/** The identity plan of an organization, computed once per resolved config. */
export function identityPlan(org: ResolvedOrg): IdentityPlan {
  let plan = plans.get(org);
  if (!plan) {
    plan = buildPlan(org);
    plans.set(org, plan);
  }
  return plan;
}

interface SecretEntry {
  account: ResolvedAccount;
  secret: ResolvedSecret;
  region: string;
  regions: string[];
  readerArns: Set<string>;
  tagReaders: TagReaders[];
}

function buildPlan(org: ResolvedOrg): IdentityPlan {
  const orgId = org.config.organization.id;
  const allAccountIds = org.accounts.map((a) => a.id);
  const account = (name: string): ResolvedAccount => {
    const found = org.accountByName.get(name);
    if (!found) throw new Error(`unknown account ${name}`);
    return found;
  };
  const arnOf = (ref: QualifiedRef): string => org.roleOf(ref).role.arn;

  // Secrets and their readers, from both sides: `readers` on the secret and `grants.secrets` on roles.
  const secrets = new Map<string, SecretEntry>();
  const secretId = (account: ResolvedAccount, secret: ResolvedSecret) => `${account.name}/${secret.name}`;
  for (const a of org.accounts) {
    for (const s of a.secrets) {
      const entry: SecretEntry = { account: a, secret: s, region: s.region, regions: s.regions, readerArns: new Set(), tagReaders: [] };
      for (const reader of s.readers) {
        if (reader.role !== undefined) entry.readerArns.add(arnOf(reader.role));
        if (reader.tags) entry.tagReaders.push({ tags: reader.tags, accountIds: reader.accounts ? reader.accounts.map((n) => account(n).id) : allAccountIds });
      }
      secrets.set(secretId(a, s), entry);
    }
  }
  // Key users declared on a key get the matching identity policy: a key policy naming the
  // account root (as ours do) only delegates to IAM, so the role needs both sides.
  const keysUsedBy = new Map<string, KeyUseGrant[]>();
  for (const a of org.accounts) {
    for (const k of a.keys) {
      for (const u of k.users) {
        const arn = arnOf(u.role);
        const grant: KeyUseGrant = { accountId: a.id, keyName: k.name, regions: k.regions, via: u.via, access: u.access };
        entriesOf(keysUsedBy, arn, () => []).push(grant);
      }
    }
  }
  // Administrators declared on a key get its management on the identity side: the key policy's
  // statement for them names their account root, which only delegates to IAM.
  const keysAdministeredBy = new Map<string, KeyAdminGrant[]>();
  for (const a of org.accounts) {
    for (const k of a.keys) {
      for (const ref of k.administrators) {
        entriesOf(keysAdministeredBy, arnOf(ref), () => []).push({ accountId: a.id, keyName: k.name, regions: k.regions });
      }
    }
  }
  const secretsReadBy = new Map<string, Set<string>>();
  const addRead = (role: string, secret: string) => entriesOf(secretsReadBy, role, () => new Set()).add(secret);
  for (const a of org.accounts) {
    for (const r of a.roles) {
      for (const ref of r.grants.secrets) {
        const { account: owner, secret } = org.secretOf(ref);
        secrets.get(secretId(owner, secret))!.readerArns.add(r.arn);
      }
    }
  }
  for (const [id, entry] of secrets) for (const arn of entry.readerArns) addRead(arn, id);

  // Parameter hierarchies and their readers: named roles, and this account's roles carrying every ABAC tag.
  const hierarchiesByAccount = new Map<string, Array<{ config: ParameterHierarchyConfig; regions: string[]; readerArns: string[] }>>();
  const parametersReadBy = new Map<string, ParameterReadGrant[]>();
  for (const a of org.accounts) {
    for (const h of a.parameters) {
      const regions = h.regions;
      const readers = new Set<string>();
      for (const reader of h.readers) {
        if (reader.role !== undefined) readers.add(arnOf({ account: a.name, name: reader.role }));
        if (reader.tags) {
          const wanted = Object.entries(reader.tags);
          for (const r of a.roles) {
            if (wanted.every(([k, v]) => r.principalTags[k] === v)) readers.add(r.arn);
          }
        }
      }
      const readerArns = [...readers].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      entriesOf(hierarchiesByAccount, a.name, () => []).push({ config: h, regions, readerArns });
      for (const arn of readerArns) {
        entriesOf(parametersReadBy, arn, () => []).push({ accountId: a.id, path: h.path, regions, ...(h.key ? { keyName: h.key } : {}) });
      }
    }
  }

  // Indexes, so a key's policy costs what its own users cost, not the size of the organization.
  const secretsByKey = new Map<string, SecretEntry[]>();
  const secretsByAccount = new Map<string, SecretEntry[]>();
  for (const e of secrets.values()) {
    entriesOf(secretsByAccount, e.account.name, () => []).push(e);
    if (e.secret.key) {
      const id = `${e.account.name}/${e.secret.key}`;
      entriesOf(secretsByKey, id, () => []).push(e);
    }
  }
  // Roles' grants.keys, by key: the key's own account's roles and other accounts' roles.
  const ownKeyGrants = new Map<string, Array<{ arn: string; accountId: string; via: string[]; access: KeyUseGrant["access"] }>>();
  const crossAccountKeyGrants = new Map<string, Array<{ arn: string; accountId: string; via: string[]; access: KeyUseGrant["access"] }>>();
  for (const other of org.accounts) {
    for (const r of other.roles) {
      for (const g of r.grants.keys) {
        const ref = g.key;
        const id = `${ref.account}/${ref.name}`;
        const grant = { arn: r.arn, accountId: other.id, via: g.via, access: g.access };
        entriesOf(ref.account === other.name ? ownKeyGrants : crossAccountKeyGrants, id, () => []).push(grant);
      }
    }
  }

  // Trust written on both sides: a declared role that another declared role trusts gets
  // sts:AssumeRole on it (a trust policy naming its account root only delegates to IAM).
  const assumableBy = new Map<string, Set<string>>();
  for (const a of org.accounts) {
    for (const r of a.roles) {
      if (r.kind !== "cross-account" && r.kind !== "human" && r.kind !== "break-glass") continue;
      for (const t of r.trusted) {
        if (!("account" in t)) continue;
        const trusted = account(t.account).roles.find((x) => x.name === t.role);
        if (trusted) entriesOf(assumableBy, trusted.arn, () => new Set()).add(r.arn);
      }
    }
  }

  function roles(a: ResolvedAccount, githubProvider?: string, trustAnchors?: ReadonlyMap<string, string>): PlannedRole[] {
    return a.roles.map((r) => {
      const arn = r.arn;
      const readSecrets: SecretReadGrant[] = [...(secretsReadBy.get(arn) ?? [])].sort().map((id) => {
        const e = secrets.get(id)!;
        return { accountId: e.account.id, name: e.secret.name, regions: e.regions, ...(e.secret.key ? { keyName: e.secret.key } : {}) };
      });
      const keys: KeyUseGrant[] = [
        ...r.grants.keys.map((g): KeyUseGrant => {
          const k = org.keyOf(g.key);
          return { accountId: k.account.id, keyName: k.key.name, regions: k.key.regions, via: g.via, access: g.access };
        }),
        ...(keysUsedBy.get(arn) ?? []),
      ];
      const sessionBound = r.sessionBound;
      const mfa = r.kind === "human" || r.kind === "break-glass";
      const policy = identityPolicy({
        ...(mfa && sessionBound < IAM_MIN_SESSION_SECONDS ? { mfaSessionBound: sessionBound } : {}),
        secrets: readSecrets,
        keys,
        administersKeys: keysAdministeredBy.get(arn) ?? [],
        // The loader refuses a grant of a log group the account does not declare.
        logGroups: r.grants.logGroups.map((name) => ({ accountId: a.id, name, regions: a.logGroups.find((g) => g.name === name)!.regions })),
        ...(r.grants.abac ? { abac: { accountId: a.id, regions: a.regions, tagKeys: r.grants.abac.tagKeys } } : {}),
        ...(r.kind === "roles-anywhere" && r.certificateAbac
          ? { abac: { accountId: a.id, regions: a.regions, tagKeys: Object.keys(r.certificateAbac), principalTagKeys: r.certificateAbac } }
          : {}),
        parameters: parametersReadBy.get(arn) ?? [],
        ...(r.grants.outboundTokens ? { outboundTokens: r.grants.outboundTokens } : {}),
        statements: [...r.statements.map(configStatement), ...generatedStatementsFor(org.access, arn), ...assumeStatement(assumableBy.get(arn))],
      });
      return {
        config: r,
        arn,
        trust: trustOf(r, a, githubProvider ?? githubProviderArn(a.id), trustAnchors),
        ...(r.kind === "roles-anywhere" ? { rolesAnywhere: rolesAnywhereOf(r, sessionBound) } : {}),
        ...(policy ? { policy } : {}),
        sessionBound,
        maxSessionDuration: Math.max(sessionBound, IAM_MIN_SESSION_SECONDS),
      };
    });
  }

  function rolesAnywhereOf(r: Extract<RoleConfig, { kind: "roles-anywhere" }>, durationSeconds: number): PlannedRolesAnywhere {
    return { durationSeconds, ...(r.sessionPolicy?.length ? { sessionPolicy: sessionPolicy(r.sessionPolicy) } : {}) };
  }

  function trustAnchorsOf(a: ResolvedAccount): PlannedTrustAnchor[] {
    return a.roles.flatMap((r): PlannedTrustAnchor[] => {
      if (r.kind !== "roles-anywhere") return [];
      const bundle = r.trustAnchor.certificateBundle;
      if (bundle === undefined) return [{ roleName: r.name, source: { acmPcaArn: r.trustAnchor.acmPcaArn! } }];
      return [{ roleName: r.name, source: { certificateBundle: org.certificateBundle(bundle) } }];
    });
  }

  function trustOf(r: ResolvedRole, a: ResolvedAccount, providerArn: string, trustAnchors?: ReadonlyMap<string, string>): PolicyDocument {
    switch (r.kind) {
      case "service":
        return serviceTrust({ accountId: a.id, services: r.services });
      case "cross-account": {
        const arns = r.trusted.map(org.principalArn);
        const inOrg = (arn: string) => allAccountIds.some((id) => arn.startsWith(`arn:aws:iam::${id}:`));
        return crossAccountTrust({
          organizationId: orgId,
          orgPrincipalArns: arns.filter(inOrg),
          externalPrincipalArns: arns.filter((arn) => !inOrg(arn)),
          ...(r.externalId ? { externalId: r.externalId } : {}),
        });
      }
      case "human":
      case "break-glass":
        return humanTrust({
          organizationId: orgId,
          principalArns: r.trusted.map(org.principalArn),
          maxMfaAgeSeconds: r.sessionBound,
        });
      case "brokered":
        return brokeredTrust({ organizationId: orgId, brokerArn: org.principalArn(r.broker), sessionTagKeys: r.sessionTags });
      case "github":
        return githubOidcTrust({ providerArn, subjects: githubRoleSubjects(r.subjects) });
      case "roles-anywhere":
        return rolesAnywhereTrust({ accountId: a.id, trustAnchorArn: trustAnchors?.get(r.name) ?? trustAnchorReference(r.name), certificates: r.certificates });
    }
  }

  function keys(a: ResolvedAccount, region: AwsRegion): PlannedKey[] {
    return a.keys
      .filter((k) => k.regions.includes(region))
      .map((k) => {
        const input = keyPolicyInput(a, k, region);
        const policyWith = (rotationRoleArns: readonly string[]) =>
          keyPolicy(input.rotation ? { ...input, rotation: { ...input.rotation, roleArns: [...rotationRoleArns] } } : input);
        return {
          config: k,
          region,
          input,
          get policy() {
            return keyPolicy(input);
          },
          policyWith,
        };
      });
  }

  function keyPolicyInput(a: ResolvedAccount, k: ResolvedKey, region: string): KeyPolicyInput {
    // Same-account users, one statement each: key users through their services, secret readers through Secrets Manager.
    const own = new Map<string, { via: Set<string>; actions: Set<KeyCryptoAction> }>();
    const addOwn = (arn: string, via: string[], actions: KeyCryptoAction[]) => {
      const entry = entriesOf(own, arn, () => ({ via: new Set<string>(), actions: new Set<KeyCryptoAction>() }));
      for (const v of via) entry.via.add(v);
      for (const x of actions) entry.actions.add(x);
    };
    const cross = new Map<string, CrossAccountKeyUser>();
    const addCross = (arn: string, accountId: string, via: string[], actions: KeyCryptoAction[]) => {
      const id = `${[...via].sort().join(",")}|${[...actions].sort().join(",")}`;
      const entry = cross.get(id) ?? { accountIds: [], principalArns: [], organizationId: orgId, viaServices: via, actions };
      if (!entry.accountIds.includes(accountId)) entry.accountIds.push(accountId);
      if (!entry.principalArns!.includes(arn)) entry.principalArns!.push(arn);
      cross.set(id, entry);
    };
    k.users.forEach((u) => {
      const ref = u.role;
      const arn = arnOf(ref);
      const via = u.via.map((v) => viaService(v, region));
      if (ref.account === a.name) addOwn(arn, via, KEY_ACCESS_ACTIONS[u.access]);
      else addCross(arn, account(ref.account).id, via, KEY_ACCESS_ACTIONS[u.access]);
    });
    for (const h of hierarchiesByAccount.get(a.name) ?? []) {
      if (h.config.key !== k.name || !h.regions.includes(region)) continue;
      for (const arn of h.readerArns) addOwn(arn, [viaService("ssm", region)], ["kms:Decrypt"]);
    }
    for (const g of ownKeyGrants.get(`${a.name}/${k.name}`) ?? [])
      addOwn(
        g.arn,
        g.via.map((v) => viaService(v, region)),
        KEY_ACCESS_ACTIONS[g.access],
      );
    for (const g of crossAccountKeyGrants.get(`${a.name}/${k.name}`) ?? []) {
      const actions: KeyCryptoAction[] = KEY_ACCESS_ACTIONS[g.access];
      addCross(
        g.arn,
        g.accountId,
        g.via.map((v) => viaService(v, region)),
        actions,
      );
    }
    const tagUsers: CrossAccountKeyUser[] = [];
    const sameAccountTags: Array<Record<string, string>> = [];
    const encrypted = (secretsByKey.get(`${a.name}/${k.name}`) ?? []).filter((e) => e.regions.includes(region));
    for (const e of encrypted) {
      const via = [viaService("secretsmanager", region)];
      for (const arn of e.readerArns) {
        const readerAccount = arn.split(":")[4]!;
        if (readerAccount !== a.id) addCross(arn, readerAccount, via, ["kms:Decrypt", "kms:DescribeKey"]);
        else addOwn(arn, via, ["kms:Decrypt", "kms:DescribeKey"]);
      }
      for (const group of e.tagReaders) {
        const others = group.accountIds.filter((id) => id !== a.id);
        if (others.length > 0) {
          tagUsers.push({
            accountIds: others,
            principalTags: group.tags,
            organizationId: orgId,
            viaServices: via,
            actions: ["kms:Decrypt", "kms:DescribeKey"],
          });
        }
        // Tagged readers of this account decrypt through their identity policy; the perimeter must let them.
        if (group.accountIds.includes(a.id)) sameAccountTags.push(group.tags);
      }
    }
    // keyPolicy names and orders the statements by content, so the order found here does not matter.
    const crossAccountUsers = [...cross.values(), ...dedupeTagUsers(tagUsers)];
    // The deploy role creates the secrets (Secrets Manager checks it may use the key: Decrypt with
    // SecretVersionId RequestToValidateKeyAccess) and puts values out of band; it manages the
    // SecureString parameters, which Terraform reads back decrypted.
    const writers: KeyWriter[] = [];
    if (encrypted.length > 0) {
      writers.push({
        arns: [a.deployRoleArn],
        viaService: viaService("secretsmanager", region),
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        decryptContext: { ...KEY_VALIDATION_CONTEXT },
      });
    }
    if ((hierarchiesByAccount.get(a.name) ?? []).some((h) => h.config.key === k.name && h.regions.includes(region))) {
      writers.push({ arns: [a.deployRoleArn], viaService: viaService("ssm", region), actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] });
    }
    const users: KeyUser[] = [...own].map(([arn, u]) => ({ principalArns: [arn], viaServices: [...u.via], actions: [...u.actions] }));
    const taggedHere: CrossAccountKeyUser[] = dedupeTagUsers(
      sameAccountTags.map((tags) => ({
        accountIds: [a.id],
        principalTags: tags,
        organizationId: orgId,
        viaServices: [viaService("secretsmanager", region)],
        actions: ["kms:Decrypt", "kms:DescribeKey"],
      })),
    );
    return {
      accountId: a.id,
      administrators: [a.deployRoleArn, ...k.administrators.map(arnOf)],
      users,
      serviceUsers: k.services.includes("logs") ? logsServiceUsers(region, a.id) : [],
      crossAccountUsers,
      ...(taggedHere.length > 0 ? { taggedUsers: taggedHere } : {}),
      ...(encrypted.length > 0 ? { rotation: { roleArns: [], viaService: viaService("secretsmanager", region) } } : {}),
      writers,
    };
  }

  function secretsOf(a: ResolvedAccount, region: string): PlannedSecret[] {
    return (secretsByAccount.get(a.name) ?? [])
      .filter((e) => e.region === region)
      .map((e) => ({
        config: e.secret,
        region,
        replicaRegions: e.secret.replicaRegions,
        policy: {
          accountId: a.id,
          organizationId: orgId,
          readerArns: [...e.readerArns].sort(),
          tagReaders: e.tagReaders,
          administratorArns: [a.deployRoleArn],
        },
      }));
  }

  function parametersOf(a: ResolvedAccount, region: string): PlannedHierarchy[] {
    return (hierarchiesByAccount.get(a.name) ?? [])
      .filter((h) => h.regions.includes(region))
      .map((h) => ({
        config: h.config,
        region,
        parameters: h.config.parameters.map((p) => ({ name: parameterName(h.config.path, p.name), config: p })),
        readerArns: h.readerArns,
      }));
  }

  return { roles, keys, secrets: secretsOf, parameters: parametersOf, trustAnchors: trustAnchorsOf };
}

/** Role ARNs that read an account's secrets (named readers and roles granted them), across its regions. */
function assumeStatement(roleArns: ReadonlySet<string> | undefined): Statement[] {
  if (!roleArns?.size) return [];
  return [{ Sid: "AssumeTrustingRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...roleArns].sort() }];
}

export function secretReaderArns(org: ResolvedOrg, account: ResolvedAccount): string[] {
  const plan = identityPlan(org);
  return [...new Set(account.regions.flatMap((r) => plan.secrets(account, r).flatMap((s) => s.policy.readerArns)))].sort();
}

/** The collection kept under `key`, created on first use. */
function entriesOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

function dedupeTagUsers(users: CrossAccountKeyUser[]): CrossAccountKeyUser[] {
  const seen = new Map<string, CrossAccountKeyUser>();
  for (const u of users) seen.set(JSON.stringify([u.principalTags, [...u.accountIds].sort()]), u);
  return [...seen.values()];
}

/** The account's GitHub Actions OIDC provider (one per account, IAM is global). */
export function githubProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}
