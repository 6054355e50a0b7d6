// retention: users grouped into cohorts by the period of their first start event in the range; for
// each following period, the share of the cohort who did the return event. Periods that have not
// happened yet are null, not zero.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql, numberedActorsSql } from "../actor-bitmaps";
import { allFiltersCondition } from "../conversion-filter";
import { ACTOR_BUCKETS, actorBucket, actorHash } from "../fields";
import { filteredPeriodsSql, filteredRetentionWatermark } from "../filtered-retention";
import type { RetentionResult } from "../results";
import { retentionDailyWatermark } from "../rollups";
import type { QueryDefinition, RetentionQuery } from "../schemas";
import { type QueryScope, tenantCondition } from "../scope";
import { join, type Sql, sql, trusted } from "../sql";
import { addInZone, seriesInZone } from "../zone-time";

type Db = Pick<pg.Pool, "query">;

const daysPerPeriod = (query: RetentionQuery) => (query.period === "week" ? 7 : 1);

/** Runs work on one or more connections that read the same snapshot (see lib/db/snapshot-readers). */
export type ReaderSupply = <T>(work: (readers: Db[]) => Promise<T>) => Promise<T>;

/**
 * Where retention reads who was active when: raw events (on the readers supplied, else the one
 * connection), the daily actor bitmaps (see rollups), or their filtered intersections.
 */
export type RetentionSource =
  | {
      kind: "raw";
      readers?: ReaderSupply;
      /** The fewest events (as the planner expects them) read bucket by bucket (default MIN_EVENTS_FOR_BUCKETS). */
      minEventsForBuckets?: number;
    }
  | { kind: "daily"; watermark: string }
  /** The filtered intersections of the daily bitmaps, for drill-down filters they hold (filtered-retention.ts). */
  | { kind: "filtered"; watermark: string };

