import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { configChecks } from "./checks/index.js";
import { ConfigError, formatPath, type ConfigIssue, type PathSegment } from "./errors.js";
import { resolve, type ResolvedOrg } from "./model.js";
import { PositionIndex } from "./positions.js";
import { orgSchema } from "./schema.js";
import { didYouMean, knownKeysAt } from "./suggest.js";

export const DEFAULT_CONFIG = "config/org.yaml";

/** The config file `main.ts` and the CLI read when none is named. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.BASELINE_CONFIG || DEFAULT_CONFIG;
}

/** Reads, validates and resolves a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string): ResolvedOrg {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message;
    throw new ConfigError([{ file, line: 1, column: 1, path: "", message: `cannot read config: ${reason}` }]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): ResolvedOrg {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const positions = new PositionIndex(doc, lines);
  const issue = (path: readonly PathSegment[], message: string, key = false): ConfigIssue => ({
    file,
    ...positions.at(path, { key }),
    path: formatPath(path),
    message,
  });

  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, ...positions.offset(e.pos[0]), path: "", message: `YAML syntax: ${firstLine(e.message)}` })),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new ConfigError([issue([], "the file is empty: expected a mapping with organization, permissionBoundary, backend and accounts")]);
  }

  const parsed = orgSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(sortByPosition(parsed.error.issues.flatMap((i) => describeZodIssue(i, issue))));
  }

  const problems: ConfigIssue[] = [];
  for (const check of configChecks) check(parsed.data, (path, message) => problems.push(issue(path, message)));
  if (problems.length > 0) throw new ConfigError(sortByPosition(problems));

  return resolve(parsed.data, file);
}

type IssueAt = (path: readonly PathSegment[], message: string, key?: boolean) => ConfigIssue;

function describeZodIssue(zi: z.core.$ZodIssue, at: IssueAt): ConfigIssue[] {
  const path = zi.path as PathSegment[];
  switch (zi.code) {
    case "unrecognized_keys":
      return zi.keys.map((key) => {
        const known = knownKeysAt(orgSchema, path);
        const guess = didYouMean(key, known);
        const hint = guess ? ` (did you mean "${guess}"?)` : known.length ? ` (expected one of: ${known.join(", ")})` : "";
        return at([...path, key], `unknown key "${key}"${hint}`, true);
      });
    case "invalid_type":
      // A schema's own message (not zod's default) says more, and never echoes the input.
      if (!/^Invalid input/.test(zi.message)) return [at(path, zi.message)];
      return [at(path, describeInvalidType(zi.expected, zi.input))];
    case "invalid_union":
      if (zi.discriminator) {
        const where = path[path.length - 1] === zi.discriminator ? path : [...path, zi.discriminator];
        const value = (zi.input as Record<string, unknown> | undefined)?.[zi.discriminator];
        const expected = zi.message.replace(/^Invalid discriminator value\.\s*/, "");
        return [at(where, value === undefined ? `required: ${expected}` : `unknown ${zi.discriminator} ${JSON.stringify(value)}: ${expected}`)];
      }
      return [at(path, zi.message)];
    case "invalid_value": {
      const values = zi.values.map(String);
      const guess = didYouMean(String(zi.input), values);
      const hint = guess ? ` (did you mean "${guess}"?)` : "";
      const custom = !/^Invalid (input|option)/.test(zi.message);
      if (custom || values.length > 8) return [at(path, `${zi.message}${hint}`)];
      return [at(path, `expected one of ${values.join(", ")}; got ${JSON.stringify(zi.input)}${hint}`)];
    }
    case "invalid_key":
      return [at(path, zi.issues.map((i) => i.message).join("; "), true)];
    case "too_small":
      if (zi.origin === "string" && zi.minimum === 1) return [at(path, "must not be empty")];
      return [at(path, zi.message)];
    default:
      return [at(path, zi.message)];
  }
}

function describeInvalidType(expected: string, input: unknown): string {
  if (input === undefined) return `required: expected ${article(expected)}`;
  const got = describeValue(input);
  if (expected === "string" && typeof input === "number") {
    return `expected a string, got the number ${input} (quote it: YAML reads bare digits as a number and drops leading zeros)`;
  }
  return `expected ${article(expected)}, got ${got}`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", string: "a string", number: "a number", boolean: "true or false" };
  return names[type] ?? type;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function sortByPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
