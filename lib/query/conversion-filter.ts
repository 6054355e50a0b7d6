// Conversion filters (`{ field: "performed", op: "equals", value: "signup" }`): the events of the
// actors (user id, else anonymous id) who did, or did not do, an event in the query's range; a goal
// filter (`{ field: "goal", op: "equals", value: "<goal id>" }`) likewise with the events that
// complete one of the project's goals (lib/query/goal-events.ts). An
// actor-level restriction on top of the event filters: "visitors who did signup" keeps every event
// of those visitors, so their pageviews, sessions, sources and other events are all there, where an
// event filter (`event equals signup`) keeps only the signup events themselves.
//
// Each filter is one semi-join (anti-join for not_equals / not_in) with the range's events of those
// names, which the (organization, project, name, actor bucket, timestamp) index holds with their
// actor: its cost follows those events, bounded by the range budget (lib/query/cost.ts), the
// statement timeout and MAX_CONVERSION_FILTERS. Rollups keep no actor per event, so queries with a
// conversion filter read raw events, except under positive "performed" and goal filters: unique
// users and the conversion rate, which the daily actor bitmaps answer, each filter's set ANDed with
// the others' (filtered-visitors.ts, converted-actors.ts), and counts, from the per-actor count
// slices ANDed with the same sets (count-slices.ts); sources.ts asks only the sources that keep
// actors.
//
// The conversion rate (measure `conversion_rate`) is the visitors the filters keep over the visitors
// without them (same range and event filters), per bucket and dimension value like any measure.
import { ApiError } from "../errors";
import type { GoalDefinition } from "../goals/schemas";
import { actorHash, filtersCondition, filterValues } from "./fields";
import { isVisitorFilter, visitorFiltersCondition } from "./first-seen";
import { goalEventCondition } from "./goal-events";
import type { GroupedSql, Grouping } from "./measure";
import { hasNarrowingFilter } from "./property-events";
import { CONVERSION_FIELD, type Filter, GOAL_FIELD, type QueryDefinition } from "./schemas";
import { type QueryScope, tenantCondition } from "./scope";
import { join, type Sql, sql, trusted } from "./sql";
import { isGoalMeasure, isSessionDimension } from "./vocabulary";

export function isConversionFilter(filter: Filter): boolean {
  return filter.field === CONVERSION_FIELD || filter.field === GOAL_FIELD;
}

/** The filters that narrow events, without the conversion filters. */
export function eventFilters(filters: readonly Filter[]): Filter[] {
  return filters.filter((f) => !isConversionFilter(f));
}

/**
 * A filter that keeps a set of actors rather than events: a conversion filter, or a visitor filter
 * on first seen (new or returning, first source or page).
 */
export function isActorSetFilter(filter: Filter): boolean {
  return isConversionFilter(filter) || isVisitorFilter(filter);
}

const positive = (filter: Filter) => filter.op === "equals" || filter.op === "in";

/** A resolved goal of the scope (lib/goals/goals.ts resolves every goal a query names before it runs). */
export function goalOf(scope: QueryScope, id: string): GoalDefinition {
  const goal = scope.goals?.[id];
  if (!goal) throw new Error(`goal ${id} was not resolved for this query`);
  return goal;
}

/** What the conversion filter's visitors did: one of its events, or an event completing its goal (on alias p). */
function conversionEventCondition(scope: QueryScope, filter: Filter): Sql {
  if (filter.field === GOAL_FIELD) return goalEventCondition(goalOf(scope, String(filter.value)), "p");
  const names = filterValues(filter);
  return sql`p.name = ANY(${names}::text[])`;
}

function didEventSql(scope: QueryScope, filter: Filter, alias: string): Sql {
  const performed = sql`
    SELECT p.actor FROM events p
    WHERE ${tenantCondition(scope, "p")} AND p.timestamp >= ${scope.from}::timestamptz AND p.timestamp < ${scope.to}::timestamptz
      AND ${conversionEventCondition(scope, filter)} AND p.actor IS NOT NULL`;
  const actor = actorHash(alias);
  // An anti-join for "did not": an event without an actor is of no one who did it.
  if (!positive(filter)) return sql`NOT EXISTS (${performed} AND p.actor = ${actor})`;
  // Events narrowed to a property's (property-events.ts) are estimated at a handful (a JSON
  // condition's default selectivity), and the planner then loops over the actors who did it for
  // each: 78 s for 48k events and 34k actors at 10M events. Kept out of the join (IS TRUE), the set
  // is one hashed subplan (0.9 s); elsewhere the semi-join stays, a set too large to hash possible.
  return scope.propertyWatermark !== undefined && hasNarrowingFilter(scope.filters)
    ? sql`(${actor} IN (${performed})) IS TRUE`
    : sql`${actor} IN (${performed})`;
}

