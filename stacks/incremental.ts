import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedOrg, StackSpec } from "../config/model.js";
import { handlerSource } from "../modules/broker/asset.js";
import { identityPlan } from "../modules/identity-plan.js";
import { expectedSecretReaders } from "../modules/secret-readers.js";

/**
 * Incremental synthesis: each stack's output is a function of a slice of the resolved
 * model and of the code. The slice is hashed into the stack's key; a stack whose key and
 * files are as the previous run left them is reused, the others are rebuilt.
 *
 * A stack's slice: the organization-wide settings (everything but the accounts), its own
 * account, its region, and what other accounts contribute to it, as the identity plan
 * computes it (trust, key and secret policies naming other accounts' roles). Stacks that
 * list every account (the trail's alarms, Security Hub and Config administration in the
 * security and management accounts) add every account's identity. A capability that reads
 * other accounts must add what it reads here.
 */

/**
 * The key and files of every stack as written, kept next to the output folder
 * (`.cdktf.out.synth-cache.json` for `cdktf.out`), so the output itself is only what cdktf writes.
 */
export function cacheFile(outdir: string): string {
  return join(dirname(outdir), `.${basename(outdir)}.synth-cache.json`);
}

export interface StackFile {
  path: string;
  size: number;
  mtimeMs: number;
}
export interface CachedStack {
  key: string;
  resources: number;
  files: StackFile[];
}
export interface SynthCache {
  /** The code that wrote the output: a stack is reused only by the same code. */
  code: string;
  stacks: Record<string, CachedStack>;
}

/**
 * Slices are hashed as plain JSON, without a replacer (which costs a call per value: a
 * third of the keys' time at 1000 accounts). A Map or Set would hash as `{}` and hide a
 * change, so slices hold only JSON data (test/stacks/incremental.test.ts walks them).
 */
const hash = (value: unknown) =>
  createHash("sha256")
    .update(typeof value === "string" ? value : JSON.stringify(value))
    .digest("hex");

/** Every stack's slice of the model, one at a time (all of them at once would hold every policy). */
export function* stackSlices(org: ResolvedOrg): Generator<[string, unknown]> {
  const plan = identityPlan(org);
  const { accounts: _accounts, ...settings } = org.config;
  const orgWide = hash({ settings, access: org.access, security: org.securityAccount?.id ?? null });
  const everyAccount = hash({ accounts: org.accounts.map((a) => [a.id, a.name, a.role, a.regions, a.homeRegion]), regions: org.regions });
  let readers: string | undefined;
  for (const stack of org.stacks) {
    const { account, region } = stack;
    const listsAccounts = account.role === "management" || account.id === org.securityAccount?.id;
    const isTrail = org.trailStack === stack.name;
    if (isTrail) readers ??= hash([...expectedSecretReaders(org).entries()]);
    yield [
      stack.name,
      {
        orgWide,
        account,
        region,
        home: stack.isHomeRegion,
        roles: stack.isHomeRegion ? plan.roles(account) : [],
        // keyPolicy is a pure function of its input: hashing the input spares building every policy.
        keys: plan.keys(account, region).map((k) => [k.config.name, k.input]),
        secrets: plan.secrets(account, region),
        everyAccount: listsAccounts || isTrail ? everyAccount : null,
        readers: isTrail ? readers : null,
      },
    ];
  }
}

/** The key of every stack: the hash of its slice of the model. */
export function stackKeys(org: ResolvedOrg): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, slice] of stackSlices(org)) keys.set(name, hash(slice));
  return keys;
}

let codeFingerprint: string | undefined;

/** The package's version, its cdktf and provider versions, and its compiled (or source) code. */
export function codeVersion(): string {
  if (codeFingerprint) return codeFingerprint;
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  const digest = createHash("sha256");
  for (const pkg of [join(root, "package.json"), join(root, "node_modules/cdktf/package.json"), join(root, "node_modules/@cdktf/provider-aws/package.json")]) {
    digest.update(String((JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version));
  }
  // Running from dist/ the compiled code, from source (tests) the TypeScript.
  const code = dirname(dirname(fileURLToPath(import.meta.url)));
  for (const folder of ["config", "modules", "stacks"]) {
    for (const file of filesUnder(join(code, folder))) {
      if (/\.(js|ts|json|hbs)$/.test(file)) digest.update(relative(code, file)).update(readFileSync(file));
    }
  }
  // The access broker's handler is not compiled: it ships as committed, in its stack's asset.
  digest.update(handlerSource());
  return (codeFingerprint = digest.digest("hex"));
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "node_modules"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The previous run's cache for the output folder `outdir`, when written by the same code. */
export function readCache(outdir: string, code: string): SynthCache | undefined {
  try {
    const cache = JSON.parse(readFileSync(cacheFile(outdir), "utf8")) as SynthCache;
    return cache.code === code ? cache : undefined;
  } catch {
    return undefined;
  }
}

/** The files of one stack's folder, as the cache records them. */
export function stackFiles(stackDir: string): StackFile[] {
  return filesUnder(stackDir).map((file) => {
    const stat = statSync(file);
    return { path: relative(stackDir, file), size: stat.size, mtimeMs: stat.mtimeMs };
  });
}

/**
 * Whether a previous stack's folder holds exactly the files the cache recorded (same
 * names, sizes and modification times), so it can be moved into the new output as it is.
 */
export function unchangedOnDisk(previousDir: string, cached: CachedStack): boolean {
  let files: StackFile[];
  try {
    files = stackFiles(previousDir);
  } catch {
    return false;
  }
  return (
    files.length === cached.files.length &&
    files.every((f, i) => f.path === cached.files[i]!.path && f.size === cached.files[i]!.size && f.mtimeMs === cached.files[i]!.mtimeMs)
  );
}

/** Which stacks can be reused from the previous output in `outdir`. */
export function reusable(org: ResolvedOrg, keys: Map<string, string>, previous: SynthCache | undefined): StackSpec[] {
  if (!previous) return [];
  return org.stacks.filter((s) => previous.stacks[s.name]?.key === keys.get(s.name));
}
