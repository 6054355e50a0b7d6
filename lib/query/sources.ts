// Which source answers a trend, metric or breakdown: the first of the derived sources that can
// answer it exactly (each checks the query's shape and its own completeness in the query's
// snapshot), else raw events. Every source yields the same rows (bucket, dim, is_other, value).
import "server-only";
import type pg from "pg";
import { isActorSetFilter } from "./conversion-filter";
import { countCubeGroupedSql, countCubePlanIfAnswerable } from "./count-cube";
import { countSlicesGroupedSql, countSlicesPlanIfAnswerable } from "./count-slices";
import { filteredVisitorsGroupedSql, filteredVisitorsPlanIfAnswerable } from "./filtered-visitors";
import {
  isFilteredScope,
  keepsNewcomers,
  readFirstSeenWatermark,
  visitorsQueryOf,
  visitorTypeAnswerable,
  visitorTypeGroupedSql,
  withNewcomersFilter,
} from "./first-seen";
import { type GroupedSql, groupedMeasureSql } from "./measure";
import { hasNarrowingFilter, readPropertyWatermark } from "./property-events";
import { rollupGroupedSql, rollupPlanIfAnswerable, wholeHoursThroughout } from "./rollups";
import type { QueryDefinition } from "./schemas";
import type { QueryScope } from "./scope";
import { sessionRollupGroupedSql, sessionRollupPlanIfAnswerable } from "./session-rollups";

export interface GroupedSource {
  grouped: GroupedSql;
  /** Whether a derived source answers (reported as meta.rollups). */
  rollups: boolean;
  /**
   * Whether the answer comes from aggregates alone, so retention keeps its range back to the
   * aggregate horizon (lib/privacy/retention-clamp.ts); the session rollups read id-less sessions raw.
   */
  fromAggregates: boolean;
}

export const RAW_SOURCE: GroupedSource = { grouped: groupedMeasureSql, rollups: false, fromAggregates: false };

type Db = Pick<pg.Pool, "query">;

interface Planner {
  plan: (db: Db, scope: QueryScope, query: QueryDefinition) => Promise<GroupedSql | null>;
  fromAggregates: boolean;
  /** Whether it keeps actors, so it may answer under a conversion or visitor filter (the others are not asked). */
  keepsActors?: boolean;
}

/**
 * In order of preference: new and returning visitors from first seen and the range's visitors (any
 * source of unique users below), unique users from intersections of the daily per-value bitmaps (when
 * filtered on another dimension than the one broken down by, or on several), counts under conversion
 * and visitor type filters from the per-actor count slices, the hourly rollups (a rolled dimension's
 * own rows and bitmaps), the daily counts (any combination of rolled dimensions), the session
 * rollups, raw events narrowed to a property filter's events, raw events; under a conversion or
 * visitor filter only those that keep actors. The hourly sources read a range's partial hours raw
 * (edge-hours.ts), the daily ones its partial days (edge-days.ts).
 */
const planners: Planner[] = [
  {
    plan: async (db, scope, query) => {
      if (!visitorTypeAnswerable(scope, query)) return null;
      // New visitors are counted by UTC hour: a trend's local buckets need whole-hour offsets.
      if (query.kind === "trend" && !(await wholeHoursThroughout(db, scope))) return null;
      const watermark = scope.firstSeenWatermark ?? (await readFirstSeenWatermark(db));
      const visitorsQuery = visitorsQueryOf(query);
      const visitors = await groupedSourceFor(db, [scope], visitorsQuery);
      if (!isFilteredScope(scope)) return visitorTypeGroupedSql(visitors.grouped, watermark);
      if (!keepsNewcomers(scope)) return visitorTypeGroupedSql(visitors.grouped, watermark, "none");
      // Under filters only where a derived source counts the new visitors: raw events answer the whole query at once.
      const newcomers = await groupedSourceFor(
        db,
        [withNewcomersFilter({ ...scope, firstSeenWatermark: watermark })],
        withNewcomersFilter(visitorsQuery),
      );
      return newcomers.rollups ? visitorTypeGroupedSql(visitors.grouped, watermark, newcomers.grouped) : null;
    },
    // The range's visitors may come from raw events (and first seen keeps no more than they do).
    fromAggregates: false,
    // It asks the sources below with the query's filters (a visitor type filter's too).
    keepsActors: true,
  },
  {
    plan: async (db, scope, query) => {
      const plan = await filteredVisitorsPlanIfAnswerable(db, scope, query);
      return plan && filteredVisitorsGroupedSql(plan);
    },
    fromAggregates: true,
    keepsActors: true,
  },
  {
    plan: async (db, scope, query) => {
      const plan = await countSlicesPlanIfAnswerable(db, scope, query);
      return plan && countSlicesGroupedSql(plan);
    },
    fromAggregates: true,
    keepsActors: true,
  },
  {
    plan: async (db, scope, query) => {
      const plan = await rollupPlanIfAnswerable(db, scope, query);
      return plan && rollupGroupedSql(plan);
    },
    fromAggregates: true,
  },
  {
    plan: async (db, scope, query) => {
      const plan = await countCubePlanIfAnswerable(db, scope, query);
      return plan && countCubeGroupedSql(plan);
    },
    fromAggregates: true,
  },
  {
    plan: async (db, scope, query) => {
      const plan = await sessionRollupPlanIfAnswerable(db, scope, query);
      return plan && sessionRollupGroupedSql(plan);
    },
    fromAggregates: false,
  },
  {
    // Raw events still, only those a property filter can pass (property-events.ts).
    plan: async (db, scope) => {
      const watermark = hasNarrowingFilter(scope.filters) ? await readPropertyWatermark(db) : null;
      return watermark === null
        ? null
        : (at, measure, grouping) => groupedMeasureSql({ ...at, propertyWatermark: watermark }, measure, grouping);
    },
    fromAggregates: false,
    keepsActors: true,
  },
];

/**
 * The first source that answers the query over every one of `scopes` (the query's range, then the
 * previous periods it is compared with, which it reads through the same source: each source checks
 * what it needs of a range, the time zone's whole hours throughout for the hourly ones). Plans hold
 * only what the snapshot fixes (watermarks), so the first scope's serves them all.
 */
export async function groupedSourceFor(
  db: Db,
  [scope, ...others]: [QueryScope, ...QueryScope[]],
  query: QueryDefinition,
): Promise<GroupedSource> {
  const actorFiltered = query.filters.some(isActorSetFilter);
  for (const { plan, fromAggregates, keepsActors } of planners) {
    if (actorFiltered && !keepsActors) continue;
    const grouped = await plan(db, scope, query);
    if (!grouped) continue;
    let all = true;
    for (const other of others) all = all && (await plan(db, other, query)) !== null;
    if (all) return { grouped, rollups: true, fromAggregates };
  }
  return RAW_SOURCE;
}
