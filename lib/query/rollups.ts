// Answering trend, metric and breakdown queries from hourly rollups. Rollups hold exactly the
// events that arrived up to the refresh watermark (received_at); events that arrived after it,
// whatever their timestamp, are read raw (few, recent pages: the received_at BRIN index). The
// caller runs everything in one REPEATABLE READ snapshot, so watermark, rollups and events agree
// and the answer equals the raw-event answer, late events included, between refreshes too.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql, numberedActorsSql } from "./actor-bitmaps";
import { bitmapGroupsSql, bitmapTopAndOtherSql } from "./bitmap-results";
import { wholeDayBounds, wholeDaysCondition } from "./edge-days";
import { rolledHours, unrolledEventsSql } from "./edge-hours";
import { actorHash, dimensionText, groupByOf, storedTextFilterCondition, textFilterCondition } from "./fields";
import type { GroupedSql, Grouping, TopAndOtherSql } from "./measure";
import type { Dimension, Filter, Measure, QueryDefinition, RetentionQuery } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";

/** Query dimension -> events column, for the dimensions kept in rollups. */
export const ROLLED_DIMENSIONS = {
  path: "path",
  referrer: "referrer_host",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  utm_campaign: "utm_campaign",
  browser: "browser",
  os: "os",
  device: "device_type",
  country: "country",
} as const;

type RolledDimension = keyof typeof ROLLED_DIMENSIONS;

function isRolled(dimension: string): dimension is RolledDimension {
  return dimension in ROLLED_DIMENSIONS;
}

/** The one rollup dimension a query reads ("" = totals), or null when rollups cannot answer it. */
function rollupDimension(filters: readonly Filter[], groupBy: Dimension | undefined): RolledDimension | "" | null {
  const filtered = new Set(filters.filter((f) => f.field !== "event").map((f) => f.field));
  if ([...filtered].some((f) => !isRolled(f)) || filtered.size > 1) return null;
  const [onlyFiltered] = [...filtered] as RolledDimension[];
  if (groupBy === undefined || groupBy === "event") return onlyFiltered ?? "";
  if (!isRolled(groupBy)) return null;
  if (onlyFiltered && onlyFiltered !== groupBy) return null;
  return groupBy;
}

/** How rollups answer a query: up to which arrival time they hold events, and whether the daily actor bitmaps may be read. */
export interface RollupPlan {
  /** The rollup watermark, as exact text. */
  watermark: string;
  /** The project's daily actor bitmaps are complete in the query's time zone. */
  daily: boolean;
}

// Conditions shared by the rollup plans below, each read in the same statement as the watermark.
export const watermarkSql = sql`(SELECT watermark::text FROM rollup_state WHERE id = 1 AND isfinite(watermark))`;

/** True when the zone's offset is a whole number of hours on every day from `from` to `to`. */
export function wholeHoursSql(from: Sql, to: Sql, timezone: string): Sql {
  return sql`NOT EXISTS (
    SELECT 1 FROM generate_series(${from}, ${to}, interval '1 day') t
    WHERE extract(minute FROM t AT TIME ZONE ${timezone}) <> extract(minute FROM t AT TIME ZONE 'UTC'))`;
}

/** Whether the scope's zone has a whole-hour offset throughout its range (hourly counts then fall into local buckets). */
export async function wholeHoursThroughout(db: Pick<pg.Pool, "query">, scope: QueryScope): Promise<boolean> {
  const { rows } = await db.query<{ whole_hours: boolean }>(
    sql`SELECT ${wholeHoursSql(sql`${scope.from}::timestamptz`, sql`${scope.to}::timestamptz`, scope.timezone)} AS whole_hours`.toQuery(),
  );
  return rows[0]?.whole_hours === true;
}

/** True when the project's daily actor bitmaps are complete in this time zone. */
function dailyBitmapsSql(scope: QueryScope): Sql {
  return sql`EXISTS (SELECT 1 FROM rollup_daily_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})`;
}

