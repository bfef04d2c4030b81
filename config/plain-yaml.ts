/**
 * A fast reader for the plain subset of YAML that configs are written in: block mappings
 * and sequences, one-line scalars (plain, single- or double-quoted) and one-line flow
 * collections, comments. It keeps no positions, so it is several times
 * faster than the `yaml` package's positioned document, which the loader only needs when
 * something must be reported.
 *
 * Anything outside the subset (anchors, aliases, tags, block and multi-line scalars,
 * complex keys, directives, tabs, duplicate keys, non-string keys, ...) returns
 * undefined and the loader reads the file with the `yaml` package instead, so every refusal
 * and message stays that parser's. Within the subset the value is what the `yaml` package's
 * `toJS` gives under the YAML 1.2 core schema (test/config/plain-yaml.test.ts compares both).
 */
export function parsePlainYaml(text: string): { value: unknown } | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return { value: new PlainYaml(text).document() };
  } catch (err) {
    if (err === OUT) return undefined;
    throw err;
  }
}

/** Tabs (YAML is strict about them), control characters, YAML's other line breaks, a BOM, a CR not ending a line. */
// eslint-disable-next-line no-control-regex
const OUTSIDE_SUBSET = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;

/** Thrown (without a stack) to leave the subset. */
const OUT = { outside: "the plain YAML subset" };

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
/** Flow collections nest no deeper than this in any config (and the recursion stays shallow). */
const MAX_FLOW_DEPTH = 16;
/** Block collections likewise (config/text.ts refuses files nested deeper than 64 before this runs). */
const MAX_BLOCK_DEPTH = 64;

/** Double-quoted escapes, as the `yaml` package reads them (`\x`, `\u` and `\U` apart). */
const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};
const HEX = /^[0-9a-fA-F]+$/;

/** Characters a plain scalar cannot start with (indicators); `-`, `?` and `:` are handled apart. */
const INDICATORS = new Set([..."[]{},#&*!|>'\"%@`"].map((c) => c.charCodeAt(0)));
/** Characters that end a plain scalar inside a flow collection. */
const FLOW_INDICATORS = new Set([..."[]{},"].map((c) => c.charCodeAt(0)));

