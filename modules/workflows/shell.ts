/** Quotes a word for bash: left bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins script lines; every generated script starts strict. */
export function script(...lines: string[]): string {
  return ["set -euo pipefail", ...lines].join("\n") + "\n";
}
