// Keeps the paths step table (session_paths, session_path_events; read by lib/query/session-paths.ts)
// with the session rollups, in the session refresh's steps, watermark and transaction
// (session-refresh.ts): the step events that arrived are merged into their sessions' stored step
// events, and the touched sessions' collapsed steps are recomputed from those. Late events land in
// their place by time, wherever they fall in the session; a person's deletion refolds their sessions
// from the events left (refoldSessionPaths). The per-day counts of each anchor's kept positions
// (session_path_counts) follow: the touched sessions' old positions are taken out, their new ones put in.
import "server-only";
import type pg from "pg";
import { stepLabelSql } from "./path-steps";
import { MAX_PATH_STEPS } from "./schemas";
import { type Sql, sql } from "./sql";

type Query = ReturnType<Sql["toQuery"]>;

const sessionKey = "organization_id, project_id, session_id";
/** Steps in time order, at the same instant by label byte-wise: the anchor-free order (see `tied`). */
const stepOrder = `ts, label COLLATE "C"`;

/**
 * Rows (organization_id, project_id, anchor, day, mode, pos, label, link, goes_on, n = sign) of the
 * sessions in `rows` (a table or subquery of session_paths rows, alias r): for each step value of a
 * session, from its first occurrence as the anchor, the positions a paths query keeps (kinds/paths.ts)
 * up to MAX_PATH_STEPS: after it ("s": label, the next step or '' as link, whether one follows) and
 * before it ("e": label, the step towards the anchor or '' at the anchor, whether one precedes). A
 * value that shares an instant with another step is no anchor here: its order is the query's to decide
 * (tied_labels; a tied row without them is none at all).
 */
export function stepCountRowsSql(rows: string, sign: 1 | -1): string {
  const most = String(MAX_PATH_STEPS);
  return `
    SELECT r.organization_id, r.project_id, v.label AS anchor, (r.first_at AT TIME ZONE 'UTC')::date AS day,
           t.mode, t.pos, t.label, t.link, t.goes_on, ${sign}::bigint AS n
    FROM ${rows} r
    CROSS JOIN LATERAL (
      SELECT u.label, min(u.i)::int AS a FROM unnest(r.steps) WITH ORDINALITY AS u(label, i) GROUP BY u.label
    ) v
    CROSS JOIN LATERAL (
      SELECT 's' AS mode, i AS pos, r.steps[v.a + i] AS label, COALESCE(r.steps[v.a + i + 1], '') AS link,
             cardinality(r.steps) > v.a + i AS goes_on
      FROM generate_series(0, least(${most}, cardinality(r.steps) - v.a)) AS i
      UNION ALL
      SELECT 'e', -i, r.steps[v.a - i], CASE WHEN i > 0 THEN r.steps[v.a - i + 1] ELSE '' END, v.a - i > 1
      FROM generate_series(0, least(${most}, v.a - 1)) AS i
    ) t
    WHERE NOT (r.tied AND (r.tied_labels IS NULL OR v.label = ANY(r.tied_labels)))`;
}

const countKey = "organization_id, project_id, anchor, day, mode, pos, label, link, goes_on";

/** The stored sessions among those of `sessions` (a table of organization_id, project_id, session_id), as session_paths rows. */
const storedSessions = (sessions: string) => `(
  SELECT p.* FROM session_paths p
  JOIN (SELECT DISTINCT organization_id, project_id, session_id FROM ${sessions}) t
    ON t.organization_id = p.organization_id AND t.project_id = p.project_id AND t.session_id = p.session_id COLLATE "C"
)`;

/**
 * Adds the positions of the stored sessions of `sessions` (times `sign`) to path_count_changes,
 * created by the first call of a transaction (`create`).
 */
const countChangesSql = (sessions: string, sign: 1 | -1, create: boolean) =>
  `${create ? "CREATE TEMP TABLE path_count_changes ON COMMIT DROP AS" : "INSERT INTO path_count_changes"}
   ${stepCountRowsSql(storedSessions(sessions), sign)}`;

