/** One problem in a config file, located for an editor: `file:line:col path: message`. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Dotted path into the document, e.g. `accounts[3].id`; empty for the document itself. */
  path: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Invalid input: carries every issue found, so a user fixes them in one pass. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`${issues.length} problem${issues.length === 1 ? "" : "s"} in config:\n` + issues.map((i) => `  ${formatIssue(i)}`).join("\n"));
    this.name = "ConfigError";
  }
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === "number" ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), "");
}
