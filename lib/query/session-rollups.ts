// Answering session measures (sessions, bounce rate, session duration) from the session rollups
// (lib/query/session-refresh.ts) for unfiltered queries in whole-hour time zones. Exactly the raw
// answer (lib/query/sessions.ts), whose sessions are cut by the range:
// - sessions within one hour are counted in session_hourly: wholly in or out of any such range;
// - sessions spanning hours that the range holds whole are read from their first fragment, which
//   carries the whole session's aggregates; those it cuts are recombined from their fragments inside;
// - sessions touched by events that arrived after the watermark, or by events in the partial hours
//   at the ends of a range that does not start or end on the hour (lib/query/edge-hours.ts), are
//   taken out of the counts and recombined from their fragments in the whole hours and those raw events;
// - events without a session id are sessionised raw (few: the partial index finds them).
import "server-only";
import type pg from "pg";
import { rolledHours, unrolledEventsSql } from "./edge-hours";
import type { GroupedSql, Grouping } from "./measure";
import { wholeHoursSql } from "./rollups";
import type { Measure, QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import {
  durationMicrosSql,
  idlessSessionEventsSql,
  isInteractionSql,
  isPageviewSql,
  sessionColumnsSql,
} from "./sessions";
import { type Sql, sql } from "./sql";

export interface SessionRollupPlan {
  /** The session watermark, as exact text. */
  watermark: string;
}

const SESSION_MEASURES = new Set(["sessions", "bounce_rate", "avg_session_duration"]);

/** Session rollups answer trend and metric queries of a session measure with no event, filter or breakdown. */
export async function sessionRollupPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<SessionRollupPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric") return null;
  if (!SESSION_MEASURES.has(query.measure.type) || scope.event !== undefined || scope.filters.length > 0) return null;
  if (query.kind === "trend" && query.breakdown) return null;
  const { rows } = await db.query<{ whole_hours: boolean; watermark: string | null }>(
    sql`SELECT ${wholeHoursSql(sql`${scope.from}::timestamptz`, sql`${scope.to}::timestamptz`, scope.timezone)} AS whole_hours,
        (SELECT watermark::text FROM session_state WHERE id = 1 AND isfinite(watermark)) AS watermark`.toQuery(),
  );
  const row = rows[0];
  return row?.whole_hours && row.watermark ? { watermark: row.watermark } : null;
}

function aggregate(measure: Measure): Sql {
  switch (measure.type) {
    case "sessions":
      return sql`sum(u.n)::float8`;
    case "bounce_rate":
      return sql`(sum(u.bounces)::float8 / NULLIF(sum(u.pageview_sessions)::float8, 0))`;
    case "avg_session_duration":
      return sql`(sum(u.duration_us)::float8 / sum(u.n)::float8 / 1000000)`;
    default:
      throw new Error(`${measure.type} is not a session measure`);
  }
}

/** Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for the session measures above. */
export const sessionRollupGroupedSql =
  ({ watermark }: SessionRollupPlan): GroupedSql =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    if (grouping.dimension !== undefined || scope.event !== undefined || scope.filters.length > 0)
      throw new Error("query not answerable from session rollups");
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})` : sql`NULL::timestamptz`;
    // The whole hours of the range; its partial hours at either end are read raw, as arrivals are.
    const hours = rolledHours(scope);
    const inRange = sql`${tenantCondition(scope, "f")} AND f.hour >= ${hours.from}::timestamptz AND f.hour < ${hours.to}::timestamptz`;
    // A spanning session with hours outside the whole hours is cut by the range: recombined from its fragments inside.
    const cutByRange = sql`(f.first_hour < ${hours.from}::timestamptz OR f.last_hour >= ${hours.to}::timestamptz)`;
    const touchedSingleHour = sql`
    SELECT f.* FROM session_fragments f JOIN touched t ON t.session_id = f.session_id
    WHERE ${inRange} AND NOT f.spans`;
    const asSession = (started: Sql, durationUs: Sql, pageviews: Sql, interactions: Sql, sign: Sql) => sql`
    SELECT ${bucketOf(started)} AS b, ${sign} AS n, ${sign} * (${pageviews} > 0)::int AS pageview_sessions,
           ${sign} * (${pageviews} = 1 AND ${interactions} = 0)::int AS bounces, ${sign} * ${durationUs} AS duration_us`;
    return sql`
    WITH tail AS MATERIALIZED (
      ${unrolledEventsSql(scope, watermark, sql`e.session_id, e.timestamp AS ts, e.name`, sql`e.session_id IS NOT NULL`)}
    ),
    touched AS MATERIALIZED (SELECT DISTINCT session_id FROM tail),
    cut AS MATERIALIZED (
      SELECT DISTINCT f.session_id FROM session_fragments f
      WHERE ${inRange} AND f.spans AND (${cutByRange} OR f.session_id IN (SELECT session_id FROM touched))
    ),
    pieces AS (
      SELECT f.session_id, f.first_at, f.last_at, f.pageviews, f.interactions
      FROM cut c JOIN session_fragments f ON ${tenantCondition(scope, "f")} AND f.session_id = c.session_id
      WHERE f.hour >= ${hours.from}::timestamptz AND f.hour < ${hours.to}::timestamptz
      UNION ALL
      SELECT session_id, first_at, last_at, pageviews, interactions FROM (${touchedSingleHour}) s
      UNION ALL
      SELECT session_id, ts, ts, ${isPageviewSql(sql`name`)}::int, ${isInteractionSql(sql`name`)}::int FROM tail
    ),
    recombined AS (
      SELECT min(first_at) AS started_at, ${durationMicrosSql(sql`min(first_at)`, sql`max(last_at)`)} AS duration_us,
             sum(pageviews) AS pageviews, sum(interactions) AS interactions
      FROM pieces GROUP BY session_id
    ),
    held AS (
      SELECT f.session_first_at AS started_at, ${durationMicrosSql(sql`f.session_first_at`, sql`f.session_last_at`)} AS duration_us,
             f.session_pageviews AS pageviews, f.session_interactions AS interactions
      FROM session_fragments f
      WHERE ${inRange} AND f.spans AND f.hour = f.first_hour AND NOT ${cutByRange} AND f.session_id NOT IN (SELECT session_id FROM touched)
    ),
    idless AS (SELECT ${sessionColumnsSql} FROM (${idlessSessionEventsSql(scope, sql`NULL::text`)}) k GROUP BY session_key)
    SELECT u.b AS bucket, NULL::text AS dim, false AS is_other, ${aggregate(measure)} AS value
    FROM (
      SELECT ${bucketOf(sql`h.hour`)} AS b, h.sessions AS n, h.pageview_sessions, h.bounces, h.duration_us
      FROM session_hourly h
      WHERE ${tenantCondition(scope, "h")} AND h.hour >= ${hours.from}::timestamptz AND h.hour < ${hours.to}::timestamptz
      UNION ALL
      ${asSession(sql`s.hour`, durationMicrosSql(sql`s.first_at`, sql`s.last_at`), sql`s.pageviews`, sql`s.interactions`, sql`-1`)} FROM (${touchedSingleHour}) s
      UNION ALL
      ${asSession(sql`r.started_at`, sql`r.duration_us`, sql`r.pageviews`, sql`r.interactions`, sql`1`)} FROM recombined r
      UNION ALL
      ${asSession(sql`w.started_at`, sql`w.duration_us`, sql`w.pageviews`, sql`w.interactions`, sql`1`)} FROM held w
      UNION ALL
      ${asSession(sql`i.started_at`, sql`i.duration_us`, sql`i.pageviews`, sql`i.interactions`, sql`1`)} FROM idless i
    ) u
    GROUP BY u.b
    HAVING sum(u.n) > 0`;
  };
