import { readFileSync } from "node:fs";
import type { Document, Node } from "yaml";
import type { z } from "zod";
import { configChecks, modelChecks } from "./checks/index.js";
import { ConfigError, formatPath, type ConfigIssue, type PathSegment } from "./errors.js";
import { resolve, resolveAccounts, type ResolvedAccount, type ResolvedOrg } from "./model.js";
import { Names } from "./checks/names.js";
import { PositionIndex, yamlPackage } from "./positions.js";
import { salvage, type Salvaged } from "./salvage.js";
import { parsePlainYaml } from "./plain-yaml.js";
import { orgSchema } from "./schema.js";
import { decodeConfig, tooDeep } from "./text.js";
import { didYouMean, keyOwnersAt, knownKeysAt } from "./suggest.js";

export const DEFAULT_CONFIG = "config/org.yaml";

/** The config file `main.ts` and the CLI read when none is named. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.BASELINE_CONFIG || DEFAULT_CONFIG;
}

/** Reads, validates and resolves a config file. Throws ConfigError listing every problem. */
export function loadConfig(file: string): ResolvedOrg {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "it is a folder, not a file"
          : code === "EACCES"
            ? "permission denied"
            : (err as Error).message;
    throw new ConfigError([{ file, line: 1, column: 1, path: "", message: `cannot read config: ${reason}` }]);
  }
  const decoded = decodeConfig(bytes);
  if ("problem" in decoded) {
    const line = Buffer.from(bytes.subarray(0, decoded.offset)).toString("latin1").split("\n");
    throw new ConfigError([{ file, line: line.length, column: line[line.length - 1]!.length + 1, path: "", message: decoded.problem }]);
  }
  return parseConfig(decoded.text, file);
}

/** Collections nest deeper than this in no real config; deeper input is refused before it can exhaust the stack. */
const MAX_DEPTH = 64;
/** Alias expansions toJS performs at most: more is an alias bomb. */
const MAX_ALIASES = 100;

export function parseConfig(text: string, file: string): ResolvedOrg {
  const deep = tooDeep(text, MAX_DEPTH);
  if (deep >= 0) {
    const line = text.slice(0, deep).split("\n");
    throw new ConfigError([
      {
        file,
        line: line.length,
        column: line[line.length - 1]!.length + 1,
        path: "",
        message: `nested more than ${MAX_DEPTH} levels deep: no config is, so this file is refused`,
      },
    ]);
  }
  // A valid file, the common case, is read without positions; any problem is found again below, located.
  const plain = parsePlainYaml(text);
  const valid = plain && withoutProblems(plain.value, file);
  if (valid) return valid;

  const { LineCounter, parseDocument } = yamlPackage();
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
    throw new ConfigError(doc.errors.map((e) => ({ file, ...positions.offset(e.pos[0]), path: "", message: `YAML syntax: ${firstLine(e.message)}` })));
  }
  const structural = yamlProblems(doc, (offset, message) => ({ file, ...positions.offset(offset), path: "", message }));
  if (structural.length > 0) throw new ConfigError(structural);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError([
      {
        file,
        ...positions.offset(firstAlias(doc)),
        path: "",
        message: `aliases expand to too much data (more than ${MAX_ALIASES} expansions): write the values out instead`,
      },
    ]);
  }
  if (data === null || data === undefined) {
    throw new ConfigError([issue([], "the file is empty: expected a mapping with organization, permissionBoundary, backend and accounts")]);
  }

  const parsed = orgSchema.safeParse(data, { reportInput: true });
  const problems: ConfigIssue[] = [];
  let salvaged: Salvaged | undefined;
  if (!parsed.success) {
    problems.push(...parsed.error.issues.flatMap((i) => describeZodIssue(i, issue)));
    // The checks still run over every part that parsed, so every problem shows in one run.
    salvaged = salvage(data, parsed.error.issues);
  }
  const config = parsed.success ? parsed.data : salvaged?.config;
  let accounts: ResolvedAccount[] | undefined;
  if (config) {
    accounts = resolveAccounts(config);
    const report = (path: PathSegment[], message: string): void => {
      const where = salvaged ? salvaged.original(path) : path;
      if (!salvaged?.touchesRefused(where, message)) problems.push(issue(where, message));
    };
    const names = new Names(accounts, report, salvaged?.refused, (path) => positions.has(salvaged ? salvaged.original(path) : path));
    for (const check of configChecks) check({ config, accounts, source: file }, report, names);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(sortByPosition(problems));

  const org = resolve(parsed.data, file, accounts);
  for (const check of modelChecks) check(org, (path, message) => problems.push(issue(path, message)));
  if (problems.length > 0) throw new ConfigError(sortByPosition(problems));
  return org;
}

/** The resolved organization if `data` passes the schema and every check, else undefined (the caller then reports). */
function withoutProblems(data: unknown, file: string): ResolvedOrg | undefined {
  const parsed = orgSchema.safeParse(data);
  if (!parsed.success) return undefined;
  let clean = true;
  const report = (): void => {
    clean = false;
  };
  const accounts = resolveAccounts(parsed.data);
  const names = new Names(accounts, report, undefined, (path) => hasPath(data, path));
  for (const check of configChecks) check({ config: parsed.data, accounts, source: file }, report, names);
  if (!clean) return undefined;
  const org = resolve(parsed.data, file, accounts);
  for (const check of modelChecks) check(org, report);
  return clean ? org : undefined;
}

