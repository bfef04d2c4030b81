import { distance } from "fastest-levenshtein";
import { z } from "zod";
import type { PathSegment } from "./errors.js";

/** The closest known key, if it is close enough to be a likely typo. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(unknown.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Keys an object schema accepts at `path`, following arrays, records, optionals, defaults and unions. */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const seg of path) current = current.flatMap((s) => childSchemas(unwrap(s), seg));
  return [...new Set(current.map(unwrap).flatMap(objectKeys))].sort();
}

/**
 * For a key that another option of a discriminated union at `path` accepts: the discriminator
 * and the values whose options take the key (`trusted` on a service role belongs to cross-account, ...).
 */
export function keyOwnersAt(schema: z.ZodType, path: readonly PathSegment[], key: string): { discriminator: string; values: string[] } | undefined {
  let current: z.ZodType[] = [schema];
  for (const seg of path) current = current.flatMap((s) => childSchemas(unwrap(s), seg));
  for (const s of current.map(unwrap)) {
    if (!(s instanceof z.ZodDiscriminatedUnion)) continue;
    const discriminator = s.def.discriminator;
    const values = (s.options as z.ZodType[])
      .map(unwrap)
      .filter((o): o is z.ZodObject => o instanceof z.ZodObject && key in o.shape)
      .map((o) => String((o.shape[discriminator] as z.ZodLiteral).value));
    if (values.length > 0) return { discriminator, values };
  }
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

function childSchemas(s: z.ZodType, seg: PathSegment): z.ZodType[] {
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap((o) => childSchemas(unwrap(o), seg));
  if (s instanceof z.ZodArray && typeof seg === "number") return [s.element as z.ZodType];
  if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
  if (s instanceof z.ZodObject && typeof seg === "string") {
    const child = (s.shape as Record<string, z.ZodType>)[seg];
    return child ? [child] : [];
  }
  return [];
}

function objectKeys(s: z.ZodType): string[] {
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap((o) => objectKeys(unwrap(o)));
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  return [];
}