/** The scope's conversion filters on the events of `alias`: TRUE when it has none. */
export function conversionCondition(scope: QueryScope, alias = "e"): Sql {
  const conditions = scope.filters.filter(isConversionFilter).map((f) => didEventSql(scope, f, alias));
  return conditions.length ? join(conditions, " AND ") : trusted("TRUE");
}

/**
 * The event filters, the conversion filters and the visitor filters (first seen: lib/query/first-seen.ts)
 * of a scope (and only a goal's completions, when asked), on the events of `alias`. Filters on
 * session dimensions keep sessions: they apply to the sessionised events (lib/query/session-dimensions.ts).
 */
export function allFiltersCondition(scope: QueryScope, alias = "e"): Sql {
  const onEvents = eventFilters(scope.filters).filter((f) => !isSessionDimension(f.field) && !isVisitorFilter(f));
  const completing =
    scope.completing === undefined ? trusted("TRUE") : goalEventCondition(goalOf(scope, scope.completing), alias);
  return sql`${filtersCondition(onEvents, alias)} AND ${completing} AND ${conversionCondition(scope, alias)} AND ${visitorFiltersCondition(scope, alias)}`;
}

/**
 * Whether derived sources may be asked: a query measuring a goal (lib/query/goals.ts) is answered
 * from raw events; one with a conversion or visitor filter (an actor's first seen) only by the
 * sources that keep actors (sources.ts), and retention without filters (rollups.ts) or under the
 * drill-down filters the filtered intersections hold (filtered-retention.ts).
 */
export function rollupsMayAnswer(query: QueryDefinition): boolean {
  return !("measure" in query && isGoalMeasure(query.measure.type));
}

/** The conversion rate needs something to convert to: a filter keeping the visitors who did an event. */
export function assertConversionRateDefined(query: QueryDefinition): void {
  if (!("measure" in query) || query.measure.type !== "conversion_rate") return;
  if (query.filters.some((f) => isConversionFilter(f) && positive(f))) return;
  throw new ApiError(
    "invalid_request",
    'conversion_rate needs a "performed" (equals or in) or "goal" (equals) filter to convert to',
    [
      {
        path: "query.measure",
        message: 'conversion_rate needs a "performed" equals or in filter, or a "goal" equals filter',
      },
    ],
  );
}

/**
 * Rows (bucket, dim, is_other, value) of the conversion rate: per group, the unique users the scope
 * keeps over the unique users it keeps without its conversion filters. Every group of the first is
 * one of the second, which has a visitor in each of its groups.
 */
export function conversionRateSql(grouped: GroupedSql, scope: QueryScope, grouping: Grouping): Sql {
  return visitorsShareSql(grouped, scope, { ...scope, filters: eventFilters(scope.filters) }, grouping);
}

/**
 * Rows (bucket, dim, is_other, value): per group, the unique users of `converted` over those of
 * `all`, a scope keeping every visitor `converted` keeps (so each group of the first is one of the
 * second, which has a visitor in each of its groups).
 */
export function visitorsShareSql(grouped: GroupedSql, converted: QueryScope, all: QueryScope, grouping: Grouping): Sql {
  const visitors = { type: "unique_users" } as const;
  return sql`
    SELECT a.bucket, a.dim, a.is_other, COALESCE(c.value, 0) / a.value AS value
    FROM (${grouped(all, visitors, grouping)}) a
    LEFT JOIN (${grouped(converted, visitors, grouping)}) c
      ON c.bucket IS NOT DISTINCT FROM a.bucket AND c.dim IS NOT DISTINCT FROM a.dim AND c.is_other = a.is_other`;
}
