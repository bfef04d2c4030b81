import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { generateRealisticOrg } from "../bench/generate-realistic-org.mjs";
import { loadConfig, parseConfig } from "../../config/load.js";
import { stackSlices } from "../../stacks/incremental.js";
import { runCli, treeHashes } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "baseline-incremental-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Deterministic pseudo-random numbers, so a failing sequence of edits is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

type Org = { tags: Record<string, string>; accounts: any[] };

/** Edits a user makes, each to a randomly chosen generated account; some reach other accounts' stacks. */
const edits: Array<[string, (org: Org, pick: <T>(xs: T[]) => T) => void]> = [
  ["a managed policy on a role", (org, pick) => (pick(generated(org)).roles[0].managedPolicies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"])],
  [
    "a reader in another account",
    (org, pick) => {
      const owner = pick(generated(org));
      const reader = pick(generated(org).filter((a) => a !== owner));
      owner.secrets[0].readers.push({ role: { account: reader.name, role: "app-api" } });
    },
  ],
  [
    "a role granted another account's key (only the key's account's stack changes there)",
    (org, pick) => {
      const owner = pick(generated(org).filter((a) => a.keys.length > 0));
      const user = pick(generated(org).filter((a) => a !== owner && a.roles.length > 0));
      user.roles[0].grants ??= {};
      (user.roles[0].grants.keys ??= []).push({ key: { account: owner.name, name: owner.keys[0].name }, via: ["s3"], access: "decrypt" });
    },
  ],
  ["a reader removed", (org, pick) => pick(generated(org)).secrets[0].readers.splice(1, 1)],
  ["an account's tags", (org, pick) => (pick(generated(org)).tags.Project = "proj-renamed")],
  ["a log group's retention", (org, pick) => (pick(generated(org)).logGroups[1].retentionDays = 1096)],
  ["a key added", (org, pick) => pick(generated(org)).keys.push({ name: "app-extra" })],
  ["an account removed", (org, pick) => org.accounts.splice(org.accounts.indexOf(pick(generated(org))), 1)],
  ["an organization tag", (org) => (org.tags.CostCenter = "platform-2")],
];

/** Generated accounts: every secret's readers exist whatever is removed, since readers of removed accounts are dropped. */
function generated(org: Org): any[] {
  return org.accounts.filter((a) => a.name.startsWith("acct"));
}

describe("incremental synthesis", () => {
  it("after random edits, reuses unchanged stacks and writes exactly what a full synth writes", () => {
    const rnd = random(16);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    let org = parse(generateRealisticOrg(10)) as Org;
    const file = join(tmp, "org.yaml");
    const incremental = join(tmp, "incremental");
    writeFileSync(file, stringify(org));
    const first = runCli(["synth", "--quiet", "--config", file, "--out", incremental], { BASELINE_SYNTH_WORKERS: "1" });
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/rebuilt (\d+) of \1 stacks/);

    const order = [...edits].sort(() => rnd() - 0.5);
    for (const [what, edit] of order) {
      const before = org;
      org = structuredClone(org);
      edit(org, pick);
      // Drop readers of accounts that no longer exist, as a user removing an account would.
      const names = new Set(org.accounts.map((a) => a.name));
      for (const a of generated(org))
        for (const s of a.secrets) s.readers = s.readers.filter((r: any) => typeof r.role !== "object" || names.has(r.role.account));
      writeFileSync(file, stringify(org));

      const result = runCli(["synth", "--quiet", "--config", file, "--out", incremental], { BASELINE_SYNTH_WORKERS: "1" });
      expect(result.stderr, what).toBe("");
      const [, rebuilt, total] = /rebuilt (\d+) of (\d+) stacks/.exec(result.stdout)!;
      const full = join(tmp, `full-${what.replaceAll(" ", "-")}`);
      expect(runCli(["synth", "--quiet", "--full", "--config", file, "--out", full], { BASELINE_SYNTH_WORKERS: "1" }).status, what).toBe(0);
      expect(treeHashes(incremental), what).toEqual(treeHashes(full));
      // An organization-wide setting reaches every stack; an account's own edit only a few.
      if (what === "an organization tag") expect(rebuilt, what).toBe(total);
      else expect(Number(rebuilt), what).toBeLessThan(what === "an account removed" ? Number(total) : Number(total) / 2);
      expect(before).not.toEqual(org);
    }
  }, 600_000);

  it("rebuilds a stack whose output was changed by hand, and everything with --full", () => {
    const file = join(tmp, "example-copy.yaml");
    writeFileSync(file, generateRealisticOrg(6));
    const out = join(tmp, "tampered");
    runCli(["synth", "--quiet", "--config", file, "--out", out]);
    const stack = join(out, "stacks", "payments-prod-eu-west-1", "cdk.tf.json");
    const original = treeHashes(out);
    writeFileSync(stack, "{}\n");
    const again = runCli(["synth", "--quiet", "--config", file, "--out", out]);
    expect(again.stdout).toMatch(/rebuilt 1 of \d+ stacks/);
    expect(treeHashes(out)).toEqual(original);
    expect(runCli(["synth", "--quiet", "--full", "--config", file, "--out", out]).stdout).toMatch(/rebuilt (\d+) of \1 stacks/);
  }, 300_000);
});

/** Where a value holds something JSON.stringify does not write faithfully (a Map or Set writes `{}`, a function nothing). */
function notJson(value: unknown, path: string): string | undefined {
  if (value === null || ["string", "number", "boolean", "undefined"].includes(typeof value)) return undefined;
  if (typeof value !== "object") return `${path}: ${typeof value}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return `${path}: ${proto?.constructor?.name ?? "object"}`;
  for (const [k, v] of Object.entries(value)) {
    const found = notJson(v, `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

describe("stack slices", () => {
  it.each([
    ["the example", () => loadConfig("config/org.yaml")],
    ["a second organization", () => loadConfig("test/fixtures/second-org.yaml")],
    ["a realistic generated organization", () => parseConfig(generateRealisticOrg(40, { regions: ["eu-west-1", "eu-central-1"] }), "org.yaml")],
  ])("of %s hold only JSON data, so their hash sees every change", (_, load) => {
    const problems: string[] = [];
    for (const [name, slice] of stackSlices(load())) {
      const found = notJson(slice, name);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
  });
});
