// Which source answers a trend, metric or breakdown: the first of the derived sources that can
// answer it exactly (each checks the query's shape and its own completeness in the query's
// snapshot), else raw events. Every source yields the same rows (bucket, dim, is_other, value).
import "server-only";
import type pg from "pg";
import { countCubeGroupedSql, countCubePlanIfAnswerable } from "./count-cube";
import { filteredVisitorsGroupedSql, filteredVisitorsPlanIfAnswerable } from "./filtered-visitors";
import { type GroupedSql, groupedMeasureSql } from "./measure";
import { rollupGroupedSql, rollupPlanIfAnswerable } from "./rollups";
import type { QueryDefinition } from "./schemas";
import type { QueryScope } from "./scope";
import { sessionRollupGroupedSql, sessionRollupPlanIfAnswerable } from "./session-rollups";

export interface GroupedSource {
  grouped: GroupedSql;
  /** Whether a derived source answers (reported as meta.rollups). */
  rollups: boolean;
}

type Db = Pick<pg.Pool, "query">;

/**
 * In order of preference: unique users from intersections of the daily per-value bitmaps (when
 * filtered on another dimension than the one broken down by, or on several), the hourly rollups (a
 * rolled dimension's own rows and bitmaps), the daily counts (any combination of rolled dimensions,
 * whole days), the session rollups, raw events.
 */
const planners: ((db: Db, scope: QueryScope, query: QueryDefinition) => Promise<GroupedSql | null>)[] = [
  async (db, scope, query) => {
    const plan = await filteredVisitorsPlanIfAnswerable(db, scope, query);
    return plan && filteredVisitorsGroupedSql(plan);
  },
  async (db, scope, query) => {
    const plan = await rollupPlanIfAnswerable(db, scope, query);
    return plan && rollupGroupedSql(plan);
  },
  async (db, scope, query) => {
    const plan = await countCubePlanIfAnswerable(db, scope, query);
    return plan && countCubeGroupedSql(plan);
  },
  async (db, scope, query) => {
    const plan = await sessionRollupPlanIfAnswerable(db, scope, query);
    return plan && sessionRollupGroupedSql(plan);
  },
];

export async function groupedSourceFor(db: Db, scope: QueryScope, query: QueryDefinition): Promise<GroupedSource> {
  for (const plan of planners) {
    const grouped = await plan(db, scope, query);
    if (grouped) return { grouped, rollups: true };
  }
  return { grouped: groupedMeasureSql, rollups: false };
}
