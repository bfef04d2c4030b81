import { createRequire } from "node:module";
import type { Document, LineCounter, Node } from "yaml";
import type { PathSegment } from "./errors.js";

let yamlModule: typeof import("yaml") | undefined;

/**
 * The `yaml` package, loaded on first use: a valid config is read by plain-yaml.ts, so
 * `validate` and `synth` only load the positioned parser when there is a problem to locate.
 */
export function yamlPackage(): typeof import("yaml") {
  return (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml"));
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Maps document paths to source positions. A path that does not exist (a missing
 * field) resolves to its nearest existing ancestor, which is where the user must add it.
 */
export class PositionIndex {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: readonly PathSegment[], { key = false }: { key?: boolean } = {}): Position {
    const { isMap, isPair, isSeq } = yamlPackage();
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === seg);
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if (key && seg === path[path.length - 1] && keyStart !== undefined) return this.pos(keyStart);
        node = pair.value;
        offset = rangeStart(pair.value) ?? keyStart ?? offset;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
        node = node.items[seg];
        offset = rangeStart(node) ?? offset;
      } else {
        break;
      }
    }
    return this.pos(offset);
  }

  /** Whether the file itself has this path (a default the user never wrote has none). */
  has(path: readonly PathSegment[]): boolean {
    const { isMap, isPair, isSeq } = yamlPackage();
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === seg);
        if (!pair) return false;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) node = node.items[seg];
      else return false;
    }
    return true;
  }

  offset(offset: number): Position {
    return this.pos(offset);
  }

  private pos(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function scalarValue(node: unknown): unknown {
  return yamlPackage().isScalar(node) ? node.value : node;
}
