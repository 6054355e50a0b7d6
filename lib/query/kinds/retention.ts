// retention: users grouped into cohorts by the period of their first start event in the range; for
// each following period, the share of the cohort who did the return event. Periods that have not
// happened yet are null, not zero.
import type pg from "pg";
import type { RetentionResult } from "../results";
import type { RetentionQuery } from "../schemas";
import { actorHash, filtersCondition } from "../fields";
import { tenantCondition, type QueryScope } from "../scope";
import { sql } from "../sql";

type Db = Pick<pg.Pool, "query">;

export async function runRetention(db: Db, scope: QueryScope, query: RetentionQuery, now: Date): Promise<RetentionResult> {
  const tz = scope.timezone;
  const days = query.period === "week" ? 7 : 1;
  const actor = actorHash("e");
  const filters = filtersCondition(scope.filters);
  // One pass over the two events: per user and period, did they start (in range) and did they return.
  const text = sql`
    WITH periods_of_users AS (
      SELECT ${actor} AS actor, date_trunc(${query.period}, e.timestamp, ${tz}) AS p,
             bool_or(e.name = ${query.start_event} AND e.timestamp >= ${scope.from}::timestamptz AND ${filters}) AS started,
             bool_or(e.name = ${query.return_event} AND ${filters}) AS returned
      FROM events e
      WHERE ${tenantCondition(scope)} AND e.timestamp >= date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz}) AND e.timestamp < ${scope.to}::timestamptz
        AND e.name IN (${query.start_event}, ${query.return_event}) AND ${actor} IS NOT NULL
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
