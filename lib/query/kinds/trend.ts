// trend: a measure per time bucket (empty buckets are zero, buckets still to come null), optionally
// split into top-N series + "other", and with `compare` the previous period bucket by bucket.
import "server-only";
import type pg from "pg";
import { type GroupedSql, groupedMeasureSql, type Interval, topValuesSql } from "../measure";
import { emptyValueOf } from "../measure-semantics";
import type { ComparisonRange } from "../range";
import type { TrendResult } from "../results";
import type { TrendQuery } from "../schemas";
import type { QueryScope } from "../scope";
import { sql } from "../sql";
import { seriesInZone } from "../zone-time";

type Db = Pick<pg.Pool, "query">;
type Bucket = TrendResult["buckets"][number];
type Series = TrendResult["series"][number];

/** Every bucket of the range in the time zone, DST included. */
export async function bucketsOf(db: Db, scope: QueryScope, interval: Interval): Promise<Bucket[]> {
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

/**
 * A bucket's position from the first, counted on the local clock (its label): the i-th hour, day,
 * week or month of a period. Previous and current buckets with the same position are compared, so
 * a day that DST shortens still lines 15:00 up with 15:00, and March's 31st day has no February one.
 */
function position(label: string, first: string, interval: Interval): number {
  const wall = (l: string) => Date.parse(`${l}:00Z`);
  const hours = (wall(label) - wall(first)) / 3_600_000;
  switch (interval) {
    case "hour":
      return hours;
    case "day":
      return Math.round(hours / 24);
    case "week":
      return Math.round(hours / (24 * 7));
    case "month":
      return (
        (Number(label.slice(0, 4)) - Number(first.slice(0, 4))) * 12 +
        Number(label.slice(5, 7)) -
        Number(first.slice(5, 7))
      );
  }
}

/** The measure per bucket of `scope`, one series per key of `keys` (top values, then "other"). */
async function seriesOf(
  db: Db,
  groupedSql: GroupedSql,
  scope: QueryScope,
  query: TrendQuery,
  buckets: Bucket[],
  top: (string | null)[] | undefined,
  keys?: { key: string | null; other: boolean }[],
): Promise<Series[]> {
  const index = new Map(buckets.map((b, i) => [b.start, i]));
  const grouped = groupedSql(scope, query.measure, {
    interval: query.interval,
    dimension: query.breakdown?.dimension,
    top,
  });
  const [{ rows }, totals] = await Promise.all([
    db.query<Row>(grouped.toQuery()),
    db.query<Row>(groupedSql(scope, query.measure, { dimension: query.breakdown?.dimension, top }).toQuery()),
  ]);
  const seriesKeys = keys ?? [
    ...(query.breakdown ? (top ?? []) : [null]).map((key) => ({ key, other: false })),
    ...(query.breakdown && rows.some((r) => r.is_other) ? [{ key: null, other: true }] : []),
  ];
  const fill = emptyValueOf(query.measure.type);
  return seriesKeys.map(({ key, other }) => {
    const values: (number | null)[] = buckets.map(() => fill);
    for (const row of rows) {
      if (row.is_other !== other || (!other && row.dim !== key) || !row.bucket) continue;
      const i = index.get(row.bucket.toISOString());
      if (i !== undefined) values[i] = row.value;
    }
    const totalRow = totals.rows.find((r) => r.is_other === other && (other || r.dim === key));
    return { key, other, values, total: totalRow?.value ?? fill };
  });
}

export async function runTrend(
  db: Db,
  scope: QueryScope,
  query: TrendQuery,
  now: Date,
  comparison: ComparisonRange,
  groupedSql: GroupedSql = groupedMeasureSql,
): Promise<TrendResult> {
  const buckets = await bucketsOf(db, scope, query.interval);
  let top: (string | null)[] | undefined;
  if (query.breakdown) {
    const { rows } = await db.query<{ dim: string | null }>(
      topValuesSql(groupedSql, scope, query.measure, query.breakdown.dimension, query.breakdown.limit).toQuery(),
    );
    top = rows.map((r) => r.dim);
  }
  const series = await seriesOf(db, groupedSql, scope, query, buckets, top);
  // Buckets still to come have no value yet: blank, not a fall to zero.
  const future = buckets.map((b) => Date.parse(b.start) >= now.getTime());
  for (const s of series) s.values = s.values.map((v, i) => (future[i] ? null : v));
  const result: TrendResult = {
    kind: "trend",
    interval: query.interval,
    dimension: query.breakdown?.dimension ?? null,
    buckets,
    series,
  };
  if (!query.compare) return result;

  const previousScope = { ...scope, from: comparison.from, to: comparison.to };
  const previousBuckets = await bucketsOf(db, previousScope, query.interval);
  const previousSeries = await seriesOf(db, groupedSql, previousScope, query, previousBuckets, top, series);
  const firstCurrent = buckets[0]?.label ?? "";
  const firstPrevious = previousBuckets[0]?.label ?? "";
  const byPosition = new Map(previousBuckets.map((b, i) => [position(b.label, firstPrevious, query.interval), i]));
  const counterpart = buckets.map((b) => byPosition.get(position(b.label, firstCurrent, query.interval)));
  result.previous = {
    range: { from: comparison.from.toISOString(), to: comparison.to.toISOString() },
    buckets: counterpart.map((i) => (i === undefined ? null : previousBuckets[i]!)),
    series: previousSeries.map((s) => ({
      ...s,
      values: counterpart.map((i) => (i === undefined ? null : (s.values[i] ?? null))),
    })),
  };
  return result;
}
