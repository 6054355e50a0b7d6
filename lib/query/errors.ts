// errors: lumen-errors.js's js_error events grouped by fingerprint, the busiest first: how often,
// how many visitors, first and last seen (within the range) and occurrences per bucket.
// The fingerprint is computed here, at query time, so that every client's events group alike and
// a better normalisation regroups history: the first 16 hex digits of md5(normalised message,
// newline, top frame). The normalised message has UUIDs as <id>, 0x... as <hex> and other numbers
// as <n> ("Checkout failed for order 1234" and "... order 5678" are one error); the top frame is
// kept as sent (already without query strings), so the same message from two places is two errors.
import "server-only";
import type pg from "pg";
import { bucketsOf } from "./kinds/trend";
import { ERRORS_EVENT } from "./monitoring-events";
import type { ErrorsResult } from "./results";
import type { ErrorsQuery } from "./schemas";
import { type QueryScope, scopeCondition } from "./scope";
import { type Sql, sql } from "./sql";

type Db = Pick<pg.Pool, "query">;

/** What the client caps too: longer texts are cut here as well, for events from other senders. */
const MAX_TEXT = 500;

/** The same normalisation as the SQL below, for tests and for explaining a grouping. */
export function normaliseErrorMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/0x[0-9a-f]+/gi, "<hex>")
    .replace(/\d+(\.\d+)?/g, "<n>")
    .trim();
}

/** Each error event in scope with its fingerprint (the columns of a subquery). */
function fingerprintedSql(scope: QueryScope): Sql {
  const message = sql`left(COALESCE(e.properties ->> 'message', ''), ${MAX_TEXT})`;
  const normalised = sql`btrim(regexp_replace(regexp_replace(regexp_replace(${message},
      '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'gi'),
      '0x[0-9a-f]+', '<hex>', 'gi'),
      '[0-9]+(\\.[0-9]+)?', '<n>', 'g'))`;
  const topFrame = sql`left(COALESCE(e.properties ->> 'top_frame', ''), ${MAX_TEXT})`;
  return sql`
    SELECT e.timestamp, e.actor, ${message} AS message, ${topFrame} AS top_frame,
      e.properties ->> 'kind' AS error_kind,
      left(md5(${normalised} || E'\\n' || ${topFrame}), 16) AS fingerprint
    FROM events e
    WHERE ${scopeCondition({ ...scope, event: ERRORS_EVENT })}`;
}

interface GroupRow {
  fingerprint: string;
  message: string;
  error_kind: string | null;
  top_frame: string;
  count: string;
  users: string;
  first_seen: Date;
  last_seen: Date;
}

export async function runErrors(db: Db, scope: QueryScope, query: ErrorsQuery): Promise<ErrorsResult> {
  const errors = fingerprintedSql(scope);
  // One after another: the statements share the query's snapshot connection.
  const buckets = await bucketsOf(db, scope, query.interval);
  const groups = await db.query<GroupRow>(
    sql`SELECT fingerprint,
            (array_agg(message ORDER BY timestamp DESC))[1] AS message,
            (array_agg(error_kind ORDER BY timestamp DESC))[1] AS error_kind,
            min(top_frame) AS top_frame,
            count(*) AS count, count(DISTINCT actor) AS users,
            min(timestamp) AS first_seen, max(timestamp) AS last_seen
          FROM (${errors}) f
          GROUP BY fingerprint
          ORDER BY count(*) DESC, fingerprint
          LIMIT ${query.limit}`.toQuery(),
  );
  const totals = await db.query<{ count: string; users: string }>(
    sql`SELECT count(*) AS count, count(DISTINCT actor) AS users FROM (${errors}) f`.toQuery(),
  );
  const top = groups.rows.map((row) => row.fingerprint);
  const { rows: trendRows } = await db.query<{ fingerprint: string; bucket: Date; count: string }>(
    sql`SELECT fingerprint, date_trunc(${query.interval}, timestamp, ${scope.timezone}) AS bucket, count(*) AS count
        FROM (${errors}) f
        WHERE fingerprint = ANY(${top}::text[])
        GROUP BY 1, 2`.toQuery(),
  );
  const index = new Map(buckets.map((bucket, i) => [bucket.start, i]));
  const trends = new Map(top.map((fingerprint) => [fingerprint, buckets.map(() => 0)]));
  for (const row of trendRows) {
    const i = index.get(row.bucket.toISOString());
    if (i !== undefined) trends.get(row.fingerprint)![i] = Number(row.count);
  }
  return {
    kind: "errors",
    interval: query.interval,
    buckets,
    total: { count: Number(totals.rows[0]?.count ?? 0), users: Number(totals.rows[0]?.users ?? 0) },
    groups: groups.rows.map((row) => ({
      fingerprint: row.fingerprint,
      message: row.message,
      kind: row.error_kind,
      top_frame: row.top_frame,
      count: Number(row.count),
      users: Number(row.users),
      first_seen: row.first_seen.toISOString(),
      last_seen: row.last_seen.toISOString(),
      trend: trends.get(row.fingerprint)!,
    })),
  };
}