/** Whether the file's data has this path, as PositionIndex.has answers for the document. */
function hasPath(data: unknown, path: readonly PathSegment[]): boolean {
  let node = data;
  for (const seg of path) {
    if (Array.isArray(node)) {
      if (typeof seg !== "number" || seg >= node.length) return false;
      node = node[seg];
    } else if (typeof node === "object" && node !== null && typeof seg === "string" && Object.prototype.hasOwnProperty.call(node, seg)) {
      node = (node as Record<string, unknown>)[seg];
    } else return false;
  }
  return true;
}

/** YAML the config never needs and the loader would otherwise misread: unknown tags, self-containing aliases. */
function yamlProblems(doc: Document, at: (offset: number, message: string) => ConfigIssue): ConfigIssue[] {
  const problems = doc.warnings
    .filter((w) => w.code === "TAG_RESOLVE_FAILED")
    .map((w) => {
      const tag = (/tag: (\S+)/.exec(w.message)?.[1] ?? "").replace(/^tag:yaml\.org,2002:/, "!!");
      return at(w.pos[0], `unknown YAML tag ${tag}: the config takes plain values (strings, numbers, true/false, lists and mappings)`);
    });
  yamlPackage().visit(doc, {
    Alias(_, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target as Node)) {
        problems.push(at(alias.range?.[0] ?? 0, `alias *${alias.source} refers to a collection that contains it, so its value would be infinite`));
      }
    },
  });
  return problems;
}

function firstAlias(doc: Document): number {
  const { visit } = yamlPackage();
  let offset = 0;
  visit(doc, {
    Alias(_, alias) {
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

type IssueAt = (path: readonly PathSegment[], message: string, key?: boolean) => ConfigIssue;

function describeZodIssue(zi: z.core.$ZodIssue, at: IssueAt): ConfigIssue[] {
  const path = zi.path as PathSegment[];
  switch (zi.code) {
    case "unrecognized_keys":
      return zi.keys.map((key) => {
        const owners = keyOwnersAt(orgSchema, path, key);
        if (owners) {
          const value = (zi.input as Record<string, unknown> | undefined)?.[owners.discriminator];
          return at(
            [...path, key],
            `"${key}" is not allowed for ${owners.discriminator} ${String(value)} (only for ${owners.discriminator} ${owners.values.join(", ")})`,
            true,
          );
        }
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
      return describeUnion(zi, path, at);
    case "invalid_value": {
      const values = zi.values.map(String);
      const custom = !/^Invalid (input|option)/.test(zi.message);
      const expected = custom ? zi.message : `one of ${values.join(", ")}`;
      if (zi.input === undefined) return [at(path, `required: ${expected}`)];
      const hint = suggestionFor(String(zi.input), values);
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

/** A union: a bad discriminator with the closest value, or what the closest option says. */
function describeUnion(zi: z.core.$ZodIssueInvalidUnion, path: PathSegment[], at: IssueAt): ConfigIssue[] {
  const { discriminator } = zi;
  if (discriminator) {
    const options = ((zi as { options?: unknown[] }).options ?? []).map(String);
    const where = path[path.length - 1] === discriminator ? path : [...path, discriminator];
    const value = (zi.input as Record<string, unknown> | undefined)?.[discriminator];
    if (value === undefined) return [at(where, `required: ${discriminator}, one of ${options.join(", ")}`)];
    return [at(where, `unknown ${discriminator} ${JSON.stringify(value)}: expected one of ${options.join(", ")}${suggestionFor(String(value), options)}`)];
  }
  // Options that rejected the value's type outright say nothing about what the user meant.
  const typeOnly = (branch: z.core.$ZodIssue[]) => branch.every((i) => i.code === "invalid_type" && i.path.length === 0);
  const near = zi.errors.filter((branch) => !typeOnly(branch));
  if (near.length > 0) {
    const closest = near.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return closest.flatMap((i) => describeZodIssue({ ...i, path: [...path, ...i.path] } as z.core.$ZodIssue, at));
  }
  const expected = [...new Set(zi.errors.flatMap((branch) => branch.map((i) => (i.code === "invalid_type" ? article(i.expected) : i.message))))];
  return [at(path, `expected ${expected.join(" or ")}, got ${describeValue(zi.input)}`)];
}

function suggestionFor(value: string, known: readonly string[]): string {
  const guess = didYouMean(value, known);
  return guess ? ` (did you mean "${guess}"?)` : "";
}

function describeInvalidType(expected: string, input: unknown): string {
  if (input === undefined) return `required: expected ${article(expected)}`;
  const got = describeValue(input);
  if (expected === "string" && typeof input === "number") {
    const digits = Number.isInteger(input) && input >= 0 ? ` (${String(input).length} digits)` : "";
    return `expected a string, got the number ${input}${digits}; quote it: YAML reads bare digits as a number and drops leading zeros`;
  }
  return `expected ${article(expected)}, got ${got}`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", string: "a string", number: "a number", boolean: "true or false" };
  return names[type] ?? type;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "the YAML not-a-number .nan" : `the YAML infinity ${value > 0 ? "" : "-"}.inf`;
  }
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
