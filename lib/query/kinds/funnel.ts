// funnel: users who did step 1, then step 2 after it, ... each step within the conversion window
// counted from the user's first step-1 event in the range. Later steps may fall up to one window
// past the range's end, so a conversion that started in range is not cut off.
import "server-only";
import type pg from "pg";
import { allFiltersCondition, eventFilters } from "../conversion-filter";
import { actorHash } from "../fields";
import { firstSeenJoinSql, groupingDimensionSql } from "../first-seen";
import type { FunnelResult, FunnelStepResult } from "../results";
import type { FunnelQuery } from "../schemas";
import { type QueryScope, scopeCondition, tenantCondition } from "../scope";
import { isSessionDimension, sessionEventsSql } from "../session-dimensions";
import { empty, join, type Sql, sql, trusted } from "../sql";
import { isVisitorDimension } from "../vocabulary";

type Db = Pick<pg.Pool, "query">;

function stepsSql(scope: QueryScope, query: FunnelQuery): Sql {
  const window = sql`(${query.window.value} * ${trusted(`interval '1 ${query.window.unit}'`)})`;
  const dim = query.breakdown ? groupingDimensionSql(scope, query.breakdown.dimension) : sql`NULL::text`;
  const firstSeen = query.breakdown && isVisitorDimension(query.breakdown.dimension) ? firstSeenJoinSql(scope) : empty;
  const [first, ...rest] = query.steps;
  // By entry or exit page: the pages of the session of the user's first step-1 event, a session
  // being the range's events under the query's filters (lib/query/session-dimensions.ts).
  const bySession = query.breakdown !== undefined && isSessionDimension(query.breakdown.dimension);
  const firstEvents = bySession
    ? sql`${sessionEventsSql(scope, { properties: first!.filters.some((f) => f.field.startsWith("properties.")) })} e
        WHERE e.name = ${first!.event} AND ${allFiltersCondition({ ...scope, filters: first!.filters })}`
    : sql`events e ${firstSeen} WHERE ${scopeCondition({ ...scope, event: first!.event, filters: [...scope.filters, ...first!.filters] })}`;
  const ctes: Sql[] = [
    sql`s0 AS (
      SELECT ${actorHash("e")} AS actor, min(e.timestamp) AS t, min(e.timestamp) AS t0, ${query.breakdown ? sql`(array_agg(${dim} ORDER BY e.timestamp))[1]` : sql`NULL::text`} AS dim
      FROM ${firstEvents} AND ${actorHash("e")} IS NOT NULL
      GROUP BY 1)`,
  ];
  rest.forEach((step, i) => {
    const prev = trusted(`s${i}`);
    ctes.push(sql`${trusted(`s${i + 1}`)} AS (
      SELECT p.actor, min(e.timestamp) AS t, p.t0, p.dim
      FROM ${prev} p JOIN events e ON ${actorHash("e")} = p.actor AND e.timestamp > p.t AND e.timestamp <= p.t0 + ${window}
      WHERE ${tenantCondition(scope)} AND e.timestamp >= ${scope.from}::timestamptz AND e.timestamp < ${scope.to}::timestamptz + ${window}
        AND e.name = ${step.event} AND ${allFiltersCondition({ ...scope, filters: eventFilters([...scope.filters, ...step.filters]) })}
      GROUP BY p.actor, p.t0, p.dim)`);
  });
  // Each step's users counted per group in one pass, then joined on the group (NULL-safe).
  const counts = query.steps.map((_, i) => sql`COALESCE(${trusted(`g${i}`)}.n, 0)::float8 AS ${trusted(`c${i}`)}`);
  const joins = query.steps.slice(1).map((_, j) => {
    const g = trusted(`g${j + 1}`);
    return sql`LEFT JOIN (SELECT dim, count(*) AS n FROM ${trusted(`s${j + 1}`)} GROUP BY dim) ${g} ON ${g}.dim IS NOT DISTINCT FROM g0.dim`;
  });
  return sql`WITH ${join(ctes, ",\n")}
    SELECT g0.dim, ${join(counts, ", ")}
    FROM (SELECT dim, count(*) AS n FROM s0 GROUP BY dim) g0
    ${join(joins, "\n")}`;
}

function describeSteps(query: FunnelQuery, counts: number[]): FunnelStepResult[] {
  return query.steps.map((step, i) => {
    const count = counts[i] ?? 0;
    const first = counts[0] ?? 0;
    const previous = i === 0 ? count : (counts[i - 1] ?? 0);
    return {
      index: i,
      event: step.event,
      label: step.label ?? step.event,
      count,
      conversion_from_first: first ? count / first : null,
      conversion_from_previous: previous ? count / previous : null,
      drop_off: i === 0 ? 0 : previous - count,
    };
  });
}

export async function runFunnel(db: Db, scope: QueryScope, query: FunnelQuery): Promise<FunnelResult> {
  const { rows } = await db.query<Record<string, number> & { dim: string | null }>(stepsSql(scope, query).toQuery());
  const countsOf = (row: Record<string, number>) => query.steps.map((_, i) => Number(row[`c${i}`] ?? 0));
  const totals = query.steps.map((_, i) => rows.reduce((sum, row) => sum + countsOf(row)[i]!, 0));
  let breakdown: FunnelResult["breakdown"] = null;
  if (query.breakdown) {
    // Each user falls in exactly one group (their first step-1 event's value), so groups add up.
    const ranked = [...rows].sort(
      (a, b) => countsOf(b)[0]! - countsOf(a)[0]! || String(a.dim).localeCompare(String(b.dim)),
    );
    const top = ranked.slice(0, query.breakdown.limit);
    const rest = ranked.slice(query.breakdown.limit);
    breakdown = top.map((row) => ({ value: row.dim, other: false, steps: describeSteps(query, countsOf(row)) }));
    if (rest.length) {
      const summed = query.steps.map((_, i) => rest.reduce((sum, row) => sum + countsOf(row)[i]!, 0));
      breakdown.push({ value: null, other: true, steps: describeSteps(query, summed) });
    }
  }
  return {
    kind: "funnel",
    steps: describeSteps(query, totals),
    dimension: query.breakdown?.dimension ?? null,
    breakdown,
  };
}