/** CTEs `sizes (cohort, size)` and `returns (cohort, k, n)` from raw events, for ranges of more periods than a mask holds: per user and period, did they start (in range) and return. */
function rawCohortsSql(scope: QueryScope, query: RetentionQuery): Sql {
  const tz = scope.timezone;
  const days = daysPerPeriod(query);
  return sql`
    activity AS (
      SELECT ${actorHash("e")} AS actor, e.timestamp AS t, e.name, ${allFiltersCondition(scope)} AS matches
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

/** Periods a 64-bit mask per user can hold (bit 63, the sign, stays clear). */
const MASK_PERIODS = 63;

/** How many return patterns (cohort `c`, return bits from the cohort's period on) `users` share. */
interface Pattern {
  c: number;
  later: string | null;
  users: number;
}

/** The events a mask query reads: start or return events in range, of a known actor; in `bucket` when given. */
function maskEventsSql(scope: QueryScope, query: RetentionQuery, starts: Date[], bucket: Sql | null): Sql {
  const inBucket = bucket ? sql`${actorBucket("e")} = ${bucket} AND` : sql``;
  return sql`
    FROM events e
    WHERE ${tenantCondition(scope)} AND ${inBucket} e.name IN (${query.start_event}, ${query.return_event})
      AND e.timestamp >= ${starts[0]!}::timestamptz AND e.timestamp < ${scope.to}::timestamptz AND e.actor IS NOT NULL`;
}

/**
 * From raw events when the periods fit a bigint: each user's cohort (the index of their first start
 * period, found by width_bucket over the periods' starts) and return periods as a bit mask, counted
 * by pattern; over all users, or the actor buckets `first`..`last` one at a time. A bucket's events
 * are one range of the events index, and its users' hash table small enough for the CPU caches,
 * where one over a million users misses them on every event (10M events, 8 weeks, one process:
 * 2.9 s -> 2.2 s). Buckets also split without overlap among readers: nothing to merge but pattern
 * counts (two readers: 1.1 s).
 */
function maskPatternsSql(
  scope: QueryScope,
  query: RetentionQuery,
  starts: Date[],
  buckets: { first: number; last: number } | null,
): Sql {
  const filters = allFiltersCondition(scope);
  const users = sql`
    SELECT min(r.i) FILTER (WHERE r.starts) - 1 AS c, bit_or(1::bigint << (r.i - 1)) FILTER (WHERE r.returns) AS returned
    FROM (
      -- OFFSET 0 keeps this a subquery, so the period index is computed once per event, not per use.
      SELECT e.actor, width_bucket(e.timestamp, ${starts}::timestamptz[]) AS i,
             (e.name = ${query.start_event} AND e.timestamp >= ${scope.from}::timestamptz AND ${filters}) AS starts,
             (e.name = ${query.return_event} AND ${filters}) AS returns
      ${maskEventsSql(scope, query, starts, buckets ? trusted("b.bucket") : null)}
      OFFSET 0
    ) r
    GROUP BY r.actor`;
  const from = buckets
    ? sql`generate_series(${buckets.first}::int, ${buckets.last}::int) AS b(bucket) CROSS JOIN LATERAL (${users}) u`
    : sql`(${users}) u`;
  // Only the periods the report shows: fewer distinct patterns to count and send back.
  const shown = query.periods + 1 >= MASK_PERIODS ? -1n : (1n << BigInt(query.periods + 1)) - 1n;
  return sql`SELECT u.c, (u.returned >> u.c) & ${String(shown)}::bigint AS later, count(*)::int AS users FROM ${from} WHERE u.c IS NOT NULL GROUP BY 1, 2`;
}

/**
 * Below this many events (as the planner expects them) one pass over all users is quick, and the
 * bucket loop is avoided where it could be slow: a planner that thinks a range nearly empty (a new
 * project in a partition analyzed before it arrived) may read the whole range once per bucket.
 */
const MIN_EVENTS_FOR_BUCKETS = 100_000;

async function expectedEvents(db: Db, scope: QueryScope, query: RetentionQuery, starts: Date[]): Promise<number> {
  const { rows } = await db.query<{ "QUERY PLAN": { Plan: { "Plan Rows": number } }[] }>(
    sql`EXPLAIN (FORMAT JSON) SELECT 1 ${maskEventsSql(scope, query, starts, null)}`.toQuery(),
  );
  return rows[0]?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0;
}

/**
 * The patterns of every user: in one pass for a small range, else bucket by bucket with the buckets
 * shared out among the readers (connections on one snapshot).
 */
async function maskPatterns(
  db: Db,
  source: RetentionSource & { kind: "raw" },
  scope: QueryScope,
  query: RetentionQuery,
  starts: Date[],
): Promise<Pattern[]> {
  if ((await expectedEvents(db, scope, query, starts)) < (source.minEventsForBuckets ?? MIN_EVENTS_FOR_BUCKETS)) {
    return (await db.query<Pattern>(maskPatternsSql(scope, query, starts, null).toQuery())).rows;
  }
  const supply: ReaderSupply = source.readers ?? ((work) => work([db]));
  return supply(async (readers) => {
    const share = Math.ceil(ACTOR_BUCKETS / readers.length);
    const parts = await Promise.all(
      readers.map(async (reader, i) => {
        const first = i * share;
        const last = Math.min(ACTOR_BUCKETS, first + share) - 1;
        if (first > last) return [];
        // The readers are the parallelism: a bucket is too small to be worth parallel workers (on the
        // query's own connection this holds for the rest of its transaction, the final statement's).
        await reader.query("SET LOCAL max_parallel_workers_per_gather = 0");
        return (await reader.query<Pattern>(maskPatternsSql(scope, query, starts, { first, last }).toQuery())).rows;
      }),
    );
    return parts.flat();
  });
}

/** The CTEs `sizes` and `returns` from the pattern counts: a cohort's size, and its users back k periods later. */
function maskCohortsSql(query: RetentionQuery, starts: Date[], patterns: Pattern[]): Sql {
  const returnedIn = Array.from(
    { length: query.periods + 1 },
    (_, k) => sql`sum(CASE WHEN (later >> ${trusted(String(k))}) & 1 = 1 THEN users ELSE 0 END)::int`,
  );
  return sql`
    patterns AS (SELECT * FROM unnest(${patterns.map((p) => p.c)}::int[], ${patterns.map((p) => p.later)}::bigint[], ${patterns.map((p) => p.users)}::int[]) AS p(c, later, users)),
    by_cohort AS (SELECT c, sum(users)::int AS size, ARRAY[${join(returnedIn, ", ")}] AS ns FROM patterns GROUP BY c),
    sizes AS (SELECT (${starts}::timestamptz[])[c + 1] AS cohort, size FROM by_cohort),
    returns AS (SELECT (${starts}::timestamptz[])[b.c + 1] AS cohort, (u.k - 1)::int AS k, u.n FROM by_cohort b, unnest(b.ns) WITH ORDINALITY u(n, k)),`;
}

/**
 * The same CTEs from the daily actor bitmaps (the range runs from one local midnight to another, no
 * filters) plus what arrived after the watermark: a period's starters and returners are ORs of its
 * days' bitmaps.
 */
function bitmapCohortsSql(scope: QueryScope, query: RetentionQuery, watermark: string): Sql {
  const tz = scope.timezone;
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
    ${cohortsOfPeriodsSql(scope, query)}`;
}

