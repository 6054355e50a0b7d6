// metric: one number, the same number for the previous period of equal length, and the change.
import "server-only";
import type pg from "pg";
import { type GroupedSql, groupedMeasureSql } from "../measure";
import { previousRange } from "../range";
import type { MetricResult } from "../results";
import type { MetricQuery } from "../schemas";
import type { QueryScope } from "../scope";

type Db = Pick<pg.Pool, "query">;

async function metricValue(db: Db, grouped: GroupedSql, scope: QueryScope, query: MetricQuery): Promise<number | null> {
  const { rows } = await db.query<{ value: number | null }>(grouped(scope, query.measure, {}).toQuery());
  const value = rows[0]?.value ?? null;
  // No matching events: counts are 0, averages and rates undefined.
  return value ?? (["count", "unique_users", "sessions", "sum"].includes(query.measure.type) ? 0 : null);
}

export async function runMetric(
  db: Db,
  scope: QueryScope,
  query: MetricQuery,
  grouped: GroupedSql = groupedMeasureSql,
): Promise<MetricResult> {
  const previous = query.compare ? previousRange(scope) : null;
  const [value, previousValue] = await Promise.all([
    metricValue(db, grouped, scope, query),
    previous ? metricValue(db, grouped, { ...scope, ...previous }, query) : Promise.resolve(null),
  ]);
  const change = value !== null && previousValue ? (value - previousValue) / previousValue : null;
  return {
    kind: "metric",
    value,
    previous: previousValue,
    change,
    previous_range: previous ? { from: previous.from.toISOString(), to: previous.to.toISOString() } : null,
  };
}
