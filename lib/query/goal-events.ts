// The events that complete a goal (lib/goals/schemas.ts), as a condition on the events table: its
// event name and property conditions, or a pageview whose path matches the goal's pattern. Every
// part of the goal is a parameter of the statement; only the alias is text, and it is checked.
import { type GoalDefinition, PAGEVIEW_EVENT, PATH_WILDCARD } from "../goals/schemas";
import { filtersCondition } from "./fields";
import { type Sql, sql, trusted } from "./sql";

/**
 * A path pattern as a LIKE pattern: LIKE's own wildcards and its escape character in the literal
 * parts escaped with "\" (PostgreSQL's default LIKE escape), each "*" as "%".
 */
export function likePatternOf(pattern: string): string {
  return pattern
    .split(PATH_WILDCARD)
    .map((literal) => literal.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join("%");
}

function safeAlias(alias: string): Sql {
  if (!/^[a-z][a-z0-9_]*$/.test(alias)) throw new Error(`unsafe alias ${alias}`);
  return trusted(alias);
}

/** The events of `alias` that complete the goal: its event and conditions, or a pageview of a matching path. */
export function goalEventCondition(goal: GoalDefinition, alias = "e"): Sql {
  const a = safeAlias(alias);
  if (goal.type === "event") return sql`${a}.name = ${goal.event} AND ${filtersCondition(goal.conditions, alias)}`;
  const path = goal.path.includes(PATH_WILDCARD)
    ? sql`${a}.path LIKE ${likePatternOf(goal.path)}`
    : sql`${a}.path = ${goal.path}`;
  return sql`${a}.name = ${PAGEVIEW_EVENT} AND ${path}`;
}
