// breakdown: a measure by dimension value, sorted, the top N and everything else as "other".
import "server-only";
import type pg from "pg";
import { countTopAndOtherSql, type GroupedSql, groupedMeasureSql, topValuesSql } from "../measure";
import type { BreakdownResult } from "../results";
import type { BreakdownQuery } from "../schemas";
import type { QueryScope } from "../scope";

type Db = Pick<pg.Pool, "query">;

export async function runBreakdown(
  db: Db,
  scope: QueryScope,
  query: BreakdownQuery,
  grouped: GroupedSql = groupedMeasureSql,
): Promise<BreakdownResult> {
  // Derived sources answer top values and "other" in one statement where they can (raw events stay
  // the two-statement reference the derived answers are tested against).
  const args = [scope, query.measure, query.dimension, query.limit, query.sort] as const;
  const combined =
    grouped === groupedMeasureSql ? null : (grouped.topAndOther?.(...args) ?? countTopAndOtherSql(grouped)(...args));
  if (combined) {
    const { rows } = await db.query<{ dim: string | null; value: number | null; is_other: boolean }>(
      combined.toQuery(),
    );
    return {
      kind: "breakdown",
      dimension: query.dimension,
      rows: rows.filter((r) => !r.is_other).map((r) => ({ value: r.dim, measure: r.value })),
      other: rows.find((r) => r.is_other)?.value ?? null,
    };
  }
  const { rows: top } = await db.query<{ dim: string | null; value: number | null }>(
    topValuesSql(grouped, scope, query.measure, query.dimension, query.limit, query.sort).toQuery(),
  );
  // Everything outside the top values, measured as one group (for unique users this is not a sum).
  const { rows } = await db.query<{ is_other: boolean; value: number | null }>(
    grouped(scope, query.measure, { dimension: query.dimension, top: top.map((r) => r.dim) }).toQuery(),
  );
  const other = rows.find((r) => r.is_other)?.value ?? null;
  return {
    kind: "breakdown",
    dimension: query.dimension,
    rows: top.map((r) => ({ value: r.dim, measure: r.value })),
    other,
  };
}