class PlainYaml {
  /** Offset of each content line's first character (blank and comment-only lines are left out). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  /** Offset of the line after each content line, to tell whether the next content line follows directly. */
  private readonly nexts: number[] = [];
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    const n = text.length;
    for (let i = 0; i <= n;) {
      let next = text.indexOf("\n", i);
      if (next < 0) next = n;
      const end = next > i && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
      let c = i;
      while (c < end && text.charCodeAt(c) === SPACE) c++;
      if (c < end && text.charCodeAt(c) !== HASH) {
        if (c === i && (text.startsWith("---", i) || text.startsWith("...", i)) && (i + 3 === end || text.charCodeAt(i + 3) === SPACE)) {
          // A leading document start marker alone on its line is common; any other marker is not a single plain document.
          if (this.starts.length > 0 || text.startsWith("...", i) || !this.endsLine(i + 3, end)) throw OUT;
        } else {
          this.starts.push(c);
          this.ends.push(end);
          this.indents.push(c - i);
          this.nexts.push(next + 1);
        }
      }
      i = next + 1;
    }
  }

  document(): unknown {
    if (this.starts.length === 0) return null;
    const value = this.block(this.indents[0]!);
    if (this.pos !== this.starts.length) throw OUT;
    return value;
  }

  /** The block node on the current line, which starts at column `col`. */
  private block(col: number): unknown {
    if (++this.depth > MAX_BLOCK_DEPTH) throw OUT;
    const value = this.blockNode(col);
    this.depth--;
    return value;
  }

  private blockNode(col: number): unknown {
    const s = this.starts[this.pos]!;
    if (this.isSeqItem(s, this.ends[this.pos]!)) return this.seq(col);
    if (this.keyColon(s, this.ends[this.pos]!) >= 0) return this.map(col, s);
    throw OUT;
  }

  private isSeqItem(s: number, end: number): boolean {
    return this.text.charCodeAt(s) === DASH && (s + 1 === end || this.text.charCodeAt(s + 1) === SPACE);
  }

  /** A block mapping at column `col` whose first key starts at offset `first` of the current line. */
  private map(col: number, first: number): Record<string, unknown> {
    const { text, starts, ends, indents } = this;
    const n = starts.length;
    const map: Record<string, unknown> = {};
    for (let s = first; ;) {
      const end = ends[this.pos]!;
      const colon = this.keyColon(s, end);
      if (colon < 0) throw OUT;
      const key = this.key(s, colon);
      if (Object.prototype.hasOwnProperty.call(map, key)) throw OUT;
      const v = this.skipSpaces(colon + 1, end);
      if (v === end || text.charCodeAt(v) === HASH) {
        this.pos++;
        if (this.pos < n && indents[this.pos]! > col) map[key] = this.block(indents[this.pos]!);
        else if (this.pos < n && indents[this.pos] === col && this.isSeqItem(starts[this.pos]!, ends[this.pos]!)) map[key] = this.seq(col);
        else map[key] = null;
      } else {
        map[key] = this.inline(v, end, col);
        // Deeper lines after a quoted or flow value, or after a comment.
        if (this.pos < n && indents[this.pos]! > col) throw OUT;
      }
      if (this.pos >= n || indents[this.pos]! < col) return map;
      if (indents[this.pos]! > col || this.isSeqItem(starts[this.pos]!, ends[this.pos]!)) throw OUT;
      s = starts[this.pos]!;
    }
  }

  /** A block sequence whose dashes are at column `col`, starting on the current line. */
  private seq(col: number): unknown[] {
    const { text, starts, ends, indents } = this;
    const n = starts.length;
    const seq: unknown[] = [];
    for (;;) {
      const s = starts[this.pos]!;
      const end = ends[this.pos]!;
      const v = this.skipSpaces(s + 1, end);
      if (v === end || text.charCodeAt(v) === HASH) {
        this.pos++;
        seq.push(this.pos < n && indents[this.pos]! > col ? this.block(indents[this.pos]!) : null);
      } else if (this.isSeqItem(v, end)) {
        throw OUT;
      } else if (this.keyColon(v, end) >= 0) {
        seq.push(this.map(col + (v - s), v));
      } else {
        seq.push(this.inline(v, end, col));
        if (this.pos < n && indents[this.pos]! > col) throw OUT;
      }
      if (this.pos >= n || indents[this.pos]! < col) return seq;
      if (indents[this.pos]! > col) throw OUT;
      // A key at the same column: this sequence was a mapping value written at the key's indentation.
      if (!this.isSeqItem(starts[this.pos]!, ends[this.pos]!)) return seq;
    }
  }

  /** Offset of the `: ` that ends an implicit key starting at `s`, or -1 if the line holds no key there. */
  private keyColon(s: number, end: number): number {
    const { text } = this;
    const c = text.charCodeAt(s);
    if (c === DQUOTE || c === SQUOTE) {
      const i = this.skipSpaces(this.quoted(s, end)[1], end);
      return text.charCodeAt(i) === COLON && this.endsToken(i + 1, end) ? i : -1;
    }
    if (!this.plainStart(s, end)) return -1;
    for (let i = s + 1; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && this.endsToken(i + 1, end)) return i;
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  private key(s: number, colon: number): string {
    const c = this.text.charCodeAt(s);
    const key = c === DQUOTE || c === SQUOTE ? this.quoted(s, colon)[0] : resolvePlain(this.trimmed(s, colon));
    return checkedKey(key);
  }

  /**
   * A value written on its key's (or dash's) line, followed by nothing but a comment; a plain
   * scalar may go on over the directly following lines indented deeper than `col`. Consumes its lines.
   */
  private inline(v: number, end: number, col: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(v);
    if (c === DQUOTE || c === SQUOTE || c === 91 || c === 123) {
      const [value, after] = c === DQUOTE || c === SQUOTE ? this.quoted(v, end) : this.flow(v, end, 1);
      if (!this.endsLine(after, end)) throw OUT;
      this.pos++;
      return value;
    }
    if (!this.plainStart(v, end)) throw OUT;
    const stop = this.plainEnd(v, end);
    let value = this.trimmed(v, stop);
    this.pos++;
    // Folded continuation lines: each line break becomes a space (blank or comment lines in between are left to the full parser).
    for (let line = this.pos; stop === end && line < this.starts.length && this.indents[line]! > col; line = ++this.pos) {
      const s = this.starts[line]!;
      if (s - this.indents[line]! !== this.nexts[line - 1] || !this.plainStart(s, this.ends[line]!) || this.plainEnd(s, this.ends[line]!) !== this.ends[line])
        throw OUT;
      value += ` ${this.trimmed(s, this.ends[line]!)}`;
    }
    return resolvePlain(value);
  }

  /** Where a plain scalar starting at `v` ends on its line: a comment, or the line's end; a `: ` in it is outside the subset. */
  private plainEnd(v: number, end: number): number {
    const { text } = this;
    for (let i = v + 1; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return i;
      if (ch === COLON && this.endsToken(i + 1, end)) throw OUT;
    }
    return end;
  }

  /** A one-line flow collection at `i`: its value and the offset after it. */
  private flow(i: number, end: number, depth: number): [unknown, number] {
    const { text } = this;
    if (depth > MAX_FLOW_DEPTH) throw OUT;
    const open = text.charCodeAt(i);
    const close = open === 91 ? 93 : 125;
    const seq: unknown[] = [];
    const map: Record<string, unknown> = {};
    i = this.skipSpaces(i + 1, end);
    if (text.charCodeAt(i) === close) return [open === 91 ? seq : map, i + 1];
    for (;;) {
      if (open === 91) {
        const [value, after] = this.flowNode(i, end, depth);
        seq.push(value);
        i = after;
      } else {
        const [raw, afterKey] = this.flowNode(i, end, depth);
        const key = checkedKey(raw);
        if (Object.prototype.hasOwnProperty.call(map, key)) throw OUT;
        const colon = this.skipSpaces(afterKey, end);
        if (text.charCodeAt(colon) !== COLON || text.charCodeAt(colon + 1) !== SPACE) throw OUT;
        const [value, after] = this.flowNode(this.skipSpaces(colon + 1, end), end, depth);
        map[key] = value;
        i = after;
      }
      i = this.skipSpaces(i, end);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i = this.skipSpaces(i + 1, end);
        if (text.charCodeAt(i) === close) return [open === 91 ? seq : map, i + 1];
      } else if (c === close) return [open === 91 ? seq : map, i + 1];
      else throw OUT;
    }
  }

  /** A scalar or collection inside a flow collection. */
  private flowNode(i: number, end: number, depth: number): [unknown, number] {
    const { text } = this;
    const c = text.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) return this.quoted(i, end);
    if (c === 91 || c === 123) return this.flow(i, end, depth + 1);
    if (!this.plainStart(i, end)) throw OUT;
    for (let k = i + 1; k < end; k++) {
      const ch = text.charCodeAt(k);
      if (FLOW_INDICATORS.has(ch) || (ch === COLON && (k + 1 === end || text.charCodeAt(k + 1) === SPACE || FLOW_INDICATORS.has(text.charCodeAt(k + 1))))) {
        return [resolvePlain(this.trimmed(i, k)), k];
      }
      if (ch === HASH && text.charCodeAt(k - 1) === SPACE) throw OUT;
    }
    throw OUT;
  }

  /** A one-line quoted scalar at `i`: its value and the offset after it. */
  private quoted(i: number, end: number): [string, number] {
    const { text } = this;
    if (text.charCodeAt(i) === DQUOTE) {
      let value = "";
      for (let k = i + 1, from = k; ;) {
        if (k >= end) throw OUT;
        const ch = text.charCodeAt(k);
        if (ch === DQUOTE) return [value + text.slice(from, k), k + 1];
        if (ch !== BACKSLASH) {
          k++;
          continue;
        }
        value += text.slice(from, k);
        const e = text[k + 1];
        if (k + 1 >= end || e === undefined) throw OUT;
        const escaped = ESCAPES[e];
        if (escaped !== undefined) {
          value += escaped;
          k += 2;
        } else {
          const length = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
          const hex = text.slice(k + 2, k + 2 + length);
          if (length === 0 || k + 2 + length > end || !HEX.test(hex)) throw OUT;
          const code = parseInt(hex, 16);
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw OUT;
          value += String.fromCodePoint(code);
          k += 2 + length;
        }
        from = k;
      }
    }
    let value = "";
    for (let from = i + 1; ;) {
      const q = text.indexOf("'", from);
      if (q < 0 || q >= end) throw OUT;
      value += text.slice(from, q);
      if (text.charCodeAt(q + 1) !== SQUOTE || q + 1 >= end) return [value, q + 1];
      value += "'";
      from = q + 2;
    }
  }

  /** Whether a plain scalar may start at `s`. */
  private plainStart(s: number, end: number): boolean {
    const c = this.text.charCodeAt(s);
    if (INDICATORS.has(c) || c === 63 || c === COLON) return false;
    return c !== DASH || (s + 1 < end && this.text.charCodeAt(s + 1) !== SPACE);
  }

  /** Whether `i` ends a token: the end of the line or a space. */
  private endsToken(i: number, end: number): boolean {
    return i === end || this.text.charCodeAt(i) === SPACE;
  }

  /** Whether nothing but spaces and a comment follow `i`. */
  private endsLine(i: number, end: number): boolean {
    const k = this.skipSpaces(i, end);
    return k === end || (k > i && this.text.charCodeAt(k) === HASH);
  }

  /** The text from `s` to `e` without trailing spaces (YAML trims spaces and tabs only, not other white space). */
  private trimmed(s: number, e: number): string {
    while (e > s && this.text.charCodeAt(e - 1) === SPACE) e--;
    return this.text.slice(s, e);
  }

  private skipSpaces(i: number, end: number): number {
    while (i < end && this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }
}

