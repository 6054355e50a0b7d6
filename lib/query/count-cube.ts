// Answering count measures from event_counts_daily (lib/query/count-cube-refresh.ts): trends by
// day, week or month, metrics and breakdowns whose filters and breakdown are on the event name and
// the rolled dimensions, in any combination, in the project's time zone: its whole local days from
// the counts; what arrived after the rollup watermark, and the partial days at either end of a range
// (edge-days.ts), raw in the same snapshot, so the answer is the raw-event answer. Used where the hourly rollups cannot answer (a filter on another dimension
// than the breakdown's, two filters): a few thousand rows a day instead of the events.
import "server-only";
import type pg from "pg";
import { undailiedEventsSql, wholeDaysCondition } from "./edge-days";
import { dimensionText, groupByOf, TEXT_FILTER_OPERATORS, textFilterCondition } from "./fields";
import { type GroupedSql, type Grouping, topGroup } from "./measure";
import { ROLLED_DIMENSIONS } from "./rollups";
import {
  CONVERSION_FIELD,
  type Dimension,
  type Filter,
  GOAL_FIELD,
  type Measure,
  type QueryDefinition,
} from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";

export interface CountCubePlan {
  /** The rollup watermark (the counts are folded with the hourly rollups), as exact text. */
  watermark: string;
}

/** A dimension's value in the counts table (alias c), NULL for none; null when the table does not hold it. */
function cubeValue(dimension: Dimension): Sql | null {
  if (dimension === "event") return sql`c.name`;
  if (dimension in ROLLED_DIMENSIONS) return trusted(`NULLIF(c.${dimension}, '')`);
  return null;
}

// A conversion filter ("performed", "goal") is about actors, not events: never the counts' (run-query.ts does not ask them).
const cubeField = (filter: Filter): Sql | null =>
  filter.field === CONVERSION_FIELD || filter.field === GOAL_FIELD ? null : cubeValue(filter.field);

const isCubeFilter = (filter: Filter) => cubeField(filter) !== null && TEXT_FILTER_OPERATORS.has(filter.op);

/** The counts answer a count in their time zone, filtered and grouped on the name and rolled dimensions. */
export async function countCubePlanIfAnswerable(
  db: Pick<pg.Pool, "query">,
  scope: QueryScope,
  query: QueryDefinition,
): Promise<CountCubePlan | null> {
  if (query.kind !== "trend" && query.kind !== "metric" && query.kind !== "breakdown") return null;
  if (query.measure.type !== "count" || (query.kind === "trend" && query.interval === "hour")) return null;
  const groupBy = groupByOf(query);
  if (groupBy !== undefined && cubeValue(groupBy) === null) return null;
  if (!scope.filters.every(isCubeFilter)) return null;
  const { rows } = await db.query<{ built: boolean; watermark: string | null }>(
    sql`SELECT EXISTS (SELECT 1 FROM event_counts_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone}) AS built,
        (SELECT watermark::text FROM rollup_state WHERE id = 1 AND isfinite(watermark)) AS watermark`.toQuery(),
  );
  const row = rows[0];
  return row?.built && row.watermark ? { watermark: row.watermark } : null;
}

/** Rows (bucket, dim, is_other, value) like groupedMeasureSql's, for a count. */
export const countCubeGroupedSql =
  ({ watermark }: CountCubePlan): GroupedSql =>
  (scope: QueryScope, measure: Measure, grouping: Grouping): Sql => {
    const cubeDim = grouping.dimension ? cubeValue(grouping.dimension) : sql`NULL::text`;
    if (measure.type !== "count" || grouping.interval === "hour" || !cubeDim || !scope.filters.every(isCubeFilter))
      throw new Error("query not answerable from the daily counts");
    const tz = scope.timezone;
    const bucketOf = (time: Sql) =>
      grouping.interval ? sql`date_trunc(${grouping.interval}, ${time}, ${tz})` : sql`NULL::timestamptz`;
    const conditions = [
      tenantCondition(scope, "c"),
      sql`c.timezone = ${tz} AND ${wholeDaysCondition(scope, sql`c.day`)}`,
      ...(scope.event === undefined ? [] : [sql`c.name = ${scope.event}`]),
      ...scope.filters.map((f) => textFilterCondition(f, cubeField(f)!)),
    ];
    const rawDim = grouping.dimension ? dimensionText(grouping.dimension, "e") : sql`NULL::text`;
    let dimSelect: Sql = sql`u.dim`;
    let isOther: Sql = sql`false`;
    if (grouping.top) {
      const { inTop } = topGroup(sql`u.dim`, grouping.top);
      dimSelect = sql`CASE WHEN ${inTop} THEN u.dim END`;
      isOther = sql`NOT ${inTop}`;
    }
    return sql`
      SELECT u.b AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, sum(u.n)::float8 AS value
      FROM (
        SELECT ${bucketOf(sql`(c.day::timestamp AT TIME ZONE ${tz})`)} AS b, ${cubeDim} AS dim, c.events AS n
        FROM event_counts_daily c
        WHERE ${join(conditions, " AND ")}
        UNION ALL
        ${undailiedEventsSql(scope, watermark, sql`${bucketOf(sql`e.timestamp`)}, ${rawDim}, 1`)}
      ) u
      GROUP BY 1, 2, 3
      HAVING sum(u.n) > 0`;
  };
