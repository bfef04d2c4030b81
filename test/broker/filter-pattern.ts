/**
 * CloudWatch Logs JSON filter patterns, for the subset the baseline writes:
 * `{ term && term || ... }` with parentheses, `($.a.b = "v")`, `!=` and `*` wildcards
 * in values, and `NOT EXISTS`. A comparison on a missing field is false (`!=` too),
 * so patterns must not rely on it. Tests run generated patterns on sample events.
 */

type Event = Record<string, unknown>;

function field(event: Event, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), event);
}

const wildcard = (value: string) => new RegExp(`^${value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "s");

export function matchesFilter(pattern: string, event: Event): boolean {
  const m = /^\{\s*(.*)\s*\}$/s.exec(pattern.trim());
  if (!m) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = m[1]!.match(/\(|\)|&&|\|\||\$\.[A-Za-z0-9_.]+\s*(?:!=|=)\s*"[^"]*"|\$\.[A-Za-z0-9_.]+\s+NOT EXISTS/g) ?? [];
  let i = 0;
  const or = (): boolean => {
    let value = and();
    while (tokens[i] === "||") {
      i++;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = atom();
    while (tokens[i] === "&&") {
      i++;
      const right = atom();
      value = value && right;
    }
    return value;
  };
  const atom = (): boolean => {
    const token = tokens[i++]!;
    if (token === "(") {
      const value = or();
      if (tokens[i++] !== ")") throw new Error(`unbalanced parentheses in ${pattern}`);
      return value;
    }
    const exists = /^\$\.([A-Za-z0-9_.]+)\s+NOT EXISTS$/.exec(token);
    if (exists) return field(event, exists[1]!) === undefined;
    const cmp = /^\$\.([A-Za-z0-9_.]+)\s*(!=|=)\s*"([^"]*)"$/.exec(token);
    if (!cmp) throw new Error(`unsupported term ${token}`);
    const actual = field(event, cmp[1]!);
    if (actual === undefined || actual === null) return false;
    const equal = wildcard(cmp[3]!).test(String(actual));
    return cmp[2] === "=" ? equal : !equal;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`unparsed rest of ${pattern}`);
  return result;
}
