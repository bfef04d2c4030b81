/**
 * The bytes of a config file as YAML text, or why they are not: a file saved as UTF-16 or
 * UTF-32, a binary file, or bytes that are not UTF-8 would otherwise be read as garbled text
 * and reported as nonsense further on.
 */
export type Decoded = { text: string } | { problem: string; offset: number };

const BOMS: [bytes: number[], encoding: string][] = [
  [[0xff, 0xfe, 0x00, 0x00], "UTF-32 (little-endian)"],
  [[0x00, 0x00, 0xfe, 0xff], "UTF-32 (big-endian)"],
  [[0xff, 0xfe], "UTF-16 (little-endian)"],
  [[0xfe, 0xff], "UTF-16 (big-endian)"],
];

export function decodeConfig(bytes: Uint8Array): Decoded {
  for (const [bom, encoding] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) return { problem: `the file is ${encoding} text: save it as UTF-8`, offset: 0 };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    // ASCII saved as UTF-16 has a NUL in every other byte: after each character (LE) or before it (BE).
    const sample = bytes.subarray(0, 4096);
    let odd = 0;
    let even = 0;
    sample.forEach((b, i) => {
      if (b !== 0) return;
      if (i % 2) odd++;
      else even++;
    });
    const half = sample.length / 2;
    if (odd > half * 0.6 && even === 0) return { problem: "the file is UTF-16 (little-endian) text without a byte order mark: save it as UTF-8", offset: 0 };
    if (even > half * 0.6 && odd === 0) return { problem: "the file is UTF-16 (big-endian) text without a byte order mark: save it as UTF-8", offset: 0 };
    return { problem: "the file is binary (it contains NUL bytes), not YAML text", offset: nul };
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid >= 0) {
    return { problem: `the file is not UTF-8 text (byte 0x${bytes[invalid]!.toString(16).padStart(2, "0")} here): save it as UTF-8`, offset: invalid };
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // YAML counts a lone CR as a line break (classic Mac line endings); the parser only knows LF and CRLF.
  return {
    text: Buffer.from(bytes.subarray(start))
      .toString("utf8")
      .replace(/\r(?!\n)/g, "\n"),
  };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const second = bytes[i + 1]!;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return -1;
}

/** Where collection nesting first goes deeper than `limit` (flow `[`/`{` or block indentation), or -1. */
export function tooDeep(text: string, limit: number): number {
  let depth = 0;
  let inQuote: string | undefined;
  let offset = 0;
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    // A block collection nests at least one column per level.
    if (!inQuote && indent > limit * 8) return offset + indent;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (inQuote) {
        if (c === inQuote && line[i - 1] !== "\\") inQuote = undefined;
      } else if (c === '"' || c === "'") inQuote = c;
      else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) break;
      else if (c === "[" || c === "{") {
        if (++depth > limit) return offset + i;
      } else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    }
    offset += line.length + 1;
  }
  return -1;
}
