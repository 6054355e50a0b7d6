// The actors a conversion filter keeps, as a set of actor numbers the filtered visitors
// (filtered-visitors.ts) AND with every day's intersection, or count as they are for one number
// under conversion filters alone: "visitors who did signup" (performed equals or in: what clicking a
// custom event on the overview applies), and a goal filter (what the Goals panel's rows are under a
// drill-down):
// - any goal whose bitmaps are complete for its definition and the query's zone: its daily bitmaps
//   (goal_actor_bitmaps, kept by goal-bitmaps-refresh.ts); until then (a goal just created or
//   edited, a zone other than the project's):
// - an event goal without conditions: the visitors who did its event, as "performed";
// - a page goal: the visitors with a pageview on its path (or a path its wildcard matches), which
//   are the path's per-value bitmaps on the days no other event had such a path (event_counts_daily
//   tells, in the statement);
// - otherwise (conditions on properties, a path other events had too): the actors of all its events
//   in the range, read raw, through property_events for a property condition. Few events, usually,
//   and never more than the raw answer reads for the filter alone.
import "server-only";
import type pg from "pg";
import { actorInSetSql, bitmapsFromNumbersSql } from "./actor-bitmaps";
import { undailiedEventsSql, wholeDaysCondition } from "./edge-days";
import { actorHash, filterValues, storedTextFilterCondition } from "./fields";
import { goalAsEventFilters } from "./goal-events";
import { eventsOf } from "./property-events";
import { CONVERSION_FIELD, type Filter, GOAL_FIELD } from "./schemas";
import { type QueryScope, scopeCondition, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";

export interface Conversion {
  /** The events the kept visitors did (one of). */
  names: string[];
  /** Filters on those events: a goal's conditions, or a page goal's path on its pageviews. */
  filters: Filter[];
  /** Where the whole days' actors come from without goal bitmaps: the event bitmaps, the path bitmaps, or raw events. */
  stored: "events" | "path" | "none";
  /** The goal's id, for a goal filter: its bitmaps answer the whole days while they are complete. */
  goal?: string;
}

/** What a positive conversion filter keeps; null for one the sets cannot hold ("did not"). */
export function conversionOf(filter: Filter, goals: QueryScope["goals"]): Conversion | null {
  if (filter.field === CONVERSION_FIELD && (filter.op === "equals" || filter.op === "in"))
    return { names: filterValues(filter), filters: [], stored: "events" };
  const goal = filter.field === GOAL_FIELD && filter.op === "equals" ? goals?.[String(filter.value)] : undefined;
  if (!goal) return null;
  const { event, filters } = goalAsEventFilters(goal);
  const id = String(filter.value);
  if (goal.type === "page") return { names: [event], filters, stored: "path", goal: id };
  return { names: [event], filters, stored: filters.length === 0 ? "events" : "none", goal: id };
}

const daysOf = (scope: QueryScope, alias: string) =>
  sql`${trusted(alias)}.timezone = ${scope.timezone} AND ${wholeDaysCondition(scope, trusted(`${alias}.day`))}`;

/**
 * SQL true when the path bitmaps hold a page goal over the scope's whole days: the daily counts are
 * complete in the scope's time zone and hold no event of another name with a path the goal keeps
 * on those days.
 */
function pathHoldsSql(scope: QueryScope, { names, filters: [path] }: Conversion): Sql {
  if (!path) throw new Error("a page goal has its path");
  return sql`(EXISTS (SELECT 1 FROM event_counts_state s WHERE s.project_id = ${scope.projectId}::uuid AND s.timezone = ${scope.timezone})
    AND NOT EXISTS (
      SELECT 1 FROM event_counts_daily c
      WHERE ${tenantCondition(scope, "c")} AND ${daysOf(scope, "c")} AND c.name <> ALL(${names}::text[])
        AND ${storedTextFilterCondition(path, sql`c.path`)}))`;
}

/**
 * SQL true when the goal's bitmaps are complete in the scope's time zone for its definition as it
 * stands (an edit waits for the refresh to rebuild them).
 */
const completeGoalsSql = (scope: Pick<QueryScope, "organizationId" | "projectId" | "timezone">, goals: Sql) => sql`
    SELECT s.goal_id FROM goal_bitmap_state s JOIN goals g ON g.id = s.goal_id AND g.definition = s.definition
    WHERE s.goal_id = ANY(${goals}) AND ${tenantCondition(scope, "s")} AND s.timezone = ${scope.timezone}`;

function goalHoldsSql(scope: QueryScope, goal: string): Sql {
  return sql`EXISTS (${completeGoalsSql(scope, sql`ARRAY[${goal}::uuid]`)})`;
}

/** Which of the goals have bitmaps complete in the time zone, in the query's snapshot. */
export async function goalsWithBitmaps(
  db: Pick<pg.PoolClient, "query">,
  project: { organizationId: string; id: string },
  goals: string[],
  timezone: string,
): Promise<Set<string>> {
  if (goals.length === 0) return new Set();
  const scope = { organizationId: project.organizationId, projectId: project.id, timezone };
  const { rows } = await db.query<{ goal_id: string }>(completeGoalsSql(scope, sql`${goals}::uuid[]`).toQuery());
  return new Set(rows.map((row) => row.goal_id));
}

/** The CTEs of the i-th conversion of a query: `converted_<i>` (chunk, bits) and its raw part `converted_<i>_tail` (a). */
const setOf = (i: number) => `converted_${i}`;

/**
 * CTEs ending in `converted` (chunk, bits): the actors every conversion keeps in the scope's range,
 * each conversion's set ANDed per chunk (several: "visitors who did signup" and a Goals row's goal).
 * A conversion's set is its whole days' goal (or event, or path) bitmaps, and the actors of the
 * partial days and later arrivals (its tail) that have a number (one probe each, as
 * numberedActorsSql): an actor without one is in no stored bitmap, and the events read raw check the
 * tails too (convertedActorSql). A conversion the bitmaps do not hold (conditions on properties, a
 * page goal's path on other events too) reads all its events in the range, through property_events
 * for a property condition.
 */
export function convertedCtes(scope: QueryScope, watermark: string, conversions: readonly Conversion[]): Sql {
  if (conversions.length === 0) throw new Error("no conversion to keep the actors of");
  const sets = conversions.map((conversion, i) => conversionSetCtes(scope, watermark, conversion, setOf(i)));
  const [, ...rest] = conversions.map((_, i) => trusted(setOf(i)));
  const bits = join(
    conversions.map((_, i) => trusted(`${setOf(i)}.bits`)),
    " & ",
  );
  return sql`${join(sets, ",\n")},
    converted AS (
      SELECT ${trusted(setOf(0))}.chunk, ${bits} AS bits FROM ${trusted(setOf(0))}
      ${join(
        rest.map((set) => sql`JOIN ${set} ON ${set}.chunk = ${trusted(setOf(0))}.chunk`),
        "\n",
      )}
    )`;
}

/** One conversion's CTEs, named after `set` (`<set>_stored`, `<set>_tail`, `<set>_numbers` and `<set>`). */
function conversionSetCtes(scope: QueryScope, watermark: string, conversion: Conversion, set: string): Sql {
  const { names, filters, stored } = conversion;
  const cte = (part: string) => trusted(`${set}${part}`);
  const performed: QueryScope = {
    ...scope,
    event: undefined,
    filters: [{ field: "event", op: "in", value: names }, ...filters],
    propertyWatermark: watermark,
  };
  const undailied = undailiedEventsSql(performed, watermark, sql`${actorHash("e")} AS a`);
  const all = sql`SELECT ${actorHash("e")} AS a FROM ${eventsOf(performed)} e WHERE ${scopeCondition(performed)}`;
  const byGoal = conversion.goal ? goalHoldsSql(scope, conversion.goal) : sql`false`;
  const holds = stored === "path" ? pathHoldsSql(scope, conversion) : sql`${stored === "events"}::boolean`;
  const goalBitmaps = sql`SELECT x.chunk, x.bits FROM goal_actor_bitmaps x
            WHERE x.goal_id = ${conversion.goal ?? null}::uuid AND ${tenantCondition(scope, "x")} AND ${daysOf(scope, "x")}`;
  const bitmaps =
    stored === "path"
      ? sql`SELECT x.chunk, x.bits FROM dimension_actor_bitmaps x
            WHERE ${tenantCondition(scope, "x")} AND ${daysOf(scope, "x")} AND x.dimension = 'path' AND ${storedTextFilterCondition(filters[0]!, sql`x.value`)}`
      : sql`SELECT x.chunk, x.bits FROM event_actor_bitmaps x
            WHERE ${tenantCondition(scope, "x")} AND ${daysOf(scope, "x")} AND x.name = ANY(${names}::text[])`;
  // Each branch behind a one-time condition: the statement reads either the stored days or all the
  // events. The tail is read once: the numbers and the raw events' check (convertedActorSql) use it.
  // OFFSET 0 keeps the condition above the reading of all the events: pushed into it, a parallel
  // plan started its workers only to find the condition false (30 ms of every Goals row).
  return sql`
    ${cte("_stored")} AS MATERIALIZED (
      SELECT by_goal, CASE WHEN by_goal THEN true ELSE ${holds} END AS holds FROM (SELECT ${byGoal} AS by_goal) g
    ),
    ${cte("_tail")} AS MATERIALIZED (
      SELECT u.a FROM (${undailied}) u WHERE (SELECT holds FROM ${cte("_stored")})
      UNION ALL
      SELECT r.a FROM (${all} OFFSET 0) r WHERE NOT (SELECT holds FROM ${cte("_stored")})
    ),
    ${cte("_numbers")} AS (
      SELECT 1 AS k, n.number FROM (
        SELECT (SELECT p.number FROM project_actors p WHERE ${tenantCondition(scope, "p")} AND p.actor = d.a) AS number
        FROM (SELECT DISTINCT a FROM ${cte("_tail")} WHERE a IS NOT NULL) d
      ) n WHERE n.number IS NOT NULL
    ),
    ${cte("")} AS (
      SELECT chunk, bit_or(bits) AS bits FROM (
        SELECT b.chunk, b.bits FROM (${goalBitmaps}) b WHERE (SELECT by_goal FROM ${cte("_stored")})
        UNION ALL
        SELECT b.chunk, b.bits FROM (${bitmaps}) b WHERE (SELECT holds AND NOT by_goal FROM ${cte("_stored")})
        UNION ALL
        SELECT chunk, bits FROM (${trusted(bitmapsFromNumbersSql(`${set}_numbers`, ["k"]))}) b
      ) c
      GROUP BY chunk
    )`;
}

/**
 * SQL true when the actor whose hash is `actor` is one every conversion keeps (given convertedCtes
 * of as many): in each one's events read raw, or by number in its stored set. What the events read
 * raw by the filtered visitors check instead of the conversion filters themselves, whose semi-joins
 * would read every event of the range they name (every pageview on a page goal's path).
 */
export function convertedActorSql(scope: QueryScope, conversions: number, actor: Sql): Sql {
  const kept = Array.from(
    { length: conversions },
    (_, i) =>
      sql`(${actor} IN (SELECT c.a FROM ${trusted(`${setOf(i)}_tail`)} c) OR ${actorInSetSql(scope, setOf(i), actor)})`,
  );
  return join(kept, " AND ");
}
