// retention: users grouped into cohorts by the period of their first start event in the range; for
// each following period, the share of the cohort who did the return event. Periods that have not
// happened yet are null, not zero.
import type pg from "pg";
import type { RetentionResult } from "../results";
import type { RetentionQuery } from "../schemas";
import { actorHash, filtersCondition } from "../fields";
import { scopeCondition, tenantCondition, type QueryScope } from "../scope";
import { sql } from "../sql";

type Db = Pick<pg.Pool, "query">;

export async function runRetention(db: Db, scope: QueryScope, query: RetentionQuery, now: Date): Promise<RetentionResult> {
  const tz = scope.timezone;
  const days = query.period === "week" ? 7 : 1;
  const text = sql`
    WITH cohorts AS (
      SELECT ${actorHash("e")} AS actor, date_trunc(${query.period}, min(e.timestamp), ${tz}) AS cohort
      FROM events e
      WHERE ${scopeCondition({ ...scope, event: query.start_event })} AND ${actorHash("e")} IS NOT NULL
      GROUP BY 1
    ),
    returns AS (
      SELECT DISTINCT c.actor, c.cohort,
        (((date_trunc(${query.period}, e.timestamp, ${tz}) AT TIME ZONE ${tz})::date - (c.cohort AT TIME ZONE ${tz})::date) / ${days}) AS k
      FROM cohorts c JOIN events e ON ${actorHash("e")} = c.actor AND e.timestamp >= c.cohort
      WHERE ${tenantCondition(scope)} AND e.timestamp < ${scope.to}::timestamptz AND e.name = ${query.return_event} AND ${filtersCondition(scope.filters)}
    ),
    periods AS (
      SELECT p AS cohort FROM generate_series(date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz}), ${scope.to}::timestamptz - interval '1 microsecond', ${`1 ${query.period}`}::interval, ${tz}) p
    )
    SELECT p.cohort, to_char(p.cohort AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS label,
      (SELECT count(*) FROM cohorts c WHERE c.cohort = p.cohort)::int AS size,
      COALESCE((SELECT array_agg(n ORDER BY k) FROM (SELECT r.k, count(*)::int AS n FROM returns r WHERE r.cohort = p.cohort AND r.k <= ${query.periods} GROUP BY r.k) x), '{}') AS ks,
      COALESCE((SELECT array_agg(k ORDER BY k) FROM (SELECT DISTINCT r.k FROM returns r WHERE r.cohort = p.cohort AND r.k <= ${query.periods}) y), '{}') AS kk,
      ARRAY(SELECT date_add(p.cohort, (i * ${days}) * interval '1 day', ${tz}) FROM generate_series(0, ${query.periods}) i) AS starts
    FROM periods p
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