/**
 * Rollups answer count and unique users of trend/metric/breakdown on rolled dimensions in whole-hour
 * time zones (a range's partial hours at either end are read raw: lib/query/edge-hours.ts).
 */
export async function rollupPlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<RollupPlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return null;
  if (query.measure.type !== "count" && query.measure.type !== "unique_users") return null;
  if (rollupDimension(query.filters, groupByOf(query)) === null) return null;
  const { rows } = await db.query<{ whole_hours: boolean; watermark: string | null; daily: boolean }>(
    sql`SELECT ${wholeHoursSql(sql`${scope.from}::timestamptz`, sql`${scope.to}::timestamptz`, scope.timezone)} AS whole_hours,
        ${watermarkSql} AS watermark, ${dailyBitmapsSql(scope)} AS daily`.toQuery(),
  );
  const row = rows[0];
  return row?.whole_hours && row.watermark ? { watermark: row.watermark, daily: row.daily } : null;
}

/**
 * Retention reads the daily actor bitmaps when they can stand for the raw events: no filters (the
 * bitmaps hold no columns to filter on), the range from one local midnight to another in the project's time
 * zone, and that zone whole-hour throughout. Returns the watermark, else null.
 */
export async function retentionDailyWatermark(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<string | null> {
  if (query.kind !== "retention" || scope.filters.length > 0) return null;
  const { rows } = await db.query<{ ok: boolean; watermark: string | null }>(
    sql`SELECT ${retentionRangeHeldSql(scope, query)} AND ${dailyBitmapsSql(scope)} AS ok,
        ${watermarkSql} AS watermark`.toQuery(),
  );
  return rows[0]?.ok ? (rows[0].watermark ?? null) : null;
}

/** SQL true when retention's periods are whole local days of the daily bitmaps: the range from one local midnight to another, the zone whole-hour throughout. */
export function retentionRangeHeldSql(scope: QueryScope, query: RetentionQuery): Sql {
  return sql`(date_trunc('day', ${scope.from}::timestamptz, ${scope.timezone}) = ${scope.from}::timestamptz
           AND date_trunc('day', ${scope.to}::timestamptz, ${scope.timezone}) = ${scope.to}::timestamptz
           AND ${wholeHoursSql(sql`date_trunc(${query.period}, ${scope.from}::timestamptz, ${scope.timezone})`, sql`${scope.to}::timestamptz`, scope.timezone)})`;
}

/**
 * Grouped-measure SQL: rollups for what arrived up to the watermark, raw events for what came
 * after. The watermark is a literal parameter (not a subquery) so the planner sees how few rows
 * arrived since and reads them through the received_at BRIN index.
 */
export const rollupGroupedSql = (plan: RollupPlan): GroupedSql =>
  Object.assign(rollupGroupedSqlOf(plan), { topAndOther: rollupTopAndOtherSql(plan) });

/**
 * A breakdown's top values and "other" by unique users in one statement: from the per-value daily
 * bitmaps where they answer, else from the hourly rollups' actors (distinct (value, actor) pairs
 * found once for both: an event filter's referrers read 100k pairs, 0.3 s, once instead of twice).
 */
const rollupTopAndOtherSql =
  ({ watermark, daily }: RollupPlan): TopAndOtherSql =>
  (scope, measure, dimension, limit, order) => {
    if (measure.type !== "unique_users") return null;
    const byValue = scope.event === undefined && scope.filters.every((f) => f.field === dimension);
    if (daily && byValue && isRolled(dimension)) {
      const { ctes, rows } = dailyUniqueUsersByValueRows(watermark, scope, undefined, dimension, true);
      return bitmapTopAndOtherSql(ctes, rows, limit, order);
    }
    const rolled = rollupDimension(scope.filters, dimension);
    if (rolled === null) return null;
    const rows = hourlyRows(watermark, scope, measure, { dimension }, rolled);
    return sql`
      WITH pairs AS MATERIALIZED (SELECT DISTINCT u.dim, u.a FROM ${rows} WHERE u.a IS NOT NULL),
      ranked AS (
        SELECT dim, value, row_number() OVER (ORDER BY value ${trusted(order === "asc" ? "ASC" : "DESC")}, dim ASC NULLS LAST) AS rank
        FROM (SELECT dim, count(*)::float8 AS value FROM pairs GROUP BY dim) counted
      )
      SELECT dim, value, is_other FROM (
        SELECT dim, value, false AS is_other, rank FROM ranked WHERE rank <= ${limit}
        UNION ALL
        SELECT NULL, count(DISTINCT p.a)::float8, true, NULL
        FROM pairs p JOIN ranked r ON r.dim IS NOT DISTINCT FROM p.dim
        WHERE r.rank > ${limit}
        HAVING count(*) > 0
      ) t
      ORDER BY is_other, rank`;
  };

const rollupGroupedSqlOf =
  ({ watermark, daily }: RollupPlan) =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    const dimension = rollupDimension(scope.filters, grouping.dimension);
    if (dimension === null) throw new Error("query not answerable from rollups");
    const unique = measure.type === "unique_users";
    if (unique && daily && grouping.interval !== "hour") {
      if (dimension === "" && grouping.dimension === undefined) return dailyUniqueUsersSql(watermark, scope, grouping);
      // Per-value bitmaps hold every event's actors: no event name may narrow them.
      const byValue = scope.event === undefined && scope.filters.every((f) => f.field === dimension);
      if (dimension !== "" && byValue && (grouping.dimension === undefined || grouping.dimension === dimension)) {
        const { ctes, rows } = dailyUniqueUsersByValueRows(
          watermark,
          scope,
          grouping.interval,
          dimension,
          grouping.dimension !== undefined,
        );
        return bitmapGroupsSql(ctes, rows, grouping.top);
      }
    }

    const rows = hourlyRows(watermark, scope, measure, grouping, dimension);

    let dimSelect: Sql = sql`u.dim`;
    let isOther: Sql = sql`false`;
    if (grouping.top) {
      const values = grouping.top.filter((v): v is string => v !== null);
      const inTop = sql`COALESCE((u.dim IS NULL AND ${grouping.top.includes(null)}::boolean) OR u.dim = ANY(${values}::text[]), false)`;
      dimSelect = sql`CASE WHEN ${inTop} THEN u.dim END`;
      isOther = sql`NOT ${inTop}`;
    }
    if (unique) {
      // DISTINCT over (group, actor) hashes; count(DISTINCT ...) would sort every group's actors.
      return sql`
        SELECT bucket, dim, is_other, count(*)::float8 AS value
        FROM (SELECT DISTINCT u.b AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, u.a FROM ${rows} WHERE u.a IS NOT NULL) d
        GROUP BY 1, 2, 3`;
    }
    return sql`
      SELECT u.b AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, sum(u.n)::float8 AS value
      FROM ${rows}
      GROUP BY 1, 2, 3
      HAVING sum(u.n) > 0`;
  };

