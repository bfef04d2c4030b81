import type { z } from "zod";

/** `Results[3].configuration.configRuleList[0]`: the JSON path of a problem, as jq would write it. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_$][\w$]*$/.test(p)) out += `${out ? "." : ""}${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || "(document)";
}

/** A missing field says so, instead of zod's "expected string, received undefined". */
const messages: z.core.$ZodErrorMap = (issue) =>
  issue.input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value") ? "missing (required)" : undefined;

/**
 * Every problem of `data` against `schema`, one `origin: path: message` line each, under `prefix`
 * (the path of `data` inside its file). Returns the parsed value when there is none.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  origin: string,
  prefix: ReadonlyArray<PropertyKey> = [],
): { ok: true; value: z.output<S> } | { ok: false; problems: string[] } {
  const parsed = schema.safeParse(data, { error: messages });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${origin}: ${jsonPath([...prefix, ...i.path])}: ${i.message}`) };
}

/** One error naming every problem, so a user fixes them all in one pass. */
export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${what}: ${problems.length} ${problems.length === 1 ? "problem" : "problems"}\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}
