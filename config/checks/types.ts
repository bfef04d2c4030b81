import type { PathSegment } from "../errors.js";
import type { OrgConfig } from "../schema.js";

export type Report = (path: PathSegment[], message: string) => void;

/**
 * A rule over the whole (schema-valid) config: cross-references, uniqueness and
 * safety refusals that one field's schema cannot express.
 */
export type ConfigCheck = (config: OrgConfig, report: Report) => void;
