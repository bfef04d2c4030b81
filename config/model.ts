import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { roleArn } from "../modules/naming.js";
import { resolveAccess, type ResolvedAccess } from "./access.js";
import type { AwsRegion } from "./regions.js";
import type { AccountConfig, OrgConfig } from "./schema.js";
import { guardrailsSchema, type GuardrailsConfig } from "./sections/guardrails.js";
import { DEFAULT_SESSION_SECONDS, type PrincipalConfig, type RoleConfig } from "./sections/identity.js";
import type { KeyConfig } from "./sections/keys.js";
import { daysFor, type LogGroupConfig } from "./sections/logs.js";
import type { ParameterHierarchyConfig } from "./sections/parameters.js";
import { qualifyKey, qualifyRole, qualifySecret, type QualifiedRef } from "./sections/refs.js";
import type { SecretConfig } from "./sections/secrets.js";

/*
 * The config with every default resolved once: builders, reports and the loader's checks
 * read these fields and never re-derive a default. Entities keep the order of the
 * config, so a check reports at `accounts[i].keys[j]`; positions are looked up only when a
 * problem is reported. (No path is stored: an entity's content alone keys incremental synthesis.)
 */

/** A role's grants with every reference made absolute (`{ account, name }`). */
export type ResolvedGrants = Omit<RoleConfig["grants"], "secrets" | "keys"> & {
  secrets: QualifiedRef[];
  keys: Array<Omit<RoleConfig["grants"]["keys"][number], "key"> & { key: QualifiedRef }>;
};

type WithResolvedGrants<R> = R extends RoleConfig
  ? Omit<R, "grants"> & { grants: ResolvedGrants; arn: string; sessionBound: number; principalTags: Record<string, string> }
  : never;

/**
 * A role (of any kind) with its ARN, session bound (its own, else its kind's default), absolute
 * references, and the tags its sessions carry as `aws:PrincipalTag` (its account's, then its own).
 */
export type ResolvedRole = WithResolvedGrants<RoleConfig>;

/** A key with the regions it is created in (its own, else every region of its account) and absolute role references. */
export interface ResolvedKey extends Omit<KeyConfig, "regions" | "users" | "administrators"> {
  regions: AwsRegion[];
  users: Array<Omit<KeyConfig["users"][number], "role"> & { role: QualifiedRef }>;
  /** Roles of the key's own account. */
  administrators: QualifiedRef[];
}

/** A secret with its primary region (its own, else the account's home region), every region holding it, and absolute reader roles. */
export interface ResolvedSecret extends Omit<SecretConfig, "region" | "readers"> {
  region: AwsRegion;
  /** The primary region, then the replicas. */
  regions: AwsRegion[];
  readers: Array<Omit<SecretConfig["readers"][number], "role"> & { role?: QualifiedRef }>;
}

/** A log group with its regions (its own, else every region of its account) and retention (its own, else its environment's). */
export interface ResolvedLogGroup extends Omit<LogGroupConfig, "regions" | "retentionDays"> {
  regions: AwsRegion[];
  retentionDays: number;
}

/** A Parameter Store hierarchy with its regions (its own, else the account's home region). */
export interface ResolvedHierarchy extends Omit<ParameterHierarchyConfig, "regions"> {
  regions: AwsRegion[];
}

/** An account with every default and derived value resolved. */
export interface ResolvedAccount extends Omit<AccountConfig, "regions" | "homeRegion" | "tags" | "roles" | "keys" | "secrets" | "logGroups" | "parameters"> {
  regions: AwsRegion[];
  /** Where account-global resources (IAM) live. */
  homeRegion: AwsRegion;
  /** Organization tags merged with the account's own; the account wins. */
  tags: Record<string, string>;
  deployRoleArn: string;
  permissionBoundaryArn: string;
  /** Days its environment keeps logs (`logs.retentionDays`). */
  retentionDays: number;
  roles: ResolvedRole[];
  keys: ResolvedKey[];
  secrets: ResolvedSecret[];
  logGroups: ResolvedLogGroup[];
  parameters: ResolvedHierarchy[];
}

