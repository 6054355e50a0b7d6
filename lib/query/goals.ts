// Goal measures (a goal of the project, lib/goals, named by id in the measure), compiled over the
// conversion filters' machinery (lib/query/conversion-filter.ts):
//   - goal_completions: the events that complete the goal (a count), under the query's filters;
//   - goal_visitors: the visitors (actors) the query's filters keep who completed the goal in the
//     range: unique users under a "goal" conversion filter on it;
//   - goal_conversion_rate: goal_visitors / the visitors the query's filters keep (its "performed"
//     filters included: under "visitors who did signup" it is the share of them who completed the
//     goal), per bucket and dimension value like conversion_rate.
// "In the range" is each value's range, as for conversion filters: a metric's previous period asks
// who completed it then. The goal reaches SQL only as parameters (lib/query/goal-events.ts); the
// goals a query names are resolved from its own project before it runs (lib/goals/goals.ts).
import type { GoalDefinition } from "../goals/schemas";
import { eventFilters, visitorsShareSql } from "./conversion-filter";
import { goalAsEventFilters } from "./goal-events";
import type { GroupedSql, Grouping } from "./measure";
import { type Filter, GOAL_FIELD, type Measure, type QueryDefinition } from "./schemas";
import type { QueryScope } from "./scope";
import type { Sql } from "./sql";

/** Rows (bucket, dim, is_other, value) of a goal measure, over the goals the scope has resolved. */
export function goalMeasureSql(grouped: GroupedSql, scope: QueryScope, measure: Measure, grouping: Grouping): Sql {
  if (!("goal" in measure)) throw new Error(`${measure.type} is not a goal measure`);
  const completers: QueryScope = {
    ...scope,
    filters: [...scope.filters, { field: GOAL_FIELD, op: "equals", value: measure.goal }],
  };
  switch (measure.type) {
    case "goal_completions":
      return grouped({ ...scope, completing: measure.goal }, { type: "count" }, grouping);
    case "goal_visitors":
      return grouped(completers, { type: "unique_users" }, grouping);
    case "goal_conversion_rate":
      return visitorsShareSql(grouped, completers, scope, grouping);
  }
}

/**
 * The same question without its goal measure, where the query language can ask it, so the derived
 * sources (rollups, bitmaps) may answer it like any other:
 *   - goal_completions: the count of the goal's events (its name and conditions, or pageviews whose
 *     path equals or matches its pattern), under the query's filters, in any kind and grouping;
 *   - goal_visitors as one number (a metric) without event filters, of a goal whose bitmaps are not
 *     complete (`withBitmaps` leaves it out): the visitors who completed the goal are those of its
 *     events (every such visitor has that event in the range, and the query's conversion filters
 *     keep visitors whichever of their events they are read on), from the hourly rollups;
 *   - goal_visitors otherwise: unique users under a goal filter on it, which the filtered visitors'
 *     bitmaps answer for goals they hold (converted-actors.ts).
 * Anything else (a rate, a query naming its own event) is answered by the goal measure itself. The
 * goals come resolved from the query's project.
 */
export function withoutGoalMeasure(
  query: QueryDefinition,
  goals: Readonly<Record<string, GoalDefinition>>,
  withBitmaps: ReadonlySet<string> = new Set(),
) {
  if (!("measure" in query) || !("goal" in query.measure) || query.event !== undefined) return query;
  const goal = goals[query.measure.goal];
  if (!goal) return query;
  const asFilters = goalAsEventFilters(goal);
  const filters = [...query.filters, ...asFilters.filters];
  if (query.measure.type === "goal_completions")
    return { ...query, event: asFilters.event, measure: { type: "count" }, filters } as QueryDefinition;
  if (query.measure.type !== "goal_visitors") return query;
  if (query.kind === "metric" && eventFilters(query.filters).length === 0 && !withBitmaps.has(query.measure.goal))
    return { ...query, event: asFilters.event, measure: { type: "unique_users" }, filters } as QueryDefinition;
  // Under event filters, what goal_visitors is (goalMeasureSql): unique users under a goal filter.
  const completed: Filter = { field: GOAL_FIELD, op: "equals", value: query.measure.goal };
  return { ...query, measure: { type: "unique_users" }, filters: [...query.filters, completed] } as QueryDefinition;
}

/**
 * goal_conversion_rate as one number (a metric) without event filters, as two questions the derived
 * sources may answer: the goal's visitors (withoutGoalMeasure) and the visitors the query's filters
 * keep (unique users). Their quotient is the rate (run-query.ts divides them, the previous period's
 * likewise). Null when the rate has to be asked as itself.
 */
export function goalRateParts(
  query: QueryDefinition,
  goals: Readonly<Record<string, GoalDefinition>>,
  withBitmaps: ReadonlySet<string> = new Set(),
): { converted: QueryDefinition; all: QueryDefinition } | null {
  if (query.kind !== "metric" || query.measure.type !== "goal_conversion_rate") return null;
  const visitors = { ...query, measure: { type: "goal_visitors" as const, goal: query.measure.goal } };
  const converted = withoutGoalMeasure(visitors, goals, withBitmaps);
  if (converted === visitors) return null;
  return { converted, all: { ...query, measure: { type: "unique_users" } } };
}
