// Keeps the paths step table (session_paths, session_path_events; read by lib/query/session-paths.ts)
// with the session rollups, in the session refresh's steps, watermark and transaction
// (session-refresh.ts): the step events that arrived are merged into their sessions' stored step
// events, and the touched sessions' collapsed steps are recomputed from those. Late events land in
// their place by time, wherever they fall in the session; a person's deletion refolds their sessions
// from the events left (refoldSessionPaths).
import "server-only";
import type pg from "pg";
import { stepLabelSql } from "./path-steps";
import { type Sql, sql } from "./sql";

type Query = ReturnType<Sql["toQuery"]>;

const sessionKey = "organization_id, project_id, session_id";
/** Steps in time order, at the same instant by label byte-wise: the anchor-free order (see `tied`). */
const stepOrder = `ts, label COLLATE "C"`;

/**
 * Statements merging the step events that `events` and `condition` select (alias e, those with a
 * session id) into the step table: every step event of each touched session, old and new, in order;
 * then its collapsed steps, first and last step's time, and whether two different steps share an instant.
 */
function foldStatements(events: Sql, condition: Sql): (string | Query)[] {
  return [
    sql`
CREATE TEMP TABLE path_arrivals ON COMMIT DROP AS
SELECT * FROM (
  SELECT e.organization_id, e.project_id, e.session_id COLLATE "C" AS session_id, e.timestamp AS ts, ${stepLabelSql(null)} AS label
  FROM ${events}
  WHERE ${condition} AND e.session_id IS NOT NULL
) s WHERE label IS NOT NULL`.toQuery(),
    `CREATE TEMP TABLE path_merged ON COMMIT DROP AS
     SELECT ${sessionKey}, ts, label FROM path_arrivals
     UNION ALL
     SELECT x.organization_id, x.project_id, x.session_id COLLATE "C", u.ts, u.label
     FROM session_path_events x
     JOIN (SELECT DISTINCT ${sessionKey} FROM path_arrivals) t
       ON t.organization_id = x.organization_id AND t.project_id = x.project_id AND t.session_id = x.session_id COLLATE "C"
     CROSS JOIN LATERAL unnest(x.times, x.labels) u(ts, label)`,
    `INSERT INTO session_path_events AS x (${sessionKey}, last_at, times, labels)
     SELECT ${sessionKey}, max(ts), array_agg(ts ORDER BY ${stepOrder}), array_agg(label ORDER BY ${stepOrder})
     FROM path_merged GROUP BY 1, 2, 3
     ON CONFLICT (${sessionKey}) DO UPDATE SET last_at = EXCLUDED.last_at, times = EXCLUDED.times, labels = EXCLUDED.labels`,
    `INSERT INTO session_paths AS p (${sessionKey}, first_at, last_at, steps, tied)
     SELECT ${sessionKey}, min(ts), max(ts), array_agg(label ORDER BY ${stepOrder}) FILTER (WHERE fresh), bool_or(tie)
     FROM (
       SELECT ${sessionKey}, ts, label, label IS DISTINCT FROM lag(label) OVER w AS fresh,
              COALESCE(ts = lag(ts) OVER w AND label <> lag(label) OVER w, false) AS tie
       FROM path_merged
       WINDOW w AS (PARTITION BY ${sessionKey} ORDER BY ${stepOrder})
     ) m
     GROUP BY 1, 2, 3
     ON CONFLICT (${sessionKey}) DO UPDATE
     SET first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, steps = EXCLUDED.steps, tied = EXCLUDED.tied`,
    "DROP TABLE path_arrivals, path_merged",
  ];
}

/** Folds the step events of (low, upto] (by received_at) into the step table: part of a session refresh step. */
export async function foldSessionPaths(client: pg.PoolClient, window: { low: string; upto: string }): Promise<void> {
  for (const statement of foldStatements(
    sql`events e`,
    sql`e.received_at > ${window.low}::timestamptz AND e.received_at <= ${window.upto}::timestamptz`,
  ))
    await client.query(statement);
}

/**
 * Takes the sessions of `sessions` (a table of organization_id, project_id, session_id) out of the
 * step table and folds them in again from the events `events` and `condition` select (alias e): for
 * a person's deletion, with the session rollups' refold (session-refresh.ts's refoldSessions).
 */
export async function refoldSessionPaths(
  client: pg.PoolClient,
  sessions: string,
  events: Sql,
  condition: Sql,
): Promise<void> {
  for (const table of ["session_paths", "session_path_events"])
    await client.query(`
      DELETE FROM ${table} p USING ${sessions} t
      WHERE p.organization_id = t.organization_id AND p.project_id = t.project_id AND p.session_id = t.session_id`);
  for (const statement of foldStatements(events, condition)) await client.query(statement);
}