/** One Terraform stack: one account in one region. */
export interface StackSpec {
  /** `<account-name>-<region>`: the cdktf stack id and folder name. */
  name: string;
  account: ResolvedAccount;
  region: AwsRegion;
  isHomeRegion: boolean;
}

export interface ResolvedOrg {
  /** The file it was loaded from, for messages. */
  source: string;
  config: OrgConfig;
  accounts: ResolvedAccount[];
  stacks: StackSpec[];
  accountByName: ReadonlyMap<string, ResolvedAccount>;
  accountById: ReadonlyMap<string, ResolvedAccount>;
  /** The account with role `security` (delegated administrator, aggregator), if any. */
  securityAccount: ResolvedAccount | undefined;
  /** Every region some account uses, sorted. */
  regions: AwsRegion[];
  /** The just-in-time access broker and its policy, with the statements generated from it; undefined without `access:`. */
  access: ResolvedAccess | undefined;
  /** The account with role `management`, where the organization's policies live, if any. */
  managementAccount: ResolvedAccount | undefined;
  /** The stack where the monitored trail lands (`compliance.monitoring.trail`: its region, else its account's home region), if any. */
  trailStack: string | undefined;
  /**
   * The guardrails with every default: all on unless the config switches one off. Undefined
   * when the config declares no management account and no `guardrails` section, so there is
   * nowhere to create them (the loader refuses a `guardrails` section without one).
   */
  guardrails: GuardrailsConfig | undefined;
  /** The role a reference names, with its account; the loader's checks refuse an unknown one, so builders always find it. */
  roleOf(ref: QualifiedRef): { account: ResolvedAccount; role: ResolvedRole };
  /** The key a reference names, with its account (as `roleOf`). */
  keyOf(ref: QualifiedRef): { account: ResolvedAccount; key: ResolvedKey };
  /** The secret a reference names, with its account (as `roleOf`). */
  secretOf(ref: QualifiedRef): { account: ResolvedAccount; secret: ResolvedSecret };
  /**
   * The ARN of a principal: as written, or the named role's in its account of the organization,
   * with its declared path, else the root path (a role outside config, such as an Identity Center role's).
   */
  principalArn(p: PrincipalConfig): string;
  /** A Roles Anywhere CA bundle's PEM text, by the path written in config (relative to `source`); read when first needed. */
  certificateBundle(path: string): string;
}

/** A file named in config, relative to the config file. */
export function besideConfig(source: string, path: string): string {
  return join(dirname(source), path);
}

/** Every region some account uses, sorted: `org.regions`, also for the checks, which run before the org is resolved. */
export function organizationRegions(accounts: readonly ResolvedAccount[]): AwsRegion[] {
  return [...new Set(accounts.flatMap((a) => a.regions))].sort();
}

export function stackName(accountName: string, region: string): string {
  return `${accountName}-${region}`;
}

/** Every account with its defaults resolved; pure, so the loader's checks run over it even for a config the schema refused in part. */
export function resolveAccounts(config: OrgConfig): ResolvedAccount[] {
  const boundary = config.permissionBoundary;
  return config.accounts.map((account): ResolvedAccount => {
    const regions = account.regions ?? config.defaults.regions;
    const homeRegion = account.homeRegion ?? regions[0]!;
    const retentionDays = daysFor(config.logs.retentionDays, account.environment);
    const tags = { ...config.tags, Environment: account.environment, ...account.tags };
    return {
      ...account,
      regions,
      homeRegion,
      tags,
      deployRoleArn: roleArn(account.id, account.deployRoleName ?? config.deployRole.name),
      permissionBoundaryArn: `arn:aws:iam::${account.id}:policy${boundary.path}${boundary.name}`,
      retentionDays,
      roles: account.roles.map((r) => ({
        ...r,
        grants: {
          ...r.grants,
          secrets: r.grants.secrets.map((ref) => qualifySecret(ref, account.name)),
          keys: r.grants.keys.map((g) => ({ ...g, key: qualifyKey(g.key, account.name) })),
        },
        arn: roleArn(account.id, r.name, r.path),
        sessionBound: r.maxSessionDuration ?? DEFAULT_SESSION_SECONDS[r.kind],
        principalTags: { ...tags, ...r.tags },
      })),
      keys: account.keys.map((k) => ({
        ...k,
        regions: k.regions ?? regions,
        users: k.users.map((u) => ({ ...u, role: qualifyRole(u.role, account.name) })),
        administrators: k.administrators.map((name) => ({ account: account.name, name })),
      })),
      secrets: account.secrets.map((s) => {
        const region = s.region ?? homeRegion;
        const readers = s.readers.map(({ role, ...reader }) => (role === undefined ? reader : { ...reader, role: qualifyRole(role, account.name) }));
        return { ...s, region, regions: [region, ...s.replicaRegions], readers };
      }),
      logGroups: account.logGroups.map((g) => ({
        ...g,
        regions: g.regions ?? regions,
        retentionDays: g.retentionDays ?? retentionDays,
      })),
      parameters: account.parameters.map((h) => ({ ...h, regions: h.regions ?? [homeRegion] })),
    };
  });
}

