// retention: users grouped into cohorts by the period of their first start event in the range; for
// each following period, the share of the cohort who did the return event. Periods that have not
// happened yet are null, not zero.
import type pg from "pg";
import type { RetentionResult } from "../results";
import type { RetentionQuery } from "../schemas";
import { actorHash, filtersCondition } from "../fields";
import { tenantCondition, type QueryScope } from "../scope";
import { bitmapsFromNumbersSql, numberedActorsSql } from "../actor-bitmaps";
import { join, sql, trusted, type Sql } from "../sql";

type Db = Pick<pg.Pool, "query">;

const daysPerPeriod = (query: RetentionQuery) => (query.period === "week" ? 7 : 1);

/** Where retention reads who was active when: raw events, or the daily actor bitmaps (see rollups). */
export type RetentionSource = { kind: "raw" } | { kind: "daily"; watermark: string };

/** CTEs `sizes (cohort, size)` and `returns (cohort, k, n)` from raw events, for ranges of more periods than a mask holds: per user and period, did they start (in range) and return. */
function rawCohortsSql(scope: QueryScope, query: RetentionQuery): Sql {
  const tz = scope.timezone;
  const days = daysPerPeriod(query);
  return sql`
    activity AS (
      SELECT ${actorHash("e")} AS actor, e.timestamp AS t, e.name, ${filtersCondition(scope.filters)} AS matches
      FROM events e
      WHERE ${tenantCondition(scope)} AND e.timestamp >= date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz}) AND e.timestamp < ${scope.to}::timestamptz
        AND e.name IN (${query.start_event}, ${query.return_event}) AND e.actor IS NOT NULL
    ),
    periods_of_users AS (
      SELECT actor, date_trunc(${query.period}, t, ${tz}) AS p,
             bool_or(name = ${query.start_event} AND t >= ${scope.from}::timestamptz AND matches) AS started,
             bool_or(name = ${query.return_event} AND matches) AS returned
      FROM activity
      GROUP BY 1, 2
    ),
    cohorts AS (SELECT actor, min(p) AS cohort FROM periods_of_users WHERE started GROUP BY actor),
    sizes AS (SELECT cohort, count(*)::int AS size FROM cohorts GROUP BY cohort),
    returns AS (
      SELECT c.cohort, (((u.p AT TIME ZONE ${tz})::date - (c.cohort AT TIME ZONE ${tz})::date) / ${days}) AS k, count(*)::int AS n
      FROM periods_of_users u JOIN cohorts c USING (actor)
      WHERE u.returned AND u.p >= c.cohort
      GROUP BY 1, 2
    ),`;
}

/** Periods a 64-bit mask per user can hold (bit 63, the sign, stays clear so `x & -x` never overflows). */
const MASK_PERIODS = 63;

/**
 * The same CTEs from raw events in one pass over users when the periods fit a bigint: each user's
 * start and return periods become bit masks (a period's index found by width_bucket over the
 * periods' starts), the cohort is the lowest start bit, and returns are the bits above it.
 */
function maskCohortsSql(scope: QueryScope, query: RetentionQuery, starts: Date[]): Sql {
  const bit = sql`(1::bigint << (width_bucket(e.timestamp, ${starts}::timestamptz[]) - 1))`;
  const returnedIn = Array.from({ length: query.periods + 1 }, (_, k) => sql`sum(CASE WHEN (later >> ${trusted(String(k))}) & 1 = 1 THEN users ELSE 0 END)::int`);
  return sql`
    users AS (
      SELECT bit_or(CASE WHEN e.name = ${query.start_event} AND e.timestamp >= ${scope.from}::timestamptz AND ${filtersCondition(scope.filters)} THEN ${bit} ELSE 0 END) AS started,
             bit_or(CASE WHEN e.name = ${query.return_event} AND ${filtersCondition(scope.filters)} THEN ${bit} ELSE 0 END) AS returned
      FROM events e
      WHERE ${tenantCondition(scope)} AND e.timestamp >= ${starts[0]!}::timestamptz AND e.timestamp < ${scope.to}::timestamptz
        AND e.name IN (${query.start_event}, ${query.return_event}) AND e.actor IS NOT NULL
      GROUP BY ${actorHash("e")}
    ),
    cohorted AS (SELECT bit_count(((started & -started) - 1)::bit(64))::int AS c, returned FROM users WHERE started <> 0),
    -- A cohort's users share few return patterns (bits from the cohort's period on): each is read once.
    patterns AS (SELECT c, returned >> c AS later, count(*)::int AS users FROM cohorted GROUP BY 1, 2),
    by_cohort AS (SELECT c, sum(users)::int AS size, ARRAY[${join(returnedIn, ", ")}] AS ns FROM patterns GROUP BY c),
    sizes AS (SELECT (${starts}::timestamptz[])[c + 1] AS cohort, size FROM by_cohort),
    returns AS (SELECT (${starts}::timestamptz[])[b.c + 1] AS cohort, (u.k - 1)::int AS k, u.n FROM by_cohort b, unnest(b.ns) WITH ORDINALITY u(n, k)),`;
}

