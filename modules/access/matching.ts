/** IAM's wildcard matching: `*` any run of characters, `?` one character. */

const cache = new Map<string, RegExp>();

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = cache.get(cacheKey);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    cache.set(cacheKey, re);
  }
  return re;
}

export function matchesWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return wildcardRegExp(pattern, ignoreCase).test(value);
}

/** Actions are case-insensitive (`kms:decrypt` is `kms:Decrypt`). */
export function matchesAction(pattern: string, action: string): boolean {
  return pattern === "*" || matchesWildcard(pattern, action, true);
}

/**
 * ArnLike/ArnEquals and the Resource element: the six colon-separated parts are
 * matched one by one, so a wildcard never spans a partition, service, region or
 * account boundary; the resource part may itself contain colons.
 */
export function matchesArnPattern(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  // A pattern with fewer than six parts matches no ARN; non-ARN values compare as strings.
  if (!p || !a) return !pattern.startsWith("arn:") && matchesWildcard(pattern, arn, false);
  return p.every((part, i) => matchesWildcard(part, a[i]!, false));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}
