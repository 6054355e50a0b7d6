// metric: one number and, to compare, the same number over the comparable part of the previous
// period (lib/query/range.ts: the whole previous period once the range is over, else as far into it
// as now is into the range), and the change (relative, or in percentage points for rates).
import "server-only";
import type pg from "pg";
import { type GroupedSql, groupedMeasureSql } from "../measure";
import { changeOf, changeUnitOf, emptyValueOf } from "../measure-semantics";
import type { ComparisonRange } from "../range";
import type { MetricResult } from "../results";
import type { MetricQuery } from "../schemas";
import type { QueryScope } from "../scope";

type Db = Pick<pg.Pool, "query">;

async function metricValue(db: Db, grouped: GroupedSql, scope: QueryScope, query: MetricQuery): Promise<number | null> {
  const { rows } = await db.query<{ value: number | null }>(grouped(scope, query.measure, {}).toQuery());
  const value = rows[0]?.value ?? null;
  // No matching events: counts are 0, averages and rates undefined.
  return value ?? emptyValueOf(query.measure.type);
}

export async function runMetric(
  db: Db,
  scope: QueryScope,
  query: MetricQuery,
  comparison: ComparisonRange,
  grouped: GroupedSql = groupedMeasureSql,
): Promise<MetricResult> {
  const previous = query.compare ? { from: comparison.from, to: comparison.comparableTo } : null;
  const [value, previousValue] = await Promise.all([
    metricValue(db, grouped, scope, query),
    previous ? metricValue(db, grouped, { ...scope, ...previous }, query) : Promise.resolve(null),
  ]);
  return {
    kind: "metric",
    value,
    previous: previousValue,
    change: changeOf(query.measure.type, value, previousValue),
    change_unit: changeUnitOf(query.measure.type),
    previous_range: previous ? { from: previous.from.toISOString(), to: previous.to.toISOString() } : null,
  };
}
