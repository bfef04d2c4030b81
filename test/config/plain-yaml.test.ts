import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseDocument, stringify } from "yaml";
import { parsePlainYaml } from "../../config/plain-yaml.js";
import { generateOrg } from "../bench/generate-org.mjs";
import { generateRealisticOrg } from "../bench/generate-realistic-org.mjs";
import { random as seeded } from "../support/random.mjs";

/** What the loader's full path reads: the `yaml` package's document, refused on any error or warning. */
function full(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

/** The fast reader either steps aside or reads exactly what the `yaml` package reads. */
function agrees(text: string): boolean {
  const fast = parsePlainYaml(text);
  if (fast === undefined) return false;
  const expected = full(text);
  expect(expected, `the fast reader accepted what the yaml package refuses:\n${text}`).toBeDefined();
  expect(fast.value, text).toStrictEqual(expected!.value);
  return true;
}

describe("the plain YAML fast reader", () => {
  it("reads the example, the fixtures and the generated organizations exactly as the yaml package does", () => {
    const files = [
      "config/org.yaml",
      "reports/demo/org.yaml",
      "test/fixtures/minimal.yaml",
      "test/fixtures/second-org.yaml",
      "test/fixtures/guardrails-org.yaml",
    ];
    for (const file of files) expect(agrees(readFileSync(file, "utf8")), file).toBe(true);
    const realistic = generateRealisticOrg(60, { regions: ["eu-west-1", "eu-central-1"] });
    expect(agrees(realistic)).toBe(true);
    // As the yaml package writes it back (long strings folded over lines), as an edit script would.
    expect(agrees(stringify(parse(realistic)))).toBe(true);
    expect(agrees(generateOrg(60, { regions: ["eu-west-1", "eu-central-1"] }))).toBe(true);
  });

  it("never accepts what the yaml package refuses or reads differently in the bad-config corpus", () => {
    const corpus = "test/fixtures/bad-configs";
    for (const f of readdirSync(corpus).filter((f) => f.endsWith(".yaml"))) agrees(readFileSync(join(corpus, f), "latin1"));
  });

  it("steps aside for what it does not read: anchors, tags, block scalars, escapes, duplicate keys, tabs", () => {
    const outside = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: |\n  text\n",
      "a: >-\n  text\n",
      'a: "line\\\n  more"\n',
      'a: "\\q"\n',
      "a: 1\na: 2\n",
      'a: 1\n"a": 2\n',
      "a:\tb\n",
      "a: b\n\n  c\n",
      "a: b # note\n  c\n",
      "? a\n: b\n",
      "%YAML 1.1\n---\na: 1\n",
      "a: 1\n---\nb: 2\n",
      "1: a\n",
      "<<: {a: 1}\n",
      "__proto__: 1\n",
      "a: [b,\n  c]\n",
    ];
    for (const text of outside) expect(parsePlainYaml(text), text).toBeUndefined();
  });

  it("reads random documents built from YAML's tricky tokens exactly as the yaml package does, or steps aside", () => {
    const random = seeded(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    let accepted = 0;
    const runs = 4000;
    for (let i = 0; i < runs; i++) {
      const lines: string[] = [];
      if (random() < 0.1) lines.push(pick(["---", "--- # start", "# top"]));
      block(lines, 0, 0, random, pick);
      const text = lines.join(random() < 0.1 ? "\r\n" : "\n") + (random() < 0.8 ? "\n" : "");
      if (agrees(text)) accepted++;
    }
    // Most documents are in the subset, so the comparison covers the reader, not only its refusals.
    expect(accepted).toBeGreaterThan(runs / 4);
  });
});

const COMMON = ["a", "b c", "eu-west-1", "arn:aws:iam::aws:policy/ReadOnlyAccess", "1", "true", '"111111111111"', "[a, b]", "{ a: b, c: [d] }", "'q'"];
const TRICKY = [
  ...["a", "b c", "x:y", "arn:aws:iam::aws:policy/ReadOnlyAccess", "/platform/ci", "s3", "é ü", "a\u00a0", "a  ", "a#b", "a #b", "a, b", "a[0]", "a]"],
  ...["-1", "+1", "-0", "0", "007", "0o17", "0o18", "0x1F", "0xg", "1e3", "1.5e+3", ".5", "+.5", "1.", "1e", "0b1", "1_000", "12:30", "2001-12-14"],
  ...[".inf", "-.Inf", "+.INF", ".NaN", ".nan", "~", "null", "Null", "NULL", "nULL", "true", "False", "TRUE", "tRUE", "yes", "no", "on", "y"],
  ...["- a", "-a", "--a", "---", "...", "?a", ":a", "a:", "a: b", "@a", "`a", "%a", "!a", "&a", "*a", "|", ">", "#c", "<<", "__proto__"],
  ...["[]", "{}", "[a]", "[a, b,]", "[ a ,b ]", "[a, [b, c]]", "[a, {b: c}]", "{a: b}", "{ a: [x, y], b: {c: d} }", "{a: b, a: c}", "[a: b]", "{a}", "{a:b}"],
  ...['{"a": b}', '{"a":b}', "[a,,b]", "[a b]", "[#a]", "[a] b", "{a: b} # c", "[a, b] #c", "[arn:aws:s3:::x/*]", "[a, 'b''c', \"d\"]"],
  ...[
    '"\\x41\\u00e9\\t\\U0001F600"',
    '"\\q"',
    '"\\uD800"',
    '"a\\"b"',
    '"a\\',
    '"\\x4"',
    '"q"',
    '"q\\n"',
    '""',
    "''",
    "'it''s'",
    "'a",
    '"a',
    '"a" #c',
    "'x' y",
    '"a"#c',
    "'a' # c",
    '" spaced "',
    '"a: b"',
    "'#x'",
  ],
];
const KEYS = [
  "a",
  "b",
  "c",
  "key",
  "k-1",
  "CN",
  "a b",
  "a:b",
  "é",
  "-x",
  '"a"',
  "'b'",
  '"q" ',
  "x ",
  "1",
  "true",
  "~",
  "__proto__",
  "<<",
  "?x",
  "[x]",
  "&a a",
  "a#b",
];

function block(lines: string[], indent: number, depth: number, random: () => number, pick: <T>(xs: readonly T[]) => T): void {
  const pad = " ".repeat(indent);
  const asSeq = random() < 0.4;
  const entries = 1 + Math.floor(random() * 4);
  for (let e = 0; e < entries; e++) {
    if (random() < 0.08) lines.push(pick(["", `${pad}# comment`, "# at column 0", `${" ".repeat(indent + 3)}# deeper`]));
    const key = () => (random() < 0.7 ? `k${Math.floor(random() * 40)}` : pick(KEYS));
    const scalar = () => (random() < 0.6 ? pick(COMMON) : pick(TRICKY));
    const head = asSeq ? `${pad}-` : `${pad}${key()}:`;
    const r = random();
    if (depth < 3 && r < 0.3) {
      lines.push(random() < 0.1 ? `${head} # c` : head);
      // A nested block, deeper (now and then at the same column, or misaligned on purpose).
      const shift = random() < 0.15 ? 0 : random() < 0.05 ? -1 : 1 + Math.floor(random() * 3);
      block(lines, Math.max(0, indent + shift), depth + 1, random, pick);
    } else if (asSeq && depth < 3 && r < 0.5) {
      // A mapping started on the dash's line, its other keys below at the first key's column.
      const gap = 1 + (random() < 0.2 ? Math.floor(random() * 3) : 0);
      lines.push(`${pad}-${" ".repeat(gap)}${key()}: ${scalar()}`);
      const column = indent + 1 + gap + (random() < 0.05 ? 1 : 0);
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        lines.push(`${" ".repeat(column)}${key()}: ${scalar()}`);
        if (random() < 0.1) lines.push(`${" ".repeat(column + Math.floor(random() * 3))}${pick(["continued", "a: b", "- x"])}`);
      }
    } else if (r < 0.55) {
      lines.push(`${head}`);
    } else {
      lines.push(`${head} ${scalar()}${random() < 0.1 ? " # trailing" : ""}`);
      // Folded continuation lines, now and then not deeper, after a blank line or a comment, or not plain.
      for (let k = random() < 0.15 ? 1 + Math.floor(random() * 2) : 0; k > 0; k--) {
        if (random() < 0.05) lines.push(pick(["", `${pad}  # comment`]));
        lines.push(
          `${" ".repeat(Math.max(0, indent + Math.floor(random() * 4) - 1))}${random() < 0.7 ? pick(["continued", "more text", "(SEC-201)", "1"]) : scalar()}`,
        );
      }
    }
  }
}
