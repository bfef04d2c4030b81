import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { InputError } from "../../reports/collect/input-errors.js";
import { runReport } from "../../reports/command.js";
import { DEMO_DIR, DEMO_PREVIOUS, DEMO_ROOT } from "./fake-aws/demo.js";
import { random as prng } from "../support/random.mjs";

/**
 * Report inputs (AWS CLI exports, snapshots) are files users produce and edit. Whatever is in
 * them, the report either works or names every problem by file and JSON path, and writes nothing.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "report-inputs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: unknown) => writeFileSync(join(dir, name), JSON.stringify(data));

const compliance = {
  AggregateComplianceByConfigRules: [
    { ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "eu-west-1", Compliance: { ComplianceType: "NON_COMPLIANT" } },
  ],
};

/** An advanced-query row as SelectAggregateResourceConfig returns it: a JSON string. */
const queryRow = (item: Record<string, unknown>) =>
  JSON.stringify({ accountId: "111111111111", awsRegion: "eu-west-1", resourceName: "AWS::S3::Bucket/b", ...item });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error("expected an input error");
}

describe("AWS CLI exports: the fuzzer's findings, each named by file and JSON path", () => {
  it("a null in an advanced-query row's configRuleList", () => {
    write("compliance.json", compliance);
    write("query.json", { Results: [queryRow({ configuration: { configRuleList: [null] } })] });
    expect(problemsOf(() => collectFromAwsCli(dir))).toEqual([
      `${join(dir, "query.json")}: Results[0].configuration.configRuleList[0]: Invalid input: expected object, received null`,
    ]);
  });

  it("a resourceName that is not a string", () => {
    write("compliance.json", compliance);
    write("query.json", { Results: [queryRow({ resourceName: 42, configuration: { configRuleList: [] } })] });
    expect(problemsOf(() => collectFromAwsCli(dir))).toEqual([
      `${join(dir, "query.json")}: Results[0].resourceName: Invalid input: expected string, received number`,
    ]);
  });

  it("a configRuleList that is not a list", () => {
    write("compliance.json", compliance);
    write("query.json", { Results: [queryRow({ configuration: { configRuleList: { configRuleName: "r" } } })] });
    expect(problemsOf(() => collectFromAwsCli(dir))).toEqual([
      `${join(dir, "query.json")}: Results[0].configuration.configRuleList: Invalid input: expected array, received object`,
    ]);
  });

  it("every problem of every file at once, not only the first", () => {
    write("a-compliance.json", {
      AggregateComplianceByConfigRules: [
        { ConfigRuleName: "r", AwsRegion: "eu-west-1" },
        { ConfigRuleName: 1, AccountId: "1", AwsRegion: "x" },
      ],
    });
    write("b-accounts.json", { Accounts: [{ Id: null }] });
    writeFileSync(join(dir, "c-broken.json"), "{");
    write("d-query.json", { Results: ["not json", queryRow({ accountId: 7 })] });
    const problems = problemsOf(() => collectFromAwsCli(dir));
    expect(problems.map((p) => p.slice(dir.length + 1).replace(/invalid JSON: .*/, "invalid JSON"))).toEqual([
      "a-compliance.json: AggregateComplianceByConfigRules[0].AccountId: missing (required)",
      "a-compliance.json: AggregateComplianceByConfigRules[1].ConfigRuleName: Invalid input: expected string, received number",
      "b-accounts.json: Accounts[0].Id: Invalid input: expected string, received null",
      "c-broken.json: invalid JSON",
      expect.stringMatching(/^d-query\.json: Results\[0\]: not a JSON row: /),
      "d-query.json: Results[1].accountId: Invalid input: expected string, received number",
    ]);
  });
});

