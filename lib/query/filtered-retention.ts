// Retention under drill-down filters (an embed locking a country, a viewer picking a device): a
// period's starters are the actors who did the start event matching the filters in it, its returners
// those who did the return event matching them, which is what unique users by period under those
// filters count (filtered-visitors.ts: the daily per-value bitmaps ANDed, the mixed actors from their
// own events, partial days and arrivals raw). So the sets are taken before they are counted and
// retention's cohorts are made of them as from the unfiltered daily bitmaps (kinds/retention.ts).
// Conversion and visitor type filters are left to raw events: they keep the actors of the query's
// range, which a return period starting before it does not share.
import "server-only";
import type pg from "pg";
import { isActorSetFilter } from "./conversion-filter";
import { actorHash } from "./fields";
import { filteredVisitorSetsSql, filteredVisitorsPlanIfAnswerable } from "./filtered-visitors";
import { retentionRangeHeldSql } from "./rollups";
import { type QueryDefinition, type RetentionQuery, trendQuerySchema } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { type Sql, sql } from "./sql";

/**
 * The rollup watermark when the filtered intersections answer this retention query: filters they
 * hold for both its events, a range from one local midnight to another, the zone whole-hour
 * throughout; else null.
 */
export async function filteredRetentionWatermark(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<string | null> {
  if (query.kind !== "retention" || scope.filters.length === 0) return null;
  if (scope.filters.some(isActorSetFilter)) return null;
  const byPeriod = trendQuerySchema.parse({
    kind: "trend",
    interval: query.period,
    measure: { type: "unique_users" },
    filters: scope.filters,
  });
  let watermark: string | null = null;
  for (const event of [query.start_event, query.return_event]) {
    const plan = await filteredVisitorsPlanIfAnswerable(db, { ...scope, event }, byPeriod);
    if (!plan) return null;
    watermark = plan.watermark;
  }
  const { rows } = await db.query<{ held: boolean }>(
    sql`SELECT ${retentionRangeHeldSql(scope, query)} AS held`.toQuery(),
  );
  return rows[0]?.held ? watermark : null;
}

/**
 * The CTE `per (p, role, chunk, bits)`: each period's starters (start events from the range's
 * start) and returners (return events from its first period's start, `periodsFrom`) under the
 * scope's filters.
 */
export function filteredPeriodsSql(
  scope: QueryScope,
  query: RetentionQuery,
  watermark: string,
  periodsFrom: Date,
): Sql {
  // Actors not numbered yet (arrived after the watermark) get one number on both sides.
  const arrived = sql`SELECT ${actorHash("e")} AS a FROM events e
    WHERE ${tenantCondition(scope, "e")} AND e.received_at > ${watermark}::timestamptz AND e.actor IS NOT NULL
      AND e.name IN (${query.start_event}, ${query.return_event})
      AND e.timestamp >= ${periodsFrom}::timestamptz AND e.timestamp < ${scope.to}::timestamptz`;
  const starters = filteredVisitorSetsSql(watermark, { ...scope, event: query.start_event }, query.period, arrived);
  const returners = filteredVisitorSetsSql(
    watermark,
    { ...scope, event: query.return_event, from: periodsFrom },
    query.period,
    arrived,
  );
  return sql`
    per AS (
      SELECT m.p, m.role, m.chunk, bit_or(m.bits) AS bits
      FROM (
        SELECT s.b AS p, 'start' AS role, s.chunk, s.bits FROM ${starters} s
        UNION ALL
        SELECT r.b, 'return', r.chunk, r.bits FROM ${returners} r
      ) m
      GROUP BY 1, 2, 3
    )`;
}
