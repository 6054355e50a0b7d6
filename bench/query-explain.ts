// Helpers for bench/query.ts: record the SQL that runQuery sends through the shared pg pool, and
// run EXPLAIN (ANALYZE, BUFFERS) on it, so a slow query kind can be diagnosed from the exact text.
import pg from "pg";

export interface CapturedStatement {
  text: string;
  values: unknown[];
}

type QueryFn = pg.Pool["query"];

// Transaction control and Prisma's own statements (the project look-up) are not the compiler's SQL.
const notCompiled = /^\s*(BEGIN|COMMIT|ROLLBACK|SET\b|SELECT "public"\.)/i;

/**
 * Wraps pg's Client.prototype.query (pool.query and runQuery's snapshot client both end there) so
 * that, while `capture` runs, every statement the query compiler sends is recorded.
 */
export function installCapture(): { capture<T>(fn: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }> } {
  let recording: CapturedStatement[] | null = null;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (recording) {
      const [first, second] = args;
      let statement: CapturedStatement | null = null;
      if (typeof first === "string") statement = { text: first, values: Array.isArray(second) ? second : [] };
      else if (first && typeof first === "object" && "text" in first) {
        const config = first as { text: string; values?: unknown[] };
        statement = { text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) };
      }
      if (statement && !notCompiled.test(statement.text)) recording.push(statement);
    }
    return original.apply(this, args);
  };
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

/** EXPLAIN (ANALYZE, BUFFERS) of one captured statement, as text lines, with the memory runQuery's snapshot gives. */
export async function explainAnalyze(pool: pg.Pool, statement: CapturedStatement): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SET LOCAL work_mem = '64MB'");
    const { rows } = await client.query<{ "QUERY PLAN": string }>({ text: `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${statement.text}`, values: statement.values });
    return rows.map((r) => r["QUERY PLAN"]);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}
