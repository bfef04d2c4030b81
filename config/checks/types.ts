import type { PathSegment } from "../errors.js";
import type { ResolvedAccount, ResolvedOrg } from "../model.js";
import type { OrgConfig } from "../schema.js";
import type { Names } from "./names.js";

export type Report = (path: PathSegment[], message: string) => void;

/**
 * What the checks read: the config as written (or what of it passed the schema), its
 * accounts resolved once (same order as `config.accounts`, so `accounts[i]` reports at
 * `accounts.i`), and the config file, for files named relative to it.
 */
export interface CheckedConfig {
  config: OrgConfig;
  accounts: readonly ResolvedAccount[];
  source: string;
}

/**
 * A rule over the whole config (or what of it passed the schema): cross-references,
 * uniqueness and safety refusals that one field's schema cannot express. Names are
 * looked up through `names`, which suggests the closest one for a typo.
 */
export type ConfigCheck = (checked: CheckedConfig, report: Report, names: Names) => void;

/**
 * A rule over the resolved organization, for what only the whole model can tell (a policy's
 * size once every statement is assembled). It runs once every config check has passed, on
 * the model the loader returns, so every reference resolves.
 */
export type ModelCheck = (org: ResolvedOrg, report: Report) => void;
