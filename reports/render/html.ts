import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { Scorecard } from "../model/types.js";
import { band, formatCount, formatDelta, formatPercent, formatTime, safeUrl } from "./format.js";
import { htmlView, type HtmlOptions } from "./html-view.js";

export type { HtmlOptions } from "./html-view.js";

/**
 * The scorecard as ONE self-contained HTML file: inline CSS, JS and SVG, no request leaves
 * the page (its Content-Security-Policy forbids it). Data only ever goes through `{{ }}`,
 * which HTML-escapes it; the only unescaped output is our own CSS and JS, whose hashes the
 * policy pins, so a script that slipped into the data still would not run.
 */
export function renderHtml(card: Scorecard, options: HtmlOptions = {}): string {
  return compiled()(htmlView(card, options));
}

/** reports/templates, found from the source tree (tests) and from dist/ (the CLI) alike. */
function templateDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "reports", "templates");
    if (existsSync(join(candidate, "scorecard.hbs"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("reports/templates/scorecard.hbs not found");
    dir = parent;
  }
}

let template: Handlebars.TemplateDelegate | undefined;

function compiled(): Handlebars.TemplateDelegate {
  if (template) return template;
  const dir = templateDir();
  const css = readFileSync(join(dir, "scorecard.css"), "utf8");
  const js = readFileSync(join(dir, "scorecard.js"), "utf8");
  const hbs = Handlebars.create();
  registerHelpers(hbs, { css, js });
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".hbs") && f !== "scorecard.hbs")
    .sort()) {
    hbs.registerPartial(basename(file, ".hbs"), readFileSync(join(dir, file), "utf8"));
  }
  template = hbs.compile(readFileSync(join(dir, "scorecard.hbs"), "utf8"), { strict: false, preventIndent: true });
  return template;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

function registerHelpers(hbs: typeof Handlebars, assets: { css: string; js: string }): void {
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(assets.css)}`,
    `script-src ${sha256(assets.js)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  // Our own files, inlined unescaped: the only SafeStrings in the page.
  hbs.registerHelper("inlineCss", () => new hbs.SafeString(assets.css));
  hbs.registerHelper("inlineJs", () => new hbs.SafeString(assets.js));
  hbs.registerHelper("csp", () => csp);

  hbs.registerHelper("pct", (score: number | null) => formatPercent(score));
  hbs.registerHelper("delta", (d: number | null) => formatDelta(d));
  hbs.registerHelper("deltaClass", (d: number | null) => (d === null || d === undefined || d === 0 ? "flat" : d > 0 ? "up" : "down"));
  hbs.registerHelper("band", (score: number | null) => band(score));
  hbs.registerHelper("num", (n: number) => formatCount(n ?? 0));
  hbs.registerHelper("time", (iso: string | null) => formatTime(iso));
  hbs.registerHelper("url", (u: string | null) => safeUrl(u) ?? "");
  /** Value a sortable cell sorts by: numbers as numbers, no-data as empty (sorted last). */
  hbs.registerHelper("sortv", (v: number | null) => (v === null || v === undefined ? "" : String(v)));
  hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  hbs.registerHelper("gt", (a: number, b: number) => a > b);
  hbs.registerHelper("or", (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper("lower", (s: string | null) => (s ?? "").toLowerCase());
  hbs.registerHelper("plural", (n: number, one: string, many: string) => (n === 1 ? one : many));
  hbs.registerHelper("entries", (o: Record<string, number>) => Object.entries(o ?? {}).map(([key, value]) => ({ key, value })));
  hbs.registerHelper("sum", (a: number, b: number) => a + b);
  hbs.registerHelper("stack", stackedBar);
  // The summary's distribution chart: 22px rows, bars from x=84 over at most 196px.
  hbs.registerHelper("distY", (index: number, offset: number) => index * 22 + offset);
  hbs.registerHelper("distW", (width: number) => Math.round(width * 19.6) / 10);
  hbs.registerHelper("distX", (width: number) => Math.round(840 + width * 19.6 + 60) / 10);
  hbs.registerHelper("gaugeArc", gaugeArc);
  hbs.registerHelper("depth", (depth: number) => Math.min(Math.max(0, depth), 6));
  hbs.registerHelper("codeSpans", codeSpans);
}

/**
 * Catalog text marks code with backticks (`aws kms enable-key-rotation`): split it into
 * segments the template wraps in <code>, so every piece still goes through `{{ }}` escaping.
 */
export function codeSpans(text: string | null): Array<{ text: string; code: boolean }> {
  return (text ?? "")
    .split(/`([^`]+)`/)
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((s) => s.text !== "");
}

/** Widths (out of 100) of the compliant / non-compliant / no-data segments of a row's bar. */
function stackedBar(compliant: number, nonCompliant: number, noData: number) {
  const total = compliant + nonCompliant + noData;
  if (total === 0) return { empty: true, c: 0, n: 0, d: 0, nx: 0, dx: 0 };
  const w = (x: number) => Math.round((1000 * x) / total) / 10;
  const c = w(compliant);
  const n = w(nonCompliant);
  return { empty: false, c, n, d: Math.max(0, Math.round((100 - c - n) * 10) / 10), nx: c, dx: Math.round((c + n) * 10) / 10 };
}

/** SVG path of a half-circle gauge filled to `score` percent (centre 100,100, radius 80). */
function gaugeArc(score: number | null): string {
  if (score === null || score === undefined || score <= 0) return "";
  const angle = (Math.PI * Math.min(score, 100)) / 100;
  const x = 100 - 80 * Math.cos(angle);
  const y = 100 - 80 * Math.sin(angle);
  return `M 20 100 A 80 80 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`;
}
