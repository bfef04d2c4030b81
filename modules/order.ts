/**
 * The one ordering of strings for everything that reaches output. `localeCompare`
 * follows the machine's locale (LC_ALL through ICU: in Estonian `z` sorts before `t`),
 * so the same config would synthesize differently on two machines; this compares
 * UTF-16 code units, as `Array.prototype.sort` does by default.
 *
 * Values known only at apply (cdktf tokens, `${TfToken[TOKEN.n]}`) are numbered in the
 * order a cdktf app creates them, which depends on how stacks are split across
 * workers; they sort after every literal and keep the order they were given in
 * (the sort is stable), which follows the config.
 */
export function byCodePoint(a: string, b: string): number {
  const tokenA = isToken(a);
  const tokenB = isToken(b);
  if (tokenA || tokenB) return tokenA === tokenB ? 0 : tokenA ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isToken(value: string): boolean {
  return value.includes("${TfToken[");
}
