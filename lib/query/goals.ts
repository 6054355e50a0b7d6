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
import { visitorsShareSql } from "./conversion-filter";
import type { GroupedSql, Grouping } from "./measure";
import { GOAL_FIELD, type Measure } from "./schemas";
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
