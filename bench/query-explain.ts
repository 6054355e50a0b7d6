// Helpers for bench/query.ts: record the SQL that runQuery sends through the shared pg pool, and
// run EXPLAIN (ANALYZE, BUFFERS) on it, so a slow query kind can be diagnosed from the exact text.
import pg from "pg";

export interface CapturedStatement {
  text: string;
  values: unknown[];
}
// Transaction control and Prisma's own statements (the project look-up) are not the compiler's SQL;
// the snapshot's SET LOCALs are kept, to be replayed before the statements they apply to.
// Transaction control, Prisma's own look-ups, plan estimates and snapshot exports are not the compiled queries.
const notCompiled = /^\s*(BEGIN|COMMIT|ROLLBACK|SELECT "public"\.|EXPLAIN\b|SELECT pg_export_snapshot\(\))/i;
const setting = /^\s*SET\b/i;

/**
 * Wraps pg's Client.prototype.query (pool.query and runQuery's snapshot client both end there) so
 * that, while `capture` runs, every statement the query compiler sends is recorded.
 */
export function installCapture(): {
  capture<T>(fn: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }>;
} {
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
    if (Array.isArray(v))
      return `'{${v.map((x) => (x === null ? "NULL" : `"${String(x).replace(/["\\]/g, "\\$&")}"`)).join(",")}}'`;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  };
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => literal(statement.values[Number(n) - 1]));
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one query's captured statements, as text lines, in one snapshot like
 * runQuery's: its SET LOCALs (memory, parallel workers) are replayed in order, the rest explained.
 */
export async function explainStatements(pool: pg.Pool, statements: CapturedStatement[]): Promise<string[]> {
  const out: string[] = [];
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (const [i, statement] of statements.entries()) {
      if (setting.test(statement.text)) {
        await client.query(statement.text);
        out.push(`\n-- setting: ${statement.text.trim()}`);
        continue;
      }
      out.push(`\n-- statement ${i + 1}:\n${inlineForReading(statement).trim()}\n`);
      const { rows } = await client.query<{ "QUERY PLAN": string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${statement.text}`,
        values: statement.values,
      });
      out.push(...rows.map((r) => r["QUERY PLAN"]));
    }
  } catch (error) {
    out.push(`EXPLAIN failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
  }
  return out;
}
