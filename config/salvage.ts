import type { z } from "zod";
import type { PathSegment } from "./errors.js";
import { orgSchema, type OrgConfig } from "./schema.js";

/**
 * What is left of a config the schema refused, so the whole-config checks can still run
 * over every part that parsed and a user sees every problem in one run.
 *
 * Each refused part is dropped at the smallest place that fails (an unknown key, a list
 * item, an optional field); a required field gets a neutral stand-in where one exists, or
 * its parent is dropped. Names of dropped items are kept, so references to them are not
 * reported as unknown: the schema problem already says what is wrong there.
 */
export interface Salvaged {
  config: OrgConfig;
  /** A path of the salvaged config as a path of the file (list items were dropped). */
  original(path: readonly PathSegment[]): PathSegment[];
  /** Whether `name` was an item of a list (`accounts`, or `<account>/roles`, `/keys`, ...) that the schema refused. */
  refused(list: string, name: string): boolean;
  /** Whether a check's problem (at this file path) is about input the schema refused, or names a stand-in. */
  touchesRefused(path: readonly PathSegment[], message: string): boolean;
}

const MAX_ROUNDS = 25;

/** Stand-ins for required fields whose value matters to no cross-reference. */
const STAND_INS: Record<string, (path: readonly PathSegment[]) => unknown> = {
  organization: () => ({ id: "o-standin000", name: "-" }),
  permissionBoundary: () => ({ name: "standin" }),
  backend: () => ({ type: "hcp", organization: "-" }),
  "accounts.*.id": (path) => `99999${String(path[1]).padStart(7, "0")}`,
  "accounts.*.name": (path) => `refused-account-${String(path[1])}`,
  "accounts.*.role": () => "workload",
  "accounts.*.environment": () => "refused-environment",
  "accounts.*.ou": () => "/",
};

const key = (path: readonly PathSegment[]): string => JSON.stringify(path);
const pattern = (path: readonly PathSegment[]): string => path.map((s) => (typeof s === "number" ? "*" : s)).join(".");

export function salvage(data: unknown, firstIssues: readonly z.core.$ZodIssue[]): Salvaged | undefined {
  const dropped = new Set<string>();
  const standIns = new Map<string, readonly PathSegment[]>();
  const refusedNames = new Set<string>();
  const standInValues = new Set<string>();
  /** Array path (file indices) -> the file indices kept, by salvaged index. */
  let kept = new Map<string, number[]>();

  const original = (path: readonly PathSegment[]): PathSegment[] => {
    const out: PathSegment[] = [];
    for (const seg of path) out.push(typeof seg === "number" ? (kept.get(key(out))?.[seg] ?? seg) : seg);
    return out;
  };

  const build = (value: unknown, path: PathSegment[]): unknown => {
    const standIn = standIns.get(key(path));
    if (standIn) {
      const value = STAND_INS[pattern(standIn)]!(standIn);
      if (typeof value === "string") standInValues.add(value);
      return value;
    }
    if (Array.isArray(value)) {
      const indices: number[] = [];
      const items: unknown[] = [];
      value.forEach((item, i) => {
        const p = [...path, i];
        if (dropped.has(key(p))) return;
        indices.push(i);
        items.push(build(item, p));
      });
      kept.set(key(path), indices);
      return items;
    }
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const p = [...path, k];
        if (!dropped.has(key(p))) out[k] = build(v, p);
      }
      for (const [, p] of standIns) {
        if (p.length === path.length + 1 && key(p.slice(0, -1)) === key(path)) out[p[p.length - 1] as string] = build(undefined, [...p]);
      }
      return out;
    }
    return value;
  };

  const valueAt = (path: readonly PathSegment[]): unknown => {
    let node: unknown = data;
    for (const seg of path) node = (node as Record<PathSegment, unknown> | undefined)?.[seg];
    return node;
  };

  /** Drops the smallest part containing `path` not dropped yet; false if only the whole file or its accounts list is left. */
  const drop = (path: PathSegment[]): boolean => {
    let p = path;
    for (;;) {
      if (p.length === 0 || (p.length === 1 && p[0] === "accounts")) return false;
      const k = key(p);
      if (dropped.has(k) && STAND_INS[pattern(p)]) {
        // Dropped and now missing: a required field with a stand-in.
        dropped.delete(k);
        standIns.set(k, p);
        return true;
      }
      if (!dropped.has(k) && !standIns.has(k)) break;
      p = p.slice(0, -1);
    }
    const item = typeof p[p.length - 1] === "number" ? p : p[p.length - 1] === "name" ? p.slice(0, -1) : undefined;
    const name = item && (valueAt(item) as { name?: unknown } | undefined)?.name;
    const list = item && listName(item, data);
    if (typeof name === "string" && list) refusedNames.add(`${list}\0${name}`);
    dropped.add(key(p));
    return true;
  };

  let issues = firstIssues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const issue of issues) {
      const path = original(issue.path as PathSegment[]);
      const targets = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k]) : [path];
      for (const target of targets) if (!drop(target)) return undefined;
    }
    kept = new Map();
    const parsed = orgSchema.safeParse(build(data, []));
    if (parsed.success) {
      const droppedPaths = [...dropped, ...standIns.keys()].map((d) => JSON.parse(d) as PathSegment[]);
      return {
        config: parsed.data,
        original,
        refused: (list, name) => refusedNames.has(`${list}\0${name}`),
        touchesRefused: (path, message) => droppedPaths.some((d) => isPrefix(d, path)) || [...standInValues].some((v) => message.includes(v)),
      };
    }
    issues = parsed.error.issues;
  }
  return undefined;
}

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

/** `accounts` for an account, `<account>/<section>` for a role, key, secret or log group of one. */
function listName(path: readonly PathSegment[], data: unknown): string | undefined {
  if (path.length === 2 && path[0] === "accounts") return "accounts";
  if (path.length === 4 && path[0] === "accounts") {
    const account = (data as { accounts: { name?: unknown }[] }).accounts[path[1] as number];
    return typeof account?.name === "string" ? `${account.name}/${String(path[2])}` : undefined;
  }
  return undefined;
}
