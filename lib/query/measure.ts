// A measure grouped by time bucket and/or dimension, over raw events. Event measures aggregate
// events; session measures aggregate the sessions of lib/query/sessions.ts (bucketed by start,
// grouped by the session's first event); new and returning visitors, and the visitor's dimensions,
// join each event's actor's first seen (lib/query/first-seen.ts).

import { conversionRateSql } from "./conversion-filter";
import { actorHash, isPropertyPath, propertyNumber } from "./fields";
import {
  firstSeenAggregateSql,
  firstSeenJoinSql,
  groupingDimensionSql,
  isFirstSeenMeasure,
  periodStartSql,
} from "./first-seen";
import { goalMeasureSql } from "./goals";
import { eventsOf } from "./property-events";
import type { Dimension, Measure } from "./schemas";
import { type QueryScope, scopeCondition } from "./scope";
import {
  needsSessionEvents,
  sessionEventsSql,
  sessionFiltersCondition,
  sessionsOfSessionEventsSql,
  timeOnPageAggregate,
} from "./session-dimensions";
import { sessionsSql } from "./sessions";
import { empty, type Sql, sql, trusted } from "./sql";
import { isGoalMeasure, isVisitorDimension } from "./vocabulary";

export type Interval = "hour" | "day" | "week" | "month";

export interface Grouping {
  interval?: Interval;
  dimension?: Dimension;
  /** Keep these dimension values and fold every other into one "other" group (is_other = true). */
  top?: (string | null)[];
}

const sessionMeasures = new Set(["sessions", "bounce_rate", "avg_session_duration", "pages_per_session"]);
/** Measures counting visitors (conversion_rate is unique users over unique users). */
const VISITOR_MEASURES = new Set<Measure["type"]>(["unique_users", "new_users", "returning_users"]);

export function isSessionMeasure(measure: Measure): boolean {
  return sessionMeasures.has(measure.type);
}

function eventAggregate(measure: Measure): Sql {
  switch (measure.type) {
    case "count":
      return sql`count(*)::float8`;
    case "unique_users":
      return sql`count(DISTINCT ${actorHash("e")})::float8`;
    case "sum":
    case "avg":
    case "min":
    case "max":
      return sql`${trusted(measure.type)}(${propertyNumber(measure.property, "e")})::float8`;
    default:
      throw new Error(`${measure.type} is not an event measure`);
  }
}

function sessionAggregate(measure: Measure): Sql {
  switch (measure.type) {
    case "sessions":
      return sql`count(*)::float8`;
    case "bounce_rate":
      return sql`(count(*) FILTER (WHERE s.pageviews = 1 AND s.interactions = 0)::float8 / NULLIF(count(*) FILTER (WHERE s.pageviews > 0), 0))`;
    case "avg_session_duration":
      return sql`(sum(s.duration_us)::float8 / count(*)::float8 / 1000000)`;
    case "pages_per_session":
      return sql`(sum(s.pageviews)::float8 / count(*)::float8)`;
    default:
      throw new Error(`${measure.type} is an event measure`);
  }
}

/** Whether a group's dimension value is one of the top values (NULL being "no value"). */
export function topGroup(dim: Sql, top: (string | null)[]): { inTop: Sql } {
  const values = top.filter((v): v is string => v !== null);
  const hasNull = top.includes(null);
  return { inTop: sql`COALESCE((${dim} IS NULL AND ${hasNull}::boolean) OR ${dim} = ANY(${values}::text[]), false)` };
}

