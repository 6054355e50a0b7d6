// Sessions, defined once: the client's session id when it sends one; otherwise a new session starts
// after 30 minutes without events from the same actor (user id, else anonymous id).
import type { Dimension } from "./schemas";
import { dimensionText } from "./fields";
import { scopeCondition, type QueryScope } from "./scope";
import { PASSIVE_EVENTS } from "./passive-events";
import { sql, type Sql } from "./sql";

export const SESSION_TIMEOUT = "30 minutes";


/**
 * One row per session of the events in scope: session_key, started_at, duration_seconds,
 * pageviews, interactions, and `dim` = the dimension's value on the session's first event
 * (entry page, source...).
 */
export function sessionsSql(scope: QueryScope, dimension?: Dimension): Sql {
  const dim = dimension ? dimensionText(dimension, "e") : sql`NULL::text`;
  return sql`
    SELECT session_key,
           min(ts) AS started_at,
           extract(epoch FROM max(ts) - min(ts))::float8 AS duration_seconds,
           count(*) FILTER (WHERE name = 'pageview') AS pageviews,
           count(*) FILTER (WHERE name <> ALL(${PASSIVE_EVENTS}::text[])) AS interactions,
           (array_agg(dim ORDER BY ts))[1] AS dim
    FROM (
      SELECT ts, name, dim,
             COALESCE('s:' || session_id, 'a:' || actor || ':' || sum(starts) OVER (PARTITION BY actor ORDER BY ts ROWS UNBOUNDED PRECEDING)) AS session_key
      FROM (
        SELECT e.timestamp AS ts, e.name, e.session_id, ${dim} AS dim,
               COALESCE(e.user_id, e.anonymous_id) AS actor,
               CASE WHEN lag(e.timestamp) OVER w IS NULL OR e.timestamp - lag(e.timestamp) OVER w > ${SESSION_TIMEOUT}::interval THEN 1 ELSE 0 END AS starts
        FROM events e
        WHERE ${scopeCondition(scope)}
        WINDOW w AS (PARTITION BY COALESCE(e.user_id, e.anonymous_id) ORDER BY e.timestamp)
      ) marked
      WHERE session_id IS NOT NULL OR actor IS NOT NULL
    ) keyed
    GROUP BY session_key`;
}
