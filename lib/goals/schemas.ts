// Goals: named conversions of a project, what the goals API takes and answers. Free of server code,
// so the settings page and the builder's goal picker validate with the same schemas.
//
// A goal is completed by an event:
//   - { type: "event", event: "signup", conditions: [{ field: "properties.plan", op: "equals", value: "pro" }] }
//     an event of that name whose properties meet every condition (the query language's filters on
//     properties.<name>, compiled by lib/query/fields.ts: paths and values are parameters);
//   - { type: "page", path: "/blog/*" }: a pageview whose path matches the pattern.
//
// Path patterns: a path starting with "/". "*" stands for any run of characters, none included and
// "/" included ("/blog/*" matches "/blog/" and "/blog/2026/goals", not "/blog"; "/*/pricing" matches
// "/en/pricing"); every other character stands for itself, case included ("%" and "_" too). A
// pattern without "*" is an exact path. The pattern reaches SQL as a parameter, never as text of the
// statement: an exact path as the filter `path equals` (`path = $1`), a wildcard one as the filter
// `path matches` (`path LIKE $1`, LIKE's own wildcards "%", "_" and its escape character "\"
// escaped in the literal parts: lib/query/wildcard.ts), so rollups answer goals like any filter.
import { z } from "zod";
import { filterSchema } from "../query/schemas";
import { filterLabel } from "../query/vocabulary";
import { storableText } from "../text";

/** Goals one project may have: each is a semi-join over its events when a query measures it, and the overview shows them all. */
export const MAX_GOALS_PER_PROJECT = 10;
/** Property conditions one event goal may have. */
export const MAX_GOAL_CONDITIONS = 5;
/** The event a page goal is completed by. */
export const PAGEVIEW_EVENT = "pageview";
/** What stands for any run of characters in a path pattern (lib/query/wildcard.ts's WILDCARD). */
export const PATH_WILDCARD = "*";

export const goalNameSchema = storableText()
  .transform((name) => name.trim())
  .pipe(z.string().min(1, "must not be empty").max(100));

export const goalPathPatternSchema = storableText()
  .max(500)
  .refine((path) => path.startsWith("/"), 'must start with "/" (e.g. /pricing or /blog/*)');

const goalConditionSchema = filterSchema.refine((filter) => filter.field.startsWith("properties."), {
  message: "a goal's conditions are on the event's properties (properties.<name>)",
  path: ["field"],
});

export const goalDefinitionSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("event"),
    event: storableText().min(1).max(200),
    conditions: z.array(goalConditionSchema).max(MAX_GOAL_CONDITIONS).default([]),
  }),
  z.object({ type: z.literal("page"), path: goalPathPatternSchema }),
]);

export const goalCreateSchema = z.object({ name: goalNameSchema, definition: goalDefinitionSchema });

/** A change: a new name, a new definition (whole: its type and that type's fields), or both. */
export const goalUpdateSchema = z
  .object({ name: goalNameSchema.optional(), definition: goalDefinitionSchema.optional() })
  .refine((change) => change.name !== undefined || change.definition !== undefined, {
    message: "give a name, a definition or both",
    path: ["name"],
  });

export type GoalDefinition = z.infer<typeof goalDefinitionSchema>;
export type GoalCreate = z.input<typeof goalCreateSchema>;
export type GoalUpdate = z.input<typeof goalUpdateSchema>;

export interface GoalView {
  id: string;
  project_id: string;
  name: string;
  definition: GoalDefinition;
  created_at: string;
  updated_at: string;
}

/** A goal's definition in words: "Event signup where Plan is pro", "Pages matching /blog/*". */
export function describeGoalDefinition(definition: GoalDefinition): string {
  if (definition.type === "page")
    return definition.path.includes(PATH_WILDCARD) ? `Pages matching ${definition.path}` : `Page ${definition.path}`;
  if (definition.conditions.length === 0) return `Event ${definition.event}`;
  return `Event ${definition.event} where ${definition.conditions.map((c) => filterLabel(c)).join(" and ")}`;
}
