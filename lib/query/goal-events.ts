// The events that complete a goal (lib/goals/schemas.ts), as the event name and event filters of the
// query language, and as a condition on the events table: its event name and property conditions, or
// a pageview whose path equals the goal's path, or matches it when it has a wildcard
// (lib/query/wildcard.ts). Every part of the goal is a parameter of the statement; only the alias
// is text, and it is checked.
import { type GoalDefinition, PAGEVIEW_EVENT } from "../goals/schemas";
import { filtersCondition } from "./fields";
import type { Filter } from "./schemas";
import { type Sql, sql, trusted } from "./sql";
import { WILDCARD } from "./wildcard";

/** The goal as an event name and filters on that event's rows. */
export function goalAsEventFilters(goal: GoalDefinition): { event: string; filters: Filter[] } {
  if (goal.type === "event") return { event: goal.event, filters: goal.conditions };
  const op = goal.path.includes(WILDCARD) ? "matches" : "equals";
  return { event: PAGEVIEW_EVENT, filters: [{ field: "path", op, value: goal.path }] };
}

/** The events of `alias` that complete the goal. */
export function goalEventCondition(goal: GoalDefinition, alias = "e"): Sql {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new Error(`unsafe alias ${alias}`);
  const { event, filters } = goalAsEventFilters(goal);
  return sql`${trusted(alias)}.name = ${event} AND ${filtersCondition(filters, alias)}`;
}
