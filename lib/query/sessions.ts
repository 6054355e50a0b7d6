// Sessions, defined once: events with the client's session id belong to that session; events
// without one are sessionised among themselves, a new session starting after 30 minutes without
// events from the same actor (user id, else anonymous id). Keeping the two apart is what lets the
// session rollups (lib/query/session-rollups.ts) fold sessions by id as events arrive, and read the
// rare id-less events raw.

import { firstSeenJoinSql, groupingDimensionSql } from "./first-seen";
import type { Interval } from "./measure";
import { PASSIVE_EVENTS } from "./passive-events";
import { eventsOf } from "./property-events";
import type { Dimension } from "./schemas";
import { type QueryScope, scopeCondition } from "./scope";
import { empty, join, type Sql, sql, trusted } from "./sql";
import { isVisitorDimension } from "./vocabulary";

export const SESSION_TIMEOUT = "30 minutes";

/** SQL counting a row as a pageview, and as an interaction (anything but the tracker's passive events). */
export const isPageviewSql = (name: Sql) => sql`(${name} = 'pageview')`;
export const isInteractionSql = (name: Sql) => sql`(${name} <> ALL(${PASSIVE_EVENTS}::text[]))`;

/** A session's length, in whole microseconds: integer sums keep rollup and raw averages bit-identical. */
export const durationMicrosSql = (first: Sql, last: Sql) =>
  sql`(extract(epoch FROM ${last} - ${first}) * 1000000)::bigint`;

/**
 * Rows of `columns` (expressions over the events, alias e, by output name) and session_key of the
 * events in scope that carry no session id and have an actor, keyed by gap: the one place the
 * 30-minute rule is written. `joined` brings what the columns read besides the event (first seen,
 * for a visitor dimension).
 */
export function idlessSessionRowsSql(scope: QueryScope, columns: Record<string, Sql>, joined: Sql = empty): Sql {
  const names = Object.keys(columns);
  return sql`
    SELECT ${trusted(names.map((name) => `"${name}"`).join(", "))}, 'a:' || session_actor || ':' || sum(starts) OVER (PARTITION BY session_actor ORDER BY session_ts ROWS UNBOUNDED PRECEDING) AS session_key
    FROM (
      SELECT ${join(
        names.map((name) => sql`${columns[name]!} AS ${trusted(`"${name}"`)}`),
        ", ",
      )}, e.timestamp AS session_ts, COALESCE(e.user_id, e.anonymous_id) AS session_actor,
             CASE WHEN lag(e.timestamp) OVER w IS NULL OR e.timestamp - lag(e.timestamp) OVER w > ${SESSION_TIMEOUT}::interval THEN 1 ELSE 0 END AS starts
      FROM ${eventsOf(scope)} e ${joined}
      WHERE ${scopeCondition(scope)} AND e.session_id IS NULL AND COALESCE(e.user_id, e.anonymous_id) IS NOT NULL
      WINDOW w AS (PARTITION BY COALESCE(e.user_id, e.anonymous_id) ORDER BY e.timestamp)
    ) marked`;
}

/** Rows (ts, name, dim, session_key) of the events in scope that carry no session id, keyed by gap. */
export function idlessSessionEventsSql(scope: QueryScope, dim: Sql, joined: Sql = empty): Sql {
  return idlessSessionRowsSql(scope, { ts: sql`e.timestamp`, name: sql`e.name`, dim }, joined);
}

/** SQL of one session's measures from its grouped rows of (ts, name). */
export const sessionColumnsSql = sql`
  min(ts) AS started_at,
  ${durationMicrosSql(sql`min(ts)`, sql`max(ts)`)} AS duration_us,
  count(*) FILTER (WHERE ${isPageviewSql(sql`name`)}) AS pageviews,
  count(*) FILTER (WHERE ${isInteractionSql(sql`name`)}) AS interactions`;

/**
 * Rows (ts, name, dim, session_key) of every event in scope, each keyed by its session: the one
 * definition sessions are read by (session measures below, paths in lib/query/kinds/paths.ts).
 * `joined` brings what `dim` reads besides the event (first seen, for a visitor dimension).
 */
export function sessionEventsSql(scope: QueryScope, dim: Sql, joined: Sql = empty): Sql {
  return sql`
      SELECT e.timestamp AS ts, e.name, ${dim} AS dim, 's:' || e.session_id AS session_key
      FROM ${eventsOf(scope)} e ${joined}
      WHERE ${scopeCondition(scope)} AND e.session_id IS NOT NULL
      UNION ALL
      ${idlessSessionEventsSql(scope, dim, joined)}`;
}

/**
 * One row per session of the events in scope: session_key, started_at, duration_us, pageviews,
 * interactions, and `dim` = the dimension's value on the session's first event (source, browser...;
 * a visitor dimension's against the period of the session's start: the range, or its bucket).
 */
export function sessionsSql(scope: QueryScope, dimension?: Dimension, interval?: Interval): Sql {
  const dim = dimension ? groupingDimensionSql(scope, dimension, interval) : sql`NULL::text`;
  const joined = dimension && isVisitorDimension(dimension) ? firstSeenJoinSql(scope) : empty;
  return sql`
    SELECT session_key, ${sessionColumnsSql}, (array_agg(dim ORDER BY ts))[1] AS dim
    FROM (${sessionEventsSql(scope, dim, joined)}
    ) keyed
    GROUP BY session_key`;
}
