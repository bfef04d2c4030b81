/**
 * The one ordering of strings for everything that reaches output. `localeCompare`
 * follows the machine's locale (LC_ALL through ICU: in Estonian `z` sorts before `t`),
 * so the same config would synthesize differently on two machines; this compares
 * UTF-16 code units, as `Array.prototype.sort` does by default.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
