// Keeps the session rollups current: folds the events that arrived since the session watermark (by
// received_at) into per-hour fragments of their sessions, and keeps session_hourly counting exactly
// the sessions that lie within one hour. A session's aggregates merge (min, max, sums), and arrivals
// only ever join events to a session, so a touched session is taken out of the counts, its
// fragments merged, and put back in. Folded in bounded steps, one refresher at a time
// (lib/query/refresh-steps.ts). Events without a session id are not folded: queries
// sessionise them by gap from raw events (lib/query/sessions.ts).
import "server-only";
import type pg from "pg";
import { foldInSteps, type SteppedFold, type SteppedFoldResult } from "./refresh-steps";
import { durationMicrosSql, isInteractionSql, isPageviewSql } from "./sessions";
import { type Sql, sql, trusted } from "./sql";

// The arrivals of (low, upto], as fragments: one row per session and UTC hour.
const arrivalsSql = (low: string, upto: string) => sql`
CREATE TEMP TABLE session_arrivals ON COMMIT DROP AS
SELECT e.organization_id, e.project_id, e.session_id, date_trunc('hour', e.timestamp, 'UTC') AS hour,
       min(e.timestamp) AS first_at, max(e.timestamp) AS last_at,
       (count(*) FILTER (WHERE ${isPageviewSql(sql`e.name`)}))::int AS pageviews,
       (count(*) FILTER (WHERE ${isInteractionSql(sql`e.name`)}))::int AS interactions
FROM events e
WHERE e.received_at > ${low}::timestamptz AND e.received_at <= ${upto}::timestamptz AND e.session_id IS NOT NULL
GROUP BY 1, 2, 3, 4`;

const touchedCte = trusted(
  `touched AS (SELECT DISTINCT organization_id, project_id, session_id FROM session_arrivals)`,
);

/** Per hour, the counts of a set of single-hour sessions (rows of first_at, last_at, pageviews, interactions). */
const hourlyCountsColumns = sql`
  count(*) AS sessions,
  count(*) FILTER (WHERE f.pageviews > 0) AS pageview_sessions,
  count(*) FILTER (WHERE f.pageviews = 1 AND f.interactions = 0) AS bounces,
  COALESCE(sum(${durationMicrosSql(sql`f.first_at`, sql`f.last_at`)}), 0)::bigint AS duration_us`;

const touchedSingleHourSql = sql`
  FROM session_fragments f
  JOIN touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
  WHERE NOT f.spans
  GROUP BY f.organization_id, f.project_id, f.hour`;

// 1. Touched sessions that lay within one hour leave the counts (they may change or span hours now).
const uncountSql: Sql = sql`
WITH ${touchedCte},
counted AS (SELECT f.organization_id, f.project_id, f.hour, ${hourlyCountsColumns} ${touchedSingleHourSql})
UPDATE session_hourly h
SET sessions = h.sessions - c.sessions, pageview_sessions = h.pageview_sessions - c.pageview_sessions,
    bounces = h.bounces - c.bounces, duration_us = h.duration_us - c.duration_us
FROM counted c
WHERE h.organization_id = c.organization_id AND h.project_id = c.project_id AND h.hour = c.hour`;

// 2. The arrivals merge into their fragments.
const mergeSql = `
INSERT INTO session_fragments AS f (organization_id, project_id, session_id, hour, first_at, last_at, pageviews, interactions)
SELECT organization_id, project_id, session_id, hour, first_at, last_at, pageviews, interactions FROM session_arrivals
ON CONFLICT (organization_id, project_id, session_id, hour) DO UPDATE
SET first_at = LEAST(f.first_at, EXCLUDED.first_at), last_at = GREATEST(f.last_at, EXCLUDED.last_at),
    pageviews = f.pageviews + EXCLUDED.pageviews, interactions = f.interactions + EXCLUDED.interactions`;

// 3. Every fragment of a session spanning hours says so (only those are read by range at query
// time), and carries the session's extent and whole aggregates: a range holding all of it reads them
// from its first fragment.
const markSpansSql: Sql = sql`
WITH ${touchedCte},
sessions AS (
  SELECT f.organization_id, f.project_id, f.session_id, count(*) > 1 AS spans, min(f.hour) AS first_hour, max(f.hour) AS last_hour,
         min(f.first_at) AS first_at, max(f.last_at) AS last_at, sum(f.pageviews)::int AS pageviews, sum(f.interactions)::int AS interactions
  FROM session_fragments f
  JOIN touched t ON t.organization_id = f.organization_id AND t.project_id = f.project_id AND t.session_id = f.session_id
  GROUP BY 1, 2, 3
)
UPDATE session_fragments f
SET spans = s.spans,
    first_hour = CASE WHEN s.spans THEN s.first_hour END, last_hour = CASE WHEN s.spans THEN s.last_hour END,
    session_first_at = CASE WHEN s.spans THEN s.first_at END, session_last_at = CASE WHEN s.spans THEN s.last_at END,
    session_pageviews = CASE WHEN s.spans THEN s.pageviews END, session_interactions = CASE WHEN s.spans THEN s.interactions END
FROM sessions s
WHERE f.organization_id = s.organization_id AND f.project_id = s.project_id AND f.session_id = s.session_id
  AND (s.spans OR f.spans)`;

// 4. Touched sessions within one hour are counted again, as they are now.
const recountSql: Sql = sql`
WITH ${touchedCte}
INSERT INTO session_hourly AS h (organization_id, project_id, hour, sessions, pageview_sessions, bounces, duration_us)
SELECT f.organization_id, f.project_id, f.hour, ${hourlyCountsColumns} ${touchedSingleHourSql}
ON CONFLICT (organization_id, project_id, hour) DO UPDATE
SET sessions = h.sessions + EXCLUDED.sessions, pageview_sessions = h.pageview_sessions + EXCLUDED.pageview_sessions,
    bounces = h.bounces + EXCLUDED.bounces, duration_us = h.duration_us + EXCLUDED.duration_us`;

const sessionFold: SteppedFold = {
  stateTable: "session_state",
  lock: "lumen_session_refresh",
  workMem: "128MB",
  stepEvents: { low: 100_000, high: 400_000 },
  async fold(client, window) {
    if (!window) return 0;
    const fragments = (await client.query(arrivalsSql(window.low, window.upto).toQuery())).rowCount ?? 0;
    if (fragments > 0) {
      await client.query("ANALYZE session_arrivals");
      await client.query(uncountSql.toQuery());
      await client.query(mergeSql);
      await client.query(markSpansSql.toQuery());
      await client.query(recountSql.toQuery());
    }
    await client.query("UPDATE session_state SET watermark = $1::timestamptz WHERE id = 1", [window.upto]);
    return fragments;
  },
};

/** Folds in what arrived since the last session refresh; `wait` blocks for a running one instead of skipping. */
export function refreshSessions(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<SteppedFoldResult> {
  return foldInSteps(pool, sessionFold, options);
}
