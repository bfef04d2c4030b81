import type { PathSegment } from "../errors.js";
import type { OrgConfig } from "../schema.js";
import type { Names } from "./names.js";

export type Report = (path: PathSegment[], message: string) => void;

/**
 * A rule over the whole config (or what of it passed the schema): cross-references,
 * uniqueness and safety refusals that one field's schema cannot express. Names are
 * looked up through `names`, which suggests the closest one for a typo. `source` is
 * the config file, for files named relative to it.
 */
export type ConfigCheck = (config: OrgConfig, report: Report, names: Names, source: string) => void;