/** Rows of (bucket?, dim?, is_other, value) for the measure over the scope. */
export function groupedMeasureSql(scope: QueryScope, measure: Measure, grouping: Grouping): Sql {
  if (measure.type === "conversion_rate") return conversionRateSql(groupedMeasureSql, scope, grouping);
  if (isGoalMeasure(measure.type)) return goalMeasureSql(groupedMeasureSql, scope, measure, grouping);
  const session = isSessionMeasure(measure);
  // Session dimensions, their filters and time on page need each event's session (session-dimensions.ts).
  const sessioned = needsSessionEvents(scope, grouping.dimension, measure);
  const time = session ? sql`s.started_at` : sql`e.timestamp`;
  const dim = grouping.dimension
    ? session
      ? sql`s.dim`
      : groupingDimensionSql(scope, grouping.dimension, grouping.interval)
    : null;
  const bucket = grouping.interval
    ? sql`date_trunc(${grouping.interval}, ${time}, ${scope.timezone})`
    : sql`NULL::timestamptz`;
  let dimSelect = sql`NULL::text`;
  let isOther = sql`false`;
  if (dim && grouping.top) {
    const { inTop } = topGroup(dim, grouping.top);
    dimSelect = sql`CASE WHEN ${inTop} THEN ${dim} END`;
    isOther = sql`NOT ${inTop}`;
  } else if (dim) {
    dimSelect = dim;
  }
  // Event measures by a visitor dimension, and new or returning visitors, read each event's actor's first seen.
  const byVisitor = !session && grouping.dimension !== undefined && isVisitorDimension(grouping.dimension);
  const firstSeen = byVisitor || (!session && isFirstSeenMeasure(measure)) ? firstSeenJoinSql(scope) : empty;
  let source: Sql;
  let where: Sql;
  if (session) {
    const sessions = sessioned
      ? sessionsOfSessionEventsSql(scope, grouping.dimension, grouping.interval)
      : sessionsSql(scope, grouping.dimension, grouping.interval);
    source = sql`(${sessions}) s`;
    where = sql`TRUE`;
  } else if (sessioned) {
    const properties =
      "property" in measure || (grouping.dimension !== undefined && isPropertyPath(grouping.dimension));
    source = sql`${sessionEventsSql(scope, { properties })} e ${firstSeen}`;
    where = sessionFiltersCondition(scope);
  } else {
    source = sql`${eventsOf(scope)} e ${firstSeen}`;
    where = scopeCondition(scope);
  }
  // Grouped by a visitor dimension, the events of no one have no value, and no visitor to count:
  // measures of visitors leave them out rather than show an empty "no value" group.
  if (byVisitor && VISITOR_MEASURES.has(measure.type)) where = sql`${where} AND e.actor IS NOT NULL`;
  const aggregate = session
    ? sessionAggregate(measure)
    : measure.type === "time_on_page"
      ? timeOnPageAggregate()
      : isFirstSeenMeasure(measure)
        ? firstSeenAggregateSql(measure, periodStartSql(scope, grouping.interval))
        : eventAggregate(measure);
  return sql`
    SELECT ${bucket} AS bucket, ${dimSelect} AS dim, ${isOther} AS is_other, ${aggregate} AS value
    FROM ${source}
    WHERE ${where}
    GROUP BY 1, 2, 3`;
}

/**
 * Rows (dim, value, is_other) of a breakdown in one statement: the top `limit` values, ordered as
 * topValuesSql orders them, then everything else as one group; null where the source cannot.
 */
export type TopAndOtherSql = (
  scope: QueryScope,
  measure: Measure,
  dimension: Dimension,
  limit: number,
  order: "desc" | "asc",
) => Sql | null;

/**
 * Builds grouped-measure SQL from some source: raw events (above) or rollups (lib/query/rollups).
 * A source may also answer a breakdown's top values and "other" in one statement.
 */
export type GroupedSql = typeof groupedMeasureSql & { topAndOther?: TopAndOtherSql };

/**
 * For measures that add up over dimension values (counts: every event has one value): "other" is
 * the sum of the values outside the top, so one statement over the grouped rows answers both.
 */
export const additiveTopAndOtherSql =
  (grouped: GroupedSql, additive: readonly Measure["type"][]): TopAndOtherSql =>
  (scope, measure, dimension, limit, order) => {
    if (!additive.includes(measure.type)) return null;
    return sql`
      WITH ranked AS (
        SELECT dim, value, row_number() OVER (ORDER BY value ${trusted(order === "asc" ? "ASC" : "DESC")}, dim ASC NULLS LAST) AS rank
        FROM (${grouped(scope, measure, { dimension })}) g
        WHERE value IS NOT NULL
      )
      SELECT dim, value, is_other FROM (
        SELECT dim, value, false AS is_other, rank FROM ranked WHERE rank <= ${limit}
        UNION ALL
        SELECT NULL, sum(value), true, NULL FROM ranked WHERE rank > ${limit} HAVING count(*) > 0
      ) t
      ORDER BY is_other, rank`;
  };

export const countTopAndOtherSql = (grouped: GroupedSql): TopAndOtherSql => additiveTopAndOtherSql(grouped, ["count"]);

/** The top `limit` dimension values by the measure (ties broken by value, NULLs last). */
export function topValuesSql(
  grouped: GroupedSql,
  scope: QueryScope,
  measure: Measure,
  dimension: Dimension,
  limit: number,
  order: "desc" | "asc" = "desc",
): Sql {
  return sql`
    SELECT dim, value FROM (${grouped(scope, measure, { dimension })}) g
    WHERE value IS NOT NULL
    ORDER BY value ${trusted(order === "asc" ? "ASC" : "DESC")}, dim ASC NULLS LAST
    LIMIT ${limit}`;
}