/**
 * The CTEs `sizes` and `returns` from `per (p, role, chunk, bits)`, each period's starters and
 * returners as actor sets: a cohort is its period's starters AND NOT everyone who started in an
 * earlier one (a running OR); returns are bit counts of cohort AND a later period's returners.
 */
function cohortsOfPeriodsSql(scope: QueryScope, query: RetentionQuery): Sql {
  const tz = scope.timezone;
  return sql`
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
      SELECT c.cohort, (((r.p AT TIME ZONE ${tz})::date - (c.cohort AT TIME ZONE ${tz})::date) / ${daysPerPeriod(query)}) AS k, sum(bit_count(c.bits & r.bits))::int AS n
      FROM cohorts c JOIN per r ON r.role = 'return' AND r.chunk = c.chunk AND r.p >= c.cohort
      GROUP BY 1, 2
    ),`;
}

/** The derived source retention reads: the daily bitmaps unfiltered, their intersections under drill-down filters; null for raw events. */
export async function derivedRetentionSource(
  db: Db,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<RetentionSource | null> {
  const daily = await retentionDailyWatermark(db, scope, query);
  if (daily) return { kind: "daily", watermark: daily };
  const filtered = await filteredRetentionWatermark(db, scope, query);
  return filtered ? { kind: "filtered", watermark: filtered } : null;
}

export async function runRetention(
  db: Db,
  scope: QueryScope,
  query: RetentionQuery,
  now: Date,
  source: RetentionSource = { kind: "raw" },
): Promise<RetentionResult> {
  const tz = scope.timezone;
  const days = daysPerPeriod(query);
  // Every period's start, DST included: the cohorts listed, and the masks' bit positions.
  const { rows: bounds } = await db.query<{ starts: Date[] | null }>(
    sql`SELECT array_agg(p ORDER BY p) AS starts
        FROM ${seriesInZone(sql`date_trunc(${query.period}, ${scope.from}::timestamptz, ${tz})`, sql`${scope.to}::timestamptz - interval '1 microsecond'`, query.period, tz)} AS s(p)`.toQuery(),
  );
  const starts = bounds[0]?.starts ?? [];
  let cohorts: Sql;
  if (source.kind === "daily") cohorts = bitmapCohortsSql(scope, query, source.watermark);
  else if (source.kind === "filtered")
    cohorts = sql`${filteredPeriodsSql(scope, query, source.watermark, starts[0] ?? scope.from)}, ${cohortsOfPeriodsSql(scope, query)}`;
  else if (starts.length > 0 && starts.length <= MASK_PERIODS) {
    cohorts = maskCohortsSql(query, starts, await maskPatterns(db, source, scope, query, starts));
  } else cohorts = rawCohortsSql(scope, query);
  const text = sql`
    WITH ${cohorts}
    periods AS (SELECT unnest(${starts}::timestamptz[]) AS cohort)
    SELECT p.cohort, to_char(p.cohort AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS label,
      COALESCE(s.size, 0)::int AS size, COALESCE(r.ks, '{}') AS ks, COALESCE(r.kk, '{}') AS kk,
      ARRAY(SELECT ${addInZone(sql`p.cohort`, sql`(i * ${days}) * interval '1 day'`, tz)} FROM generate_series(0, ${query.periods}) i) AS starts
    FROM periods p
    LEFT JOIN sizes s USING (cohort)
    LEFT JOIN (SELECT cohort, array_agg(n ORDER BY k) AS ks, array_agg(k ORDER BY k) AS kk FROM returns WHERE k <= ${query.periods} AND n > 0 GROUP BY cohort) r USING (cohort)
    ORDER BY p.cohort`;
  const { rows } = await db.query<{
    cohort: Date;
    label: string;
    size: number;
    ks: number[];
    kk: number[];
    starts: Date[];
  }>(text.toQuery());
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
