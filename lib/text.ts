// Text PostgreSQL can store, checked wherever text arrives (event batches, the app's JSON bodies,
// query filters and embed choices). PostgreSQL refuses the NUL character in text and JSONB, and
// JSONB refuses an unpaired UTF-16 surrogate (JSON.stringify writes one as a "\ud800" escape); in a
// text column the driver would silently turn it into U+FFFD instead. Either is bad input, refused
// with a 4xx before it can fail a write or a query with a 500.
import { z } from "zod";

export const UNSTORABLE_TEXT_MESSAGE = "must not contain the NUL character (\\u0000) or an unpaired UTF-16 surrogate";

export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes("\0");
}

/** z.string() that refuses unstorable text; chain .min() and .max() as usual. */
export function storableText() {
  return z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
}

/** A body's text may hold unstorable text only through a \u0000 or \ud800-\udfff escape (raw bytes decode to U+FFFD). */
export function mayHoldUnstorableText(jsonText: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])/.test(jsonText);
}

export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

export interface JsonCheck {
  /** Objects and arrays nested deeper than this are refused ({} alone is one level). */
  maxDepth: number;
  /** Also refuse unstorable text in keys and strings. */
  text: boolean;
}

/** A value met during the walk, and where: its parent's node and its key there (null for the root). */
interface Node {
  value: unknown;
  depth: number;
  parent: Node | null;
  key: string | number | null;
}

function pathOf(node: Node): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Node | null = node; at && at.key !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The first place in a parsed JSON value that nests too deeply or holds unstorable text, found with
 * an explicit stack rather than recursion: a value nested hundreds of thousands deep (a 1 MB body
 * of "[") would overflow the call stack of a recursive walk, JSON.stringify's included. JSON.parse
 * itself is iterative in V8, so such a body parses; it is refused here, before anything recurses.
 * Paths are rebuilt from parent links only for the answer, so the walk stays linear in the value's size.
 */
export function findJsonProblem(root: unknown, check: JsonCheck): JsonProblem | null {
  const pending: Node[] = [{ value: root, depth: 0, parent: null, key: null }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value, depth } = node;
    if (typeof value === "string") {
      if (check.text && !isStorableText(value)) return { path: pathOf(node), message: UNSTORABLE_TEXT_MESSAGE };
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= check.maxDepth) return { path: pathOf(node), message: `must nest at most ${check.maxDepth} levels` };
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--)
        pending.push({ value: value[index], depth: depth + 1, parent: node, key: index });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      // The path stops at the object: the key itself is what cannot be shown.
      if (check.text && !isStorableText(key)) return { path: pathOf(node), message: `keys ${UNSTORABLE_TEXT_MESSAGE}` };
      pending.push({ value: child, depth: depth + 1, parent: node, key });
    }
  }
  return null;
}
