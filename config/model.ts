import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { resolveAccess, type ResolvedAccess } from "./access.js";
import type { AwsRegion } from "./regions.js";
import type { AccountConfig, OrgConfig } from "./schema.js";
import { guardrailsSchema, type GuardrailsConfig } from "./sections/guardrails.js";

/** An account with every default and derived value resolved. */
export interface ResolvedAccount extends Omit<AccountConfig, "regions" | "homeRegion" | "tags"> {
  regions: AwsRegion[];
  /** Where account-global resources (IAM) live. */
  homeRegion: AwsRegion;
  /** Organization tags merged with the account's own; the account wins. */
  tags: Record<string, string>;
  deployRoleArn: string;
  permissionBoundaryArn: string;
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

export function resolve(config: OrgConfig, source: string): ResolvedOrg {
  const accounts = config.accounts.map((account): ResolvedAccount => {
    const regions = (account.regions ?? config.defaults.regions) as AwsRegion[];
    const boundary = config.permissionBoundary;
    return {
      ...account,
      regions,
      homeRegion: (account.homeRegion ?? regions[0]) as AwsRegion,
      tags: { ...config.tags, Environment: account.environment, ...account.tags },
      deployRoleArn: `arn:aws:iam::${account.id}:role/${account.deployRoleName ?? config.deployRole.name}`,
      permissionBoundaryArn: `arn:aws:iam::${account.id}:policy${boundary.path}${boundary.name}`,
    };
  });
  const stacks = accounts.flatMap((account) =>
    account.regions.map((region) => ({ name: stackName(account.name, region), account, region, isHomeRegion: region === account.homeRegion })),
  );
  const managementAccount = accounts.find((a) => a.role === "management");
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
    guardrails: config.guardrails ?? (managementAccount ? guardrailsSchema.parse({}) : undefined),
    certificateBundle: (path: string) => {
      let pem = bundles.get(path);
      if (pem === undefined) bundles.set(path, (pem = readFileSync(besideConfig(source, path), "utf8")));
      return pem;
    },
  };
}
