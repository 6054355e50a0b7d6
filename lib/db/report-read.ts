// Reads for the app's live and person pages (realtime, people) that are not report queries: on the
// report pool (never ingestion's), in one read-only snapshot, bounded by the signed-in app's
// statement timeout and answered 503 query_timeout past it, like lib/query/run-query.ts.
import "server-only";
import type pg from "pg";
import { ApiError } from "../errors";
import { statementTimeoutMs } from "../query/surfaces";
import { getReportPool } from "./client";

/** PostgreSQL's query_canceled: our statement_timeout. */
const QUERY_CANCELED = "57014";

export async function readInReportSnapshot<T>(run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await getReportPool().connect();
  const timeoutMs = statementTimeoutMs("app");
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL jit = off`);
    const result = await run(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    if ((error as { code?: unknown }).code === QUERY_CANCELED)
      throw new ApiError("query_timeout", `The read ran longer than the ${timeoutMs / 1000} s allowed`, undefined, {
        "retry-after": "30",
      });
    throw error;
  } finally {
    client.release();
  }
}
