// trend: a measure per time bucket (empty buckets are zero), optionally split into top-N series + "other".
import "server-only";
import type pg from "pg";
import { type GroupedSql, groupedMeasureSql, type Interval, topValuesSql } from "../measure";
import type { TrendResult } from "../results";
import type { TrendQuery } from "../schemas";
import type { QueryScope } from "../scope";
import { sql } from "../sql";
import { seriesInZone } from "../zone-time";

type Db = Pick<pg.Pool, "query">;

/** Every bucket of the range in the time zone, DST included. */
export async function bucketsOf(db: Db, scope: QueryScope, interval: Interval): Promise<TrendResult["buckets"]> {
  const { rows } = await db.query<{ start: Date; label: string }>(
    sql`SELECT b AS start, to_char(b AT TIME ZONE ${scope.timezone}, 'YYYY-MM-DD"T"HH24:MI') AS label
        FROM ${seriesInZone(sql`date_trunc(${interval}, ${scope.from}::timestamptz, ${scope.timezone})`, sql`${scope.to}::timestamptz - interval '1 microsecond'`, interval, scope.timezone)} AS s(b)`.toQuery(),
  );
  return rows.map((r) => ({ start: r.start.toISOString(), label: r.label }));
}

interface Row {
  bucket: Date | null;
  dim: string | null;
  is_other: boolean;
  value: number | null;
}

/** Measures that are zero when nothing happened; averages and rates are undefined instead. */
function emptyValue(query: TrendQuery): number | null {
  return ["count", "unique_users", "sessions", "sum"].includes(query.measure.type) ? 0 : null;
}

export async function runTrend(
  db: Db,
  scope: QueryScope,
  query: TrendQuery,
  groupedSql: GroupedSql = groupedMeasureSql,
): Promise<TrendResult> {
  const buckets = await bucketsOf(db, scope, query.interval);
  const index = new Map(buckets.map((b, i) => [b.start, i]));
  let top: (string | null)[] | undefined;
  if (query.breakdown) {
    const { rows } = await db.query<{ dim: string | null }>(
      topValuesSql(groupedSql, scope, query.measure, query.breakdown.dimension, query.breakdown.limit).toQuery(),
    );
    top = rows.map((r) => r.dim);
  }
  const grouped = groupedSql(scope, query.measure, {
    interval: query.interval,
    dimension: query.breakdown?.dimension,
    top,
  });
  const [{ rows }, totals] = await Promise.all([
    db.query<Row>(grouped.toQuery()),
    db.query<Row>(groupedSql(scope, query.measure, { dimension: query.breakdown?.dimension, top }).toQuery()),
  ]);
  const keys: { key: string | null; other: boolean }[] = query.breakdown
    ? [...(top ?? []).map((key) => ({ key, other: false }))]
    : [{ key: null, other: false }];
  if (query.breakdown && rows.some((r) => r.is_other)) keys.push({ key: null, other: true });
  const fill = emptyValue(query);
  const series = keys.map(({ key, other }) => {
    const values: (number | null)[] = buckets.map(() => fill);
    for (const row of rows) {
      if (row.is_other !== other || (!other && row.dim !== key) || !row.bucket) continue;
      const i = index.get(row.bucket.toISOString());
      if (i !== undefined) values[i] = row.value;
    }
    const totalRow = totals.rows.find((r) => r.is_other === other && (other || r.dim === key));
    return { key, other, values, total: totalRow?.value ?? fill };
  });
  return {
    kind: "trend",
    interval: query.interval,
    dimension: query.breakdown?.dimension ?? null,
    buckets,
    series,
  };
}