/** The organization resolved; `accounts` when the loader has already resolved them for its checks. */
export function resolve(config: OrgConfig, source: string, accounts = resolveAccounts(config)): ResolvedOrg {
  const stacks = accounts.flatMap((account) =>
    account.regions.map((region) => ({ name: stackName(account.name, region), account, region, isHomeRegion: region === account.homeRegion })),
  );
  const managementAccount = accounts.find((a) => a.role === "management");
  const trail = config.compliance.monitoring?.trail;
  const trailAccount = trail && accounts.find((a) => a.name === trail.account);
  const bundles = new Map<string, string>();
  const accountByName = new Map(accounts.map((a) => [a.name, a]));
  const entry = <T extends { name: string }>(section: (a: ResolvedAccount) => T[], what: string) => {
    const index = new Map<string, { account: ResolvedAccount; entry: T }>();
    for (const account of accounts) for (const e of section(account)) index.set(`${account.name}/${e.name}`, { account, entry: e });
    return (ref: QualifiedRef) => {
      const found = index.get(`${ref.account}/${ref.name}`);
      if (!found) throw new Error(`unknown ${what} ${ref.name} in account ${ref.account}`);
      return found;
    };
  };
  let roles: ReturnType<typeof entry<ResolvedRole>> | undefined;
  let keys: ReturnType<typeof entry<ResolvedKey>> | undefined;
  let secrets: ReturnType<typeof entry<ResolvedSecret>> | undefined;
  return {
    source,
    config,
    accounts,
    stacks,
    accountByName,
    accountById: new Map(accounts.map((a) => [a.id, a])),
    securityAccount: accounts.find((a) => a.role === "security"),
    regions: organizationRegions(accounts),
    access: resolveAccess(config, accounts),
    managementAccount,
    trailStack: trail && trailAccount ? stackName(trailAccount.name, trail.region ?? trailAccount.homeRegion) : undefined,
    guardrails: config.guardrails ?? (managementAccount ? guardrailsSchema.parse({}) : undefined),
    roleOf: (ref) => {
      const { account, entry: role } = (roles ??= entry((a) => a.roles, "role"))(ref);
      return { account, role };
    },
    keyOf: (ref) => {
      const { account, entry: key } = (keys ??= entry((a) => a.keys, "key"))(ref);
      return { account, key };
    },
    secretOf: (ref) => {
      const { account, entry: secret } = (secrets ??= entry((a) => a.secrets, "secret"))(ref);
      return { account, secret };
    },
    principalArn: (p) => {
      if ("arn" in p) return p.arn;
      const owner = accountByName.get(p.account);
      if (!owner) throw new Error(`unknown account ${p.account}`);
      return owner.roles.find((r) => r.name === p.role)?.arn ?? roleArn(owner.id, p.role);
    },
    certificateBundle: (path: string) => {
      let pem = bundles.get(path);
      if (pem === undefined) bundles.set(path, (pem = readFileSync(besideConfig(source, path), "utf8")));
      return pem;
    },
  };
}