/** Keys are strings; `__proto__` and the merge key `<<` are left to the full parser. */
function checkedKey(key: unknown): string {
  if (typeof key !== "string" || key === "__proto__" || key === "<<" || key.length > 1000) throw OUT;
  return key;
}

const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the YAML 1.2 core schema, tested in the `yaml` package's order. */
export function resolvePlain(raw: string): unknown {
  const c = raw.charCodeAt(0);
  // Letters other than n, t, f (null, true, false) start only strings.
  if ((c >= 97 && c <= 122 && c !== 110 && c !== 116 && c !== 102) || (c >= 65 && c <= 90 && c !== 78 && c !== 84 && c !== 70)) return raw;
  if (raw === "" || raw === "~" || raw === "null" || raw === "Null" || raw === "NULL") return null;
  if (raw === "true" || raw === "True" || raw === "TRUE") return true;
  if (raw === "false" || raw === "False" || raw === "FALSE") return false;
  if (INT_OCT.test(raw)) return parseInt(raw.substring(2), 8);
  if (INT.test(raw)) return parseInt(raw, 10);
  if (INT_HEX.test(raw)) return parseInt(raw.substring(2), 16);
  if (FLOAT_NAN.test(raw)) return raw.slice(-3).toLowerCase() === "nan" ? NaN : raw[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(raw) || FLOAT.test(raw)) return parseFloat(raw);
  return raw;
}