/**
 * Rows (b, dim, n, a) aliased u, of the hourly rollups up to the watermark and the raw events after
 * it: per rollup row its events (n) or, for unique users, its actors (a) one per row.
 */
function hourlyRows(
  watermark: string,
  scope: QueryScope,
  measure: Measure,
  grouping: Grouping,
  dimension: RolledDimension | "",
): Sql {
  const unique = measure.type === "unique_users";
  // Buckets are computed before actor lists are unnested: once per rollup row, not per actor.
  const bucketOf = (time: Sql) =>
    grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})` : sql`NULL::timestamptz`;
  const rollupDim =
    grouping.dimension === "event" ? sql`r.name` : grouping.dimension ? sql`NULLIF(r.value, '')` : sql`NULL::text`;
  const hours = rolledHours(scope);
  const rollupFilters = scope.filters.map((f) =>
    f.field === "event" ? textFilterCondition(f, sql`r.name`) : storedTextFilterCondition(f, sql`r.value`),
  );
  const rollupRows = sql`
    SELECT ${bucketOf(sql`r.bucket`)} AS b, ${rollupDim} AS dim, ${unique ? sql`0::bigint` : sql`r.events`} AS n, ${unique ? sql`unnest(r.actors)` : sql`NULL::bigint`} AS a
    FROM event_rollups r
    WHERE ${tenantCondition(scope, "r")} AND r.dimension = ${dimension}
      AND r.bucket >= ${hours.from}::timestamptz AND r.bucket < ${hours.to}::timestamptz
      ${scope.event === undefined ? sql`` : sql`AND r.name = ${scope.event}`}
      ${rollupFilters.length ? sql`AND ${join(rollupFilters, " AND ")}` : sql``}`;
  const rawDim = grouping.dimension ? dimensionText(grouping.dimension, "e") : sql`NULL::text`;
  const rawRows = unrolledEventsSql(
    scope,
    watermark,
    sql`${bucketOf(sql`e.timestamp`)} AS b, ${rawDim} AS dim, 1::bigint AS n, ${unique ? actorHash("e") : sql`NULL::bigint`} AS a`,
  );
  return sql`(${rollupRows} UNION ALL ${rawRows}) u`;
}

/**
 * The range's whole hours (lib/query/edge-hours.ts) outside its whole local days, as two disjoint
 * ranges of `bucket` the index reads directly: a whole-day range has none, a range inside one day
 * (its first whole day starting after its last) only the first. The bounds are expressions of
 * constants, not columns of a CTE joined in: the planner then reads them as index conditions and
 * estimates them (joined in, a whole-day range scanned every hourly row of the dimension, 85k rows,
 * to keep none; and a misestimated tail hashed all of project_actors).
 */
function partialDayHoursSql(scope: QueryScope, bucket: Sql): Sql {
  const hours = rolledHours(scope);
  const days = wholeDayBounds(scope);
  const from = sql`${hours.from}::timestamptz`;
  const to = sql`${hours.to}::timestamptz`;
  return sql`((${bucket} >= ${from} AND ${bucket} < least(${days.from}, ${to}))
    OR (${bucket} >= greatest(${days.to}, ${days.from}, ${from}) AND ${bucket} < ${to}))`;
}

/**
 * Unique users by day, week, month or over the whole range, from the daily actor bitmaps: whole
 * local days from event_actor_bitmaps, the hours at either end of the range that are not whole days
 * from the hourly rollups, and what arrived after the watermark from raw events, those two turned
 * into bitmaps on the fly. A bucket's count is the bit count of the OR of its bitmaps, chunk by chunk.
 */
function dailyUniqueUsersSql(watermark: string, scope: QueryScope, grouping: Grouping): Sql {
  const tz = scope.timezone;
  const bucketOf = (time: Sql) =>
    grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${tz})` : sql`NULL::timestamptz`;
  const namesOf = (alias: string) => {
    const column = trusted(`${alias}.name`);
    return [
      scope.event === undefined ? sql`TRUE` : sql`${column} = ${scope.event}`,
      ...scope.filters.map((f) => textFilterCondition(f, column)),
    ];
  };
  // '' holds every event's actors; a name filter must OR the matching names' own bitmaps instead.
  const dailyNames =
    scope.event === undefined && scope.filters.length === 0
      ? sql`x.name = ''`
      : join([sql`x.name <> ''`, ...namesOf("x")], " AND ");
  const dayStart = sql`(x.day::timestamp AT TIME ZONE ${tz})`;
  return sql`
    WITH days AS (
      SELECT ${bucketOf(dayStart)} AS b, x.chunk, x.bits
      FROM event_actor_bitmaps x
      WHERE ${tenantCondition(scope, "x")} AND x.timezone = ${tz} AND ${wholeDaysCondition(scope, sql`x.day`)} AND ${dailyNames}
    ),
    extra AS (
      SELECT ${bucketOf(sql`r.bucket`)} AS b, unnest(r.actors) AS a
      FROM event_rollups r
      WHERE ${tenantCondition(scope, "r")} AND r.dimension = '' AND ${partialDayHoursSql(scope, sql`r.bucket`)} AND ${join(namesOf("r"), " AND ")}
      UNION ALL
      ${unrolledEventsSql(scope, watermark, sql`${bucketOf(sql`e.timestamp`)}, ${actorHash("e")}`)}
    ),
    numbered AS (${numberedActorsSql(scope, "extra", ["b"])}),
    extra_bitmaps AS (${trusted(bitmapsFromNumbersSql("numbered", ["b"]))}),
    unions AS (
      SELECT u.b, bit_or(u.bits) AS bits
      FROM (SELECT b, chunk, bits FROM days UNION ALL SELECT b, chunk, bits FROM extra_bitmaps) u
      GROUP BY u.b, u.chunk
    )
    SELECT b AS bucket, NULL::text AS dim, false AS is_other, sum(bit_count(bits))::float8 AS value
    FROM unions
    GROUP BY b
    HAVING sum(bit_count(bits)) > 0`;
}

