/**
 * Evaluates the subset of CloudWatch Logs JSON filter patterns the baseline writes
 * (`{ ... }` with `&&`, `||`, parentheses, `$.a.b = "v"`, `!=`, `NOT EXISTS`, and `*`
 * wildcards in string values) against one event, so tests can count which filters match.
 */
const compiled = new Map<string, RegExp>();
function wildcard(wanted: string): RegExp {
  let re = compiled.get(wanted);
  if (!re)
    compiled.set(
      wanted,
      (re = new RegExp(
        `^${wanted
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      )),
    );
  return re;
}

export function matchesFilter(pattern: string, event: Record<string, unknown>): boolean {
  const tokens = pattern.match(/\(|\)|&&|\|\||\{|\}|\$[\w.]+|!=|=|NOT EXISTS|"[^"]*"/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (expected !== undefined && t !== expected) throw new Error(`expected ${expected}, got ${t} in ${pattern}`);
    return t!;
  };
  const lookup = (path: string): unknown =>
    path
      .slice(2)
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], event);
  const like = (value: unknown, wanted: string) => typeof value === "string" && wildcard(wanted).test(value);
  const primary = (): boolean => {
    if (peek() === "(") {
      take("(");
      const value = or();
      take(")");
      return value;
    }
    const path = take();
    const op = take();
    if (op === "NOT EXISTS") return lookup(path) === undefined;
    const wanted = take().slice(1, -1);
    return op === "=" ? like(lookup(path), wanted) : !like(lookup(path), wanted);
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === "&&") {
      take();
      value = primary() && value;
    }
    return value;
  };
  function or(): boolean {
    let value = and();
    while (peek() === "||") {
      take();
      value = and() || value;
    }
    return value;
  }
  take("{");
  const result = or();
  take("}");
  return result;
}
