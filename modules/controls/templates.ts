import type { SynthesizedStack, Violation } from "./types.js";

/**
 * Terraform reads every string of its JSON syntax as a template: `${...}` is an
 * interpolation and `%{...}` a directive, so a literal IAM variable such as
 * `${aws:PrincipalTag/Project}` must be written `$${aws:PrincipalTag/Project}`, or
 * `terraform validate` and `plan` fail ("Extra characters after interpolation
 * expression"). This checks every string of a synthesized stack without Terraform:
 * each interpolation must parse as an expression of the kinds cdktf writes
 * (references with at least one attribute, indexes, function calls, literals,
 * operators, conditionals, lists and objects). The generator writes no directives,
 * so any unescaped `%{` is reported.
 */

/** Why `text` is not a valid Terraform template, or undefined when it is. */
export function templateProblem(text: string): string | undefined {
  try {
    new TemplateParser(text).template(undefined);
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}

/** Every string of the stack (keys included) that is not a valid template, by Terraform address. */
export function invalidTemplates(stack: SynthesizedStack): Violation[] {
  const out: Violation[] = [];
  const visit = (value: unknown, address: string, path: string): void => {
    if (typeof value === "string") {
      const problem = templateProblem(value);
      if (problem) out.push({ resource: address, why: `${path || "value"}: ${problem}` });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, address, `${path}[${i}]`));
    } else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        // "//" holds cdktf's comments and metadata, which Terraform does not evaluate.
        if (key === "//") continue;
        const problem = templateProblem(key);
        if (problem) out.push({ resource: address, why: `key ${JSON.stringify(key)}: ${problem}` });
        visit(v, address, path ? `${path}.${key}` : key);
      }
    }
  };
  const { resource, data, ...rest } = stack.json as Record<string, unknown> & SynthesizedStack["json"];
  for (const [type, byName] of Object.entries(resource ?? {})) for (const [name, body] of Object.entries(byName)) visit(body, `${type}.${name}`, "");
  for (const [type, byName] of Object.entries(data ?? {})) for (const [name, body] of Object.entries(byName)) visit(body, `data.${type}.${name}`, "");
  for (const [section, body] of Object.entries(rest)) visit(body, "(stack)", section);
  return out;
}

class TemplateError extends Error {}

const BINARY_OPERATORS = ["||", "&&", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%"];
const LITERAL_NAMES = new Set(["true", "false", "null"]);

/** A recursive-descent reader of Terraform's template and expression syntax (the subset above). */
class TemplateParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** A template up to `end` (the closing quote of a nested string) or the end of the text. */
  template(end: '"' | undefined): void {
    const t = this.text;
    while (this.pos < t.length) {
      if (end && t[this.pos] === end) return;
      if (end && t[this.pos] === "\\") {
        this.pos += 2;
        continue;
      }
      if (t.startsWith("$${", this.pos) || t.startsWith("%%{", this.pos)) {
        this.pos += 3;
        continue;
      }
      if (t.startsWith("${", this.pos)) {
        const start = this.pos;
        this.pos += 2;
        if (t[this.pos] === "~") this.pos++;
        try {
          this.expression();
          this.space();
          if (t[this.pos] === "~") this.pos++;
          this.expect("}");
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          const close = t.indexOf("}", start);
          const shown = close < 0 ? t.slice(start) : t.slice(start, close + 1);
          throw new TemplateError(`${JSON.stringify(shown)} is not a Terraform expression; a literal \${ must be written $\${ (escapeTerraformTemplate)`);
        }
        continue;
      }
      if (t.startsWith("%{", this.pos)) {
        throw new TemplateError(`${JSON.stringify(t.slice(this.pos, this.pos + 24))} starts a template directive; a literal %{ must be written %%{`);
      }
      this.pos++;
    }
    if (end) throw new TemplateError("unterminated string in an interpolation");
  }

  private expression(): void {
    this.binary();
    this.space();
    if (this.text[this.pos] === "?") {
      this.pos++;
      this.expression();
      this.space();
      this.expect(":");
      this.expression();
    }
  }

  private binary(): void {
    this.unary();
    for (;;) {
      this.space();
      const op = BINARY_OPERATORS.find((o) => this.text.startsWith(o, this.pos));
      if (!op) return;
      this.pos += op.length;
      this.unary();
    }
  }

  private unary(): void {
    this.space();
    if (this.text[this.pos] === "!" || this.text[this.pos] === "-") this.pos++;
    this.postfix();
  }

  private postfix(): void {
    const reference = this.primary();
    let traversals = 0;
    for (;;) {
      const t = this.text;
      if (t[this.pos] === "." && /[A-Za-z_0-9*]/.test(t[this.pos + 1] ?? "")) {
        this.pos++;
        if (t[this.pos] === "*") this.pos++;
        else if (!this.identifier() && !this.number()) throw new TemplateError("bad attribute");
        traversals++;
      } else if (t[this.pos] === "[") {
        this.pos++;
        this.space();
        if (t[this.pos] === "*") this.pos++;
        else this.expression();
        this.space();
        this.expect("]");
        traversals++;
      } else break;
    }
    // A bare name is no reference: a resource type needs its name, a variable `var.`.
    if (reference && traversals === 0) throw new TemplateError("a reference needs an attribute");
  }

  /** Returns whether it read a name that must be a reference (not a call or a literal name). */
  private primary(): boolean {
    this.space();
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') {
      this.pos++;
      this.template('"');
      this.expect('"');
      return false;
    }
    if (c === "(") {
      this.pos++;
      this.expression();
      this.space();
      this.expect(")");
      return false;
    }
    if (c === "[") {
      this.pos++;
      this.sequence("]", () => this.expression());
      return false;
    }
    if (c === "{") {
      this.pos++;
      this.sequence("}", () => {
        // A bare name before `=` or `:` is a literal key, not a reference.
        const key = /^[A-Za-z_][A-Za-z0-9_-]*\s*[=:]/.exec(t.slice(this.pos));
        if (key) this.pos += key[0].length - 1;
        else this.expression();
        this.space();
        if (t[this.pos] !== "=" && t[this.pos] !== ":") throw new TemplateError("bad object");
        this.pos++;
        this.expression();
      });
      return false;
    }
    if (this.number()) return false;
    const name = this.identifier();
    if (!name) throw new TemplateError("expected an expression");
    this.space();
    if (t[this.pos] === "(") {
      this.pos++;
      this.sequence(")", () => {
        this.expression();
        this.space();
        if (t.startsWith("...", this.pos)) this.pos += 3;
      });
      return false;
    }
    return !LITERAL_NAMES.has(name);
  }

  /** Comma-separated items up to `close`, a trailing comma allowed. */
  private sequence(close: string, item: () => void): void {
    for (;;) {
      this.space();
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      item();
      this.space();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== close) throw new TemplateError(`expected ${close}`);
    }
  }

  private identifier(): string | undefined {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  private number(): boolean {
    const match = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) return false;
    this.pos += match[0].length;
    return true;
  }

  private space(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw new TemplateError(`expected ${c}`);
    this.pos++;
  }
}