/**
 * Unique users per value of one rolled dimension (or of the values its filters keep, together), by
 * day, week, month or over the range: whole local days from dimension_actor_bitmaps, the partial
 * days at the ends from the hourly rollups and the arrivals after the watermark from raw events,
 * both turned into bitmaps on the fly. A group's count is the bit count of the OR of its bitmaps:
 * the cost follows the bitmaps' chunks, not the number of visitors. Returns the CTEs and the rows
 * (b, v, chunk, bits) they yield, v being the value when `byValue`.
 */
function dailyUniqueUsersByValueRows(
  watermark: string,
  scope: QueryScope,
  interval: Grouping["interval"],
  dimension: RolledDimension,
  byValue: boolean,
): { ctes: Sql; rows: Sql } {
  const tz = scope.timezone;
  const bucketOf = (time: Sql) => (interval ? sql`date_trunc(${interval}, ${time}, ${tz})` : sql`NULL::timestamptz`);
  const valueFilters = (column: Sql) =>
    join([sql`TRUE`, ...scope.filters.map((f) => storedTextFilterCondition(f, column))], " AND ");
  const valueIf = (value: Sql) => (byValue ? value : sql`NULL::text`);
  const dayStart = sql`(x.day::timestamp AT TIME ZONE ${tz})`;
  const ctes = sql`
    days AS (
      SELECT ${bucketOf(dayStart)} AS b, ${valueIf(sql`NULLIF(x.value, '')`)} AS v, x.chunk, x.bits
      FROM dimension_actor_bitmaps x
      WHERE ${tenantCondition(scope, "x")} AND x.timezone = ${tz} AND x.dimension = ${dimension}
        AND ${wholeDaysCondition(scope, sql`x.day`)} AND ${valueFilters(sql`x.value`)}
    ),
    extra AS (
      SELECT ${bucketOf(sql`r.bucket`)} AS b, ${valueIf(sql`NULLIF(r.value, '')`)} AS v, unnest(r.actors) AS a
      FROM event_rollups r
      WHERE ${tenantCondition(scope, "r")} AND r.dimension = ${dimension} AND ${partialDayHoursSql(scope, sql`r.bucket`)}
        AND ${valueFilters(sql`r.value`)}
      UNION ALL
      ${unrolledEventsSql(scope, watermark, sql`${bucketOf(sql`e.timestamp`)}, ${valueIf(dimensionText(dimension, "e"))}, ${actorHash("e")}`)}
    ),
    numbered AS (${numberedActorsSql(scope, "extra", ["b", "v"])}),
    extra_bitmaps AS (${trusted(bitmapsFromNumbersSql("numbered", ["b", "v"]))})`;
  return {
    ctes,
    rows: sql`(SELECT b, v, chunk, bits FROM days UNION ALL SELECT b, v, chunk, bits FROM extra_bitmaps)`,
  };
}