describe("coverage of exports from an organization whose accounts do not all use every region", () => {
  it("exits 0: silent account-regions are coverage, and the summary says nothing failed", async () => {
    write("compliance.json", {
      AggregateComplianceByConfigRules: [
        { ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "eu-west-1", Compliance: { ComplianceType: "COMPLIANT" } },
        { ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "us-east-1", Compliance: { ComplianceType: "COMPLIANT" } },
        { ConfigRuleName: "r", AccountId: "222222222222", AwsRegion: "eu-west-1", Compliance: { ComplianceType: "COMPLIANT" } },
      ],
    });
    write("accounts.json", {
      Accounts: [
        { Id: "111111111111", State: "ACTIVE" },
        { Id: "222222222222", State: "ACTIVE" },
      ],
    });
    const lines: string[] = [];
    const code = await runReport({ securityhub: true, fromAwsCli: dir, json: join(dir, "out", "card.json") }, (l) => lines.push(l));
    expect(code).toBe(0);
    expect(lines).toContain(
      "coverage: 3 account-regions reporting · 1 not reporting (no evaluations although every read succeeded; see the report's coverage)",
    );
    expect(lines).toContain("could not read: nothing, every read succeeded");
    const card = JSON.parse(readFileSync(join(dir, "out", "card.json"), "utf8"));
    expect(card.coverage.notReporting).toEqual([
      { accountId: "222222222222", name: null, region: "us-east-1", reason: "no evaluations reported by the aggregator for this account and region" },
    ]);
    expect(card.gaps).toEqual([]);
    expect(card.summary.unreadable).toBe(0);
  });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const REPLACEMENTS: Json[] = [null, 0, -1, 1.5, "", "x", true, [], {}, [null], { a: null }];

/** Every (container, key) in a document, JSON strings that hold JSON (advanced-query rows) included. */
function slots(doc: Json): Array<{ get: () => Json; set: (v: Json | undefined) => void }> {
  const out: Array<{ get: () => Json; set: (v: Json | undefined) => void }> = [];
  const visit = (container: Json[] | { [key: string]: Json }, key: string | number, reparse?: () => void) => {
    const c = container as Record<string | number, Json>;
    out.push({
      get: () => c[key]!,
      set: (v) => {
        if (v === undefined && !Array.isArray(container)) delete c[key];
        else c[key] = v ?? null;
        reparse?.();
      },
    });
    walk(c[key]!, reparse);
    const value = c[key];
    if (typeof value === "string" && value.startsWith("{")) {
      const inner = JSON.parse(value) as { [key: string]: Json };
      for (const k of Object.keys(inner)) visit(inner, k, () => (c[key] = JSON.stringify(inner)));
    }
  };
  const walk = (node: Json, reparse?: () => void) => {
    if (Array.isArray(node)) node.forEach((_, i) => visit(node, i, reparse));
    else if (node && typeof node === "object") for (const k of Object.keys(node)) visit(node, k, reparse);
  };
  walk(doc);
  return out;
}

function mutate(doc: Json, random: () => number): void {
  const all = slots(doc);
  const slot = all[Math.floor(random() * all.length)]!;
  const r = random();
  slot.set(r < 0.15 ? undefined : REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)]!);
}

describe("a seeded fuzzer over the demo's exports and snapshot", () => {
  const CASES = 60;

  async function expectWorksOrNamesProblems(args: Parameters<typeof runReport>[0], origin: string) {
    const out = join(dir, "out");
    const outputs = { json: join(out, "s.json"), csv: join(out, "s.csv") };
    try {
      const code = await runReport({ ...args, ...outputs }, () => undefined);
      expect([0, 3]).toContain(code);
      rmSync(out, { recursive: true });
    } catch (err) {
      // Never a crash from inside the collector (TypeError and friends): a named problem, nothing written.
      expect(err, String((err as Error).stack)).toBeInstanceOf(Error);
      expect((err as Error).constructor.name, (err as Error).message).not.toMatch(/TypeError|RangeError|ReferenceError/);
      expect((err as Error).message).toContain(origin);
      expect(existsSync(out)).toBe(false);
    }
  }

  it(`${CASES} mutated AWS CLI export directories`, async () => {
    const random = prng(20261129);
    const names = readdirSync(DEMO_DIR)
      .filter((n) => n.endsWith(".json"))
      .sort();
    for (let i = 0; i < CASES; i++) {
      const exports = join(dir, `exports-${i}`);
      cpSync(DEMO_DIR, exports, { recursive: true });
      const name = names[Math.floor(random() * names.length)]!;
      const doc = JSON.parse(readFileSync(join(exports, name), "utf8")) as Json;
      mutate(doc, random);
      writeFileSync(join(exports, name), JSON.stringify(doc));
      await expectWorksOrNamesProblems({ securityhub: true, fromAwsCli: exports }, exports);
    }
  });

  it(`${CASES} mutated snapshots`, async () => {
    const random = prng(7);
    const original = readFileSync(join(DEMO_ROOT, DEMO_PREVIOUS), "utf8");
    for (let i = 0; i < CASES; i++) {
      const doc = JSON.parse(original) as Json;
      mutate(doc, random);
      const file = join(dir, `snapshot-${i}.json`);
      writeFileSync(file, JSON.stringify(doc));
      await expectWorksOrNamesProblems({ securityhub: true, fromSnapshot: file }, file);
    }
  });
});