/**
 * The same CTEs from the daily actor bitmaps (the range runs from one local midnight to another, no
 * filters) plus what arrived after the watermark: a period's starters and returners are ORs of its
 * days' bitmaps; a cohort is its period's starters AND NOT everyone who started in an earlier one
 * (a running OR); returns are bit counts of cohort AND a later period's returners.
 */
function bitmapCohortsSql(scope: QueryScope, query: RetentionQuery, watermark: string): Sql {
  const tz = scope.timezone;
  const days = daysPerPeriod(query);
  const since = sql`date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz})`;
  const dayStart = sql`(x.day::timestamp AT TIME ZONE ${tz})`;
  const roles = sql`CROSS JOIN (VALUES ('start'), ('return')) roles(role)`;
  // Start events count from the range's start, return events from its first period's start.
  const inRole = (name: Sql, time: Sql) =>
    sql`((roles.role = 'start' AND ${name} = ${query.start_event} AND ${time} >= ${scope.from}::timestamptz) OR (roles.role = 'return' AND ${name} = ${query.return_event}))`;
  return sql`
    tail AS (
      SELECT date_trunc(${query.period}, e.timestamp, ${tz}) AS p, roles.role, ${actorHash("e")} AS a
      FROM events e ${roles}
      WHERE ${tenantCondition(scope)} AND e.timestamp >= ${since} AND e.timestamp < ${scope.to}::timestamptz
        AND e.received_at > ${watermark}::timestamptz AND ${inRole(sql`e.name`, sql`e.timestamp`)}
    ),
    tail_numbered AS (${numberedActorsSql(scope, "tail", ["p", "role"])}),
    tail_bitmaps AS (${trusted(bitmapsFromNumbersSql("tail_numbered", ["p", "role"]))}),
    per AS (
      SELECT m.p, m.role, m.chunk, bit_or(m.bits) AS bits
      FROM (
        SELECT date_trunc(${query.period}, ${dayStart}, ${tz}) AS p, roles.role, x.chunk, x.bits
        FROM event_actor_bitmaps x ${roles}
        WHERE ${tenantCondition(scope, "x")} AND x.timezone = ${tz} AND x.name IN (${query.start_event}, ${query.return_event})
          AND ${dayStart} >= ${since} AND ${dayStart} < ${scope.to}::timestamptz AND ${inRole(sql`x.name`, dayStart)}
        UNION ALL
        SELECT p, role, chunk, bits FROM tail_bitmaps
      ) m
      GROUP BY 1, 2, 3
    ),
    cohorts AS (
      SELECT cohort, chunk, bits FROM (
        SELECT s.p AS cohort, s.chunk, CASE WHEN s.before IS NULL THEN s.bits ELSE s.bits & ~s.before END AS bits
        FROM (SELECT p, chunk, bits, bit_or(bits) OVER (PARTITION BY chunk ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
              FROM per WHERE role = 'start') s
      ) c
      WHERE bit_count(bits) > 0
    ),
    sizes AS (SELECT cohort, sum(bit_count(bits))::int AS size FROM cohorts GROUP BY cohort),
    returns AS (
      SELECT c.cohort, (((r.p AT TIME ZONE ${tz})::date - (c.cohort AT TIME ZONE ${tz})::date) / ${days}) AS k, sum(bit_count(c.bits & r.bits))::int AS n
      FROM cohorts c JOIN per r ON r.role = 'return' AND r.chunk = c.chunk AND r.p >= c.cohort
      GROUP BY 1, 2
    ),`;
}

export async function runRetention(db: Db, scope: QueryScope, query: RetentionQuery, now: Date, source: RetentionSource = { kind: "raw" }): Promise<RetentionResult> {
  const tz = scope.timezone;
  const days = daysPerPeriod(query);
  // Every period's start, DST included: the cohorts listed, and the masks' bit positions.
  const { rows: bounds } = await db.query<{ starts: Date[] | null }>(
    sql`SELECT array_agg(p ORDER BY p) AS starts
        FROM generate_series(date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz}), ${scope.to}::timestamptz - interval '1 microsecond', ${`1 ${query.period}`}::interval, ${tz}) p`.toQuery(),
  );
  const starts = bounds[0]?.starts ?? [];
  let cohorts: Sql;
  if (source.kind === "daily") cohorts = bitmapCohortsSql(scope, query, source.watermark);
  else if (starts.length > 0 && starts.length <= MASK_PERIODS) cohorts = maskCohortsSql(scope, query, starts);
  else cohorts = rawCohortsSql(scope, query);
  const text = sql`
    WITH ${cohorts}
    periods AS (SELECT unnest(${starts}::timestamptz[]) AS cohort)
    SELECT p.cohort, to_char(p.cohort AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS label,
      COALESCE(s.size, 0)::int AS size, COALESCE(r.ks, '{}') AS ks, COALESCE(r.kk, '{}') AS kk,
      ARRAY(SELECT date_add(p.cohort, (i * ${days}) * interval '1 day', ${tz}) FROM generate_series(0, ${query.periods}) i) AS starts
    FROM periods p
    LEFT JOIN sizes s USING (cohort)
    LEFT JOIN (SELECT cohort, array_agg(n ORDER BY k) AS ks, array_agg(k ORDER BY k) AS kk FROM returns WHERE k <= ${query.periods} AND n > 0 GROUP BY cohort) r USING (cohort)
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
