import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { resolveAccess, type ResolvedAccess } from "./access.js";
import type { AwsRegion } from "./regions.js";
import type { AccountConfig, OrgConfig } from "./schema.js";
import { guardrailsSchema, type GuardrailsConfig } from "./sections/guardrails.js";
import { DEFAULT_SESSION_SECONDS, type RoleConfig } from "./sections/identity.js";
import type { KeyConfig } from "./sections/keys.js";
import { daysFor, type LogGroupConfig } from "./sections/logs.js";
import type { ParameterHierarchyConfig } from "./sections/parameters.js";
import type { SecretConfig } from "./sections/secrets.js";

/*
 * The config with every default resolved once: builders, reports and the loader's checks
 * read these fields and never re-derive a default. Entities keep the order of the
 * config, so a check reports at `accounts[i].keys[j]`; positions are looked up only when a
 * problem is reported. (No path is stored: an entity's content alone keys incremental synthesis.)
 */

/** A role with its ARN and session bound (its own, else its kind's default). */
export type ResolvedRole = RoleConfig & {
  arn: string;
  sessionBound: number;
};

/** A key with the regions it is created in (its own, else every region of its account). */
export interface ResolvedKey extends Omit<KeyConfig, "regions"> {
  regions: AwsRegion[];
}

/** A secret with its primary region (its own, else the account's home region) and every region holding it. */
export interface ResolvedSecret extends Omit<SecretConfig, "region"> {
  region: AwsRegion;
  /** The primary region, then the replicas. */
  regions: AwsRegion[];
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
  /** A Roles Anywhere CA bundle's PEM text, by the path written in config (relative to `source`); read when first needed. */
  certificateBundle(path: string): string;
}

/** A file named in config, relative to the config file. */
export function besideConfig(source: string, path: string): string {
  return join(dirname(source), path);
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
    return {
      ...account,
      regions,
      homeRegion,
      tags: { ...config.tags, Environment: account.environment, ...account.tags },
      deployRoleArn: `arn:aws:iam::${account.id}:role/${account.deployRoleName ?? config.deployRole.name}`,
      permissionBoundaryArn: `arn:aws:iam::${account.id}:policy${boundary.path}${boundary.name}`,
      retentionDays,
      roles: account.roles.map((r) => ({
        ...r,
        arn: `arn:aws:iam::${account.id}:role${r.path}${r.name}`,
        sessionBound: r.maxSessionDuration ?? DEFAULT_SESSION_SECONDS[r.kind],
      })),
      keys: account.keys.map((k) => ({ ...k, regions: k.regions ?? regions })),
      secrets: account.secrets.map((s) => {
        const region = s.region ?? homeRegion;
        return { ...s, region, regions: [region, ...s.replicaRegions] };
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
  return {
    source,
    config,
    accounts,
    stacks,
    accountByName: new Map(accounts.map((a) => [a.name, a])),
    accountById: new Map(accounts.map((a) => [a.id, a])),
    securityAccount: accounts.find((a) => a.role === "security"),
    regions: [...new Set(accounts.flatMap((a) => a.regions))].sort(),
    access: resolveAccess(config, accounts),
    managementAccount,
    trailStack: trail && trailAccount ? stackName(trailAccount.name, trail.region ?? trailAccount.homeRegion) : undefined,
    guardrails: config.guardrails ?? (managementAccount ? guardrailsSchema.parse({}) : undefined),
    certificateBundle: (path: string) => {
      let pem = bundles.get(path);
      if (pem === undefined) bundles.set(path, (pem = readFileSync(besideConfig(source, path), "utf8")));
      return pem;
    },
  };
}
