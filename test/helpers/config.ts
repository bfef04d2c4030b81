import { ConfigError, type ConfigIssue } from "../../config/errors.js";
import { parseConfig } from "../../config/load.js";

/** Every problem the loader reports for config `text` (read as `file`); empty when it loads. Other errors are thrown. */
export function configIssues(text: string, file = "org.yaml"): ConfigIssue[] {
  try {
    parseConfig(text, file);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}