/** Adds path_count_changes to session_path_counts: keys that sum to nothing are no rows. */
const applyCountChangesSql = [
  `CREATE TEMP TABLE path_count_sums ON COMMIT DROP AS
   SELECT ${countKey}, sum(n) AS n FROM path_count_changes GROUP BY ${countKey} HAVING sum(n) <> 0`,
  `INSERT INTO session_path_counts AS c (${countKey}, sessions)
   SELECT ${countKey}, n FROM path_count_sums
   ON CONFLICT (${countKey}) DO UPDATE SET sessions = c.sessions + EXCLUDED.sessions`,
  `DELETE FROM session_path_counts c USING path_count_sums d
   WHERE c.organization_id = d.organization_id AND c.project_id = d.project_id AND c.anchor = d.anchor AND c.day = d.day
     AND c.mode = d.mode AND c.pos = d.pos AND c.label = d.label AND c.link = d.link AND c.goes_on = d.goes_on AND c.sessions = 0`,
  "DROP TABLE path_count_changes, path_count_sums",
];

/**
 * Statements merging the step events that `events` and `condition` select (alias e, those with a
 * session id) into the step table: every step event of each touched session, old and new, in order;
 * then its collapsed steps, first and last step's time, whether two different steps share an instant
 * and which steps do.
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
    countChangesSql("path_arrivals", -1, true),
    `INSERT INTO session_path_events AS x (${sessionKey}, last_at, times, labels)
     SELECT ${sessionKey}, max(ts), array_agg(ts ORDER BY ${stepOrder}), array_agg(label ORDER BY ${stepOrder})
     FROM path_merged GROUP BY 1, 2, 3
     ON CONFLICT (${sessionKey}) DO UPDATE SET last_at = EXCLUDED.last_at, times = EXCLUDED.times, labels = EXCLUDED.labels`,
    // A step is tied when a neighbour in that order has its instant and another label: at an instant
    // with several labels, each label's group borders another group, so every such label is marked.
    `INSERT INTO session_paths AS p (${sessionKey}, first_at, last_at, steps, tied, tied_labels)
     SELECT ${sessionKey}, min(ts), max(ts), array_agg(label ORDER BY ${stepOrder}) FILTER (WHERE fresh), bool_or(tie),
            array_agg(DISTINCT label ORDER BY label) FILTER (WHERE tie)
     FROM (
       SELECT ${sessionKey}, ts, label, label IS DISTINCT FROM lag(label) OVER w AS fresh,
              COALESCE(ts = lag(ts) OVER w AND label <> lag(label) OVER w, false)
                OR COALESCE(ts = lead(ts) OVER w AND label <> lead(label) OVER w, false) AS tie
       FROM path_merged
       WINDOW w AS (PARTITION BY ${sessionKey} ORDER BY ${stepOrder})
     ) m
     GROUP BY 1, 2, 3
     ON CONFLICT (${sessionKey}) DO UPDATE
     SET first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, steps = EXCLUDED.steps, tied = EXCLUDED.tied,
         tied_labels = EXCLUDED.tied_labels`,
    countChangesSql("path_arrivals", 1, false),
    ...applyCountChangesSql,
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
 * step table (and their positions out of the counts) and folds them in again from the events `events` and `condition` select (alias e): for
 * a person's deletion, with the session rollups' refold (session-refresh.ts's refoldSessions).
 */
export async function refoldSessionPaths(
  client: pg.PoolClient,
  sessions: string,
  events: Sql,
  condition: Sql,
): Promise<void> {
  for (const statement of [countChangesSql(sessions, -1, true), ...applyCountChangesSql]) await client.query(statement);
  for (const table of ["session_paths", "session_path_events"])
    await client.query(`
      DELETE FROM ${table} p USING ${sessions} t
      WHERE p.organization_id = t.organization_id AND p.project_id = t.project_id AND p.session_id = t.session_id`);
  for (const statement of foldStatements(events, condition)) await client.query(statement);
}
