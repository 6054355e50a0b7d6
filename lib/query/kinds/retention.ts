// retention: users grouped into cohorts by the period of their first start event in the range; for
// each following period, the share of the cohort who did the return event. Periods that have not
// happened yet are null, not zero.
import type pg from "pg";
import type { RetentionResult } from "../results";
import type { RetentionQuery } from "../schemas";
import { actorHash, filtersCondition } from "../fields";
import { tenantCondition, type QueryScope } from "../scope";
import { sql, type Sql } from "../sql";

type Db = Pick<pg.Pool, "query">;

/** Where retention reads who was active when: raw events, or the daily actor sets (see rollups). */
export type RetentionSource = { kind: "raw" } | { kind: "daily"; watermark: string };

/** (actor, time, name, matches filters) rows of the start and return events from the first cohort's start to the range's end. */
function activitySql(scope: QueryScope, query: RetentionQuery, source: RetentionSource) {
  const tz = scope.timezone;
  const names = sql`(${query.start_event}, ${query.return_event})`;
  const since = sql`date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz})`;
  const raw = (extra: Sql) => sql`
      SELECT ${actorHash("e")} AS actor, e.timestamp AS t, e.name, ${filtersCondition(scope.filters)} AS matches
      FROM events e
      WHERE ${tenantCondition(scope)} AND e.timestamp >= ${since} AND e.timestamp < ${scope.to}::timestamptz
        AND e.name IN ${names} AND COALESCE(e.user_id, e.anonymous_id) IS NOT NULL ${extra}`;
  if (source.kind === "raw") return raw(sql``);
  // A day's set stands for events at any time that day: the range starts and ends at local midnights.
  const dayStart = sql`(r.day::timestamp AT TIME ZONE ${tz})`;
  return sql`
      SELECT a AS actor, ${dayStart} AS t, r.name, true AS matches
      FROM event_rollups_daily r CROSS JOIN LATERAL unnest(r.actors) a
      WHERE ${tenantCondition(scope, "r")} AND r.timezone = ${tz} AND r.name IN ${names} AND ${dayStart} >= ${since} AND ${dayStart} < ${scope.to}::timestamptz
      UNION ALL ${raw(sql`AND e.received_at > ${source.watermark}::timestamptz`)}`;
}

export async function runRetention(db: Db, scope: QueryScope, query: RetentionQuery, now: Date, source: RetentionSource = { kind: "raw" }): Promise<RetentionResult> {
  const tz = scope.timezone;
  const days = query.period === "week" ? 7 : 1;
  // Per user and period: did they start (in range) and did they return.
  const text = sql`
    WITH activity AS (${activitySql(scope, query, source)}),
    periods_of_users AS (
      SELECT actor, date_trunc(${query.period}, t, ${tz}) AS p,
             bool_or(name = ${query.start_event} AND t >= ${scope.from}::timestamptz AND matches) AS started,
             bool_or(name = ${query.return_event} AND matches) AS returned
      FROM activity
      GROUP BY 1, 2
    ),
    cohorts AS (SELECT actor, min(p) AS cohort FROM periods_of_users WHERE started GROUP BY actor),
    returns AS (
      SELECT c.cohort, (((u.p AT TIME ZONE ${tz})::date - (c.cohort AT TIME ZONE ${tz})::date) / ${days}) AS k, count(*)::int AS n
      FROM periods_of_users u JOIN cohorts c USING (actor)
      WHERE u.returned AND u.p >= c.cohort
      GROUP BY 1, 2
    ),
    periods AS (
      SELECT p AS cohort FROM generate_series(date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz}), ${scope.to}::timestamptz - interval '1 microsecond', ${`1 ${query.period}`}::interval, ${tz}) p
    )
    SELECT p.cohort, to_char(p.cohort AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS label,
      COALESCE(s.size, 0)::int AS size, COALESCE(r.ks, '{}') AS ks, COALESCE(r.kk, '{}') AS kk,
      ARRAY(SELECT date_add(p.cohort, (i * ${days}) * interval '1 day', ${tz}) FROM generate_series(0, ${query.periods}) i) AS starts
    FROM periods p
    LEFT JOIN (SELECT cohort, count(*) AS size FROM cohorts GROUP BY cohort) s USING (cohort)
    LEFT JOIN (SELECT cohort, array_agg(n ORDER BY k) AS ks, array_agg(k ORDER BY k) AS kk FROM returns WHERE k <= ${query.periods} GROUP BY cohort) r USING (cohort)
    ORDER BY p.cohort`;
  const { rows } = await db.query<{ cohort: Date; label: string; size: number; ks: number[]; kk: number[]; starts: Date[] }>(text.toQuery());
  const horizon = Math.min(now.getTime(), scope.to.getTime());
  return {
    kind: "retention",
    period: query.period,
    cohorts: rows.map((row) => {
      const byK = new Map(row.kk.map((k, i) => [k, row.ks[i] ?? 0]));
      const counts = row.starts.map((start, k) => (start.getTime() < horizon ? (byK.get(k) ?? 0) : null));
      return {
        start: row.cohort.toISOString(),
        label: row.label,
        size: row.size,
        counts,
        rates: counts.map((c) => (c === null || row.size === 0 ? null : c / row.size)),
      };
    }),
  };
}
