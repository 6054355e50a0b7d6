// Helpers for bench/query.ts: record the SQL that runQuery sends through the shared pg pool, and
// run EXPLAIN (ANALYZE, BUFFERS) on it, so a slow query kind can be diagnosed from the exact text.
import type pg from "pg";

export interface CapturedStatement {
  text: string;
  values: unknown[];
}

type QueryFn = pg.Pool["query"];

/**
 * Wraps `pool.query` so that, while `capture` runs, every statement sent through it is recorded.
 * Prisma's own statements (the project look-up) go through pool.connect() and are not seen, which
 * is what we want: only the query compiler's SQL is explained.
 */
export function installCapture(pool: pg.Pool): { capture<T>(fn: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }> } {
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  let recording: CapturedStatement[] | null = null;
  const wrapped = (...args: unknown[]) => {
    if (recording) {
      const [first, second] = args;
      if (typeof first === "string") recording.push({ text: first, values: Array.isArray(second) ? second : [] });
      else if (first && typeof first === "object" && "text" in first) {
        const config = first as { text: string; values?: unknown[] };
        recording.push({ text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) });
      }
    }
    return original(...args);
  };
  pool.query = wrapped as unknown as QueryFn;
  return {
    async capture(fn) {
      const statements: CapturedStatement[] = [];
      recording = statements;
      try {
        const result = await fn();
        return { result, statements };
      } finally {
        recording = null;
      }
    },
  };
}

/** Inlines parameters for reading only (the EXPLAIN itself is run with real parameters). */
export function inlineForReading(statement: CapturedStatement): string {
  const literal = (v: unknown): string => {
    if (v === null || v === undefined) return "NULL";
    if (v instanceof Date) return `'${v.toISOString()}'`;
    if (Array.isArray(v)) return `'{${v.map((x) => (x === null ? "NULL" : `"${String(x).replace(/["\\]/g, "\\$&")}"`)).join(",")}}'`;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  };
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => literal(statement.values[Number(n) - 1]));
}

/** EXPLAIN (ANALYZE, BUFFERS) of one captured statement, as text lines. */
export async function explainAnalyze(db: Pick<pg.Pool, "query">, statement: CapturedStatement): Promise<string[]> {
  const { rows } = await db.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${statement.text}`, values: statement.values });
  return rows.map((r) => r["QUERY PLAN"]);
}
