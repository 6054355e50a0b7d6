// vitals: lumen-vitals.js's web_vitals events (one per page load), per page, device or browser:
// p50/p75/p95 of each metric (interpolated, PostgreSQL's percentile_cont, as the web-vitals
// tooling reports a p75) and the shares of page loads rated good / needs improvement / poor by the
// published thresholds (lib/query/vital-thresholds.ts). A metric counts where the event carries it
// as a non-negative JSON number; anything else is left out of that metric only.
import "server-only";
import type pg from "pg";
import { VITALS_EVENT } from "./monitoring-events";
import { VITAL_METRICS, type VitalMetric, type VitalStats, type VitalsResult } from "./results";
import type { VitalsQuery } from "./schemas";
import { type QueryScope, scopeCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";
import { VITAL_THRESHOLDS } from "./vital-thresholds";

type Db = Pick<pg.Pool, "query">;

const groupColumn: Record<NonNullable<VitalsQuery["group_by"]>, string> = {
  page: "e.path",
  device: "e.device_type",
  browser: "e.browser",
};

/** The metric's value (metric names are the fixed VITAL_METRICS, never input). */
function metricValue(metric: VitalMetric): Sql {
  const json = trusted(`e.properties -> '${metric}'`);
  return sql`CASE WHEN jsonb_typeof(${json}) = 'number' AND (${json})::float8 >= 0 THEN (${json})::float8 END`;
}

function metricAggregates(metric: VitalMetric): Sql {
  const m = trusted(metric);
  const threshold = VITAL_THRESHOLDS[metric];
  const shares = threshold
    ? sql`count(*) FILTER (WHERE ${m} <= ${threshold.good}::float8) AS ${trusted(`${metric}_good`)},
          count(*) FILTER (WHERE ${m} > ${threshold.poor}::float8) AS ${trusted(`${metric}_poor`)}`
    : sql`NULL::bigint AS ${trusted(`${metric}_good`)}, NULL::bigint AS ${trusted(`${metric}_poor`)}`;
  return sql`count(${m}) AS ${trusted(`${metric}_n`)},
    percentile_cont(ARRAY[0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY ${m}) AS ${trusted(`${metric}_p`)},
    ${shares}`;
}

export function vitalsSql(scope: QueryScope, query: VitalsQuery): Sql {
  const group = query.group_by ? trusted(groupColumn[query.group_by]) : trusted("NULL::text");
  return sql`
    SELECT dim, count(*) AS samples, ${join(VITAL_METRICS.map(metricAggregates), ", ")}
    FROM (
      SELECT ${group} AS dim, ${join(
        VITAL_METRICS.map((metric) => sql`${metricValue(metric)} AS ${trusted(metric)}`),
        ", ",
      )}
      FROM events e
      WHERE ${scopeCondition({ ...scope, event: VITALS_EVENT })}
    ) v
    GROUP BY dim
    ORDER BY samples DESC, dim NULLS LAST
    LIMIT ${query.limit}`;
}

type Row = { dim: string | null; samples: string } & Record<string, string | number[] | null>;

/** Milliseconds to the millisecond; CLS to four decimals. */
const rounded = (metric: VitalMetric, value: number) =>
  metric === "cls" ? Math.round(value * 10_000) / 10_000 : Math.round(value);

function statsOf(row: Row, metric: VitalMetric): VitalStats | null {
  const samples = Number(row[`${metric}_n`]);
  const percentiles = row[`${metric}_p`] as number[] | null;
  if (!samples || !percentiles) return null;
  const [p50, p75, p95] = percentiles.map((p) => rounded(metric, p)) as [number, number, number];
  if (!VITAL_THRESHOLDS[metric]) return { samples, p50, p75, p95, good: null, needs_improvement: null, poor: null };
  const good = Number(row[`${metric}_good`]);
  const poor = Number(row[`${metric}_poor`]);
  return {
    samples,
    p50,
    p75,
    p95,
    good: good / samples,
    needs_improvement: (samples - good - poor) / samples,
    poor: poor / samples,
  };
}

export async function runVitals(db: Db, scope: QueryScope, query: VitalsQuery): Promise<VitalsResult> {
  const { rows } = await db.query<Row>(vitalsSql(scope, query).toQuery());
  return {
    kind: "vitals",
    group_by: query.group_by ?? null,
    rows: rows.map((row) => ({
      value: row.dim,
      samples: Number(row.samples),
      metrics: Object.fromEntries(
        VITAL_METRICS.map((metric) => [metric, statsOf(row, metric)]),
      ) as VitalsResult["rows"][number]["metrics"],
    })),
  };
}
