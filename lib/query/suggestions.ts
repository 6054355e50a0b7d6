// What the builder offers while someone types an event name, a property or a filter value: the
// project's own event names, property keys and values, most frequent first. Every answer is
// bounded whatever the project's size:
// - event names and the values of rolled dimensions (page, referrer, country...) are exact counts
//   over the last 30 days, answered by the reports engine, so from the hourly rollups (milliseconds);
// - property keys, property values and the other dimensions' values have no rollup: they come from
//   the project's latest SAMPLE_EVENTS events of the last 30 days, read newest first from the
//   events' primary key (a few milliseconds, however many events the project holds). A key or value
//   seen only before them is not offered; it can still be typed.
// Both run on the report pool in the caller's query turn, bounded by the surface's statement timeout.
import "server-only";
import { z } from "zod";
import { storableText } from "../text";
import { columnName } from "./fields";
import type { QueryGate } from "./query-gate";
import { ROLLED_DIMENSIONS } from "./rollups";
import { getProjectInOrganization, inSnapshot, runQuery } from "./run-query";
import { DIMENSIONS, type Dimension, propertyPathSchema } from "./schemas";
import { tenantCondition } from "./scope";
import { type Sql, sql, trusted } from "./sql";
import type { QuerySurface } from "./surfaces";
import { isSessionDimension, isVisitorDimension } from "./vocabulary";

/** Events read for the kinds without rollups: enough to hold any key or value in common use. */
export const SAMPLE_EVENTS = 10_000;
/** How far back suggestions look. */
const LOOKBACK_DAYS = 30;
export const MAX_SUGGESTIONS = 100;

/** Property names usable in a query's properties.<path> (lib/query/schemas.ts). */
const PROPERTY_SEGMENT = "^[A-Za-z0-9_$-]{1,64}$";

/** A property given as "plan", "plan.tier" or "properties.plan": the query's path for it. */
const propertyKeySchema = z
  .string()
  .max(400)
  .transform((key) => (key.startsWith("properties.") ? key : `properties.${key}`))
  .pipe(propertyPathSchema);

export const suggestionsRequestSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event") }),
  z.object({ kind: z.literal("property_key") }),
  z.object({ kind: z.literal("property_value"), key: propertyKeySchema }),
  // Event names are kind "event"; properties are "property_value".
  z.object({ kind: z.literal("dimension_value"), key: z.enum(DIMENSIONS).exclude(["event"]) }),
]);

const commonSchema = z.object({
  /** Text the suggestions contain (any case); those starting with it come first. */
  prefix: storableText().max(200).default(""),
  limit: z.coerce.number().int().min(1).max(MAX_SUGGESTIONS).default(20),
});

export type SuggestionsRequest = z.infer<typeof suggestionsRequestSchema> & z.infer<typeof commonSchema>;

/** The request as GET parameters: kind, key (property_value, dimension_value), prefix, limit. */
export function parseSuggestionsParams(params: URLSearchParams): SuggestionsRequest {
  const raw = Object.fromEntries(
    ["kind", "key", "prefix", "limit"].flatMap((k) => (params.has(k) ? [[k, params.get(k)]] : [])),
  );
  return { ...suggestionsRequestSchema.parse(raw), ...commonSchema.parse(raw) };
}

export interface Suggestion {
  value: string;
  /** Events with it (in the last 30 days, or in the sample). */
  count: number;
  /** For properties: the JSON type it mostly has ("number", "string", "boolean", "object"), so a filter compares it as such. */
  type?: string;
}

export interface SuggestionsAnswer {
  suggestions: Suggestion[];
  /** True when these are all the matches (fewer than the limit): a longer prefix need not ask again. */
  complete: boolean;
  /** "rollups": exact counts over 30 days; "recent_events": counts in the latest events. */
  source: "rollups" | "recent_events";
}

interface Caller {
  organizationId: string;
  projectId: string;
  surface: QuerySurface;
  gate?: QueryGate;
}

export async function listSuggestions(caller: Caller, asked: SuggestionsRequest): Promise<SuggestionsAnswer> {
  // An entry or exit page is a page: its suggestions are the pages' paths.
  const request: SuggestionsRequest =
    asked.kind === "dimension_value" && isSessionDimension(asked.key) ? { ...asked, key: "path" } : asked;
  if (request.kind === "event") return topValues(caller, "event", request);
  // The visitor's dimensions are no event column: their values come through the reports engine too.
  if (request.kind === "dimension_value" && (request.key in ROLLED_DIMENSIONS || isVisitorDimension(request.key)))
    return topValues(caller, request.key, request);
  const run = async () => {
    const project = await getProjectInOrganization(caller.organizationId, caller.projectId);
    const scope = { organizationId: project.organizationId, projectId: project.id };
    const statement =
      request.kind === "property_key"
        ? propertyKeysSql(scope, request)
        : request.kind === "property_value"
          ? valuesSql(scope, request, sql`e.properties #>> ${request.key.split(".").slice(1)}::text[]`, request.key)
          : valuesSql(scope, request, trusted(`e.${columnName(request.key)}`), null);
    const { rows } = await inSnapshot(caller.surface, (db) =>
      db.query<{ value: string; count: string; type: string | null }>(statement.toQuery()),
    );
    return answer(
      rows.map((r) => ({ value: r.value, count: Number(r.count), ...(r.type ? { type: r.type } : {}) })),
      request.limit,
      "recent_events",
    );
  };
  return caller.gate ? caller.gate.run(run) : run();
}

/** One more row than asked for tells whether the list is complete. */
function answer(rows: Suggestion[], limit: number, source: SuggestionsAnswer["source"]): SuggestionsAnswer {
  return { suggestions: rows.slice(0, limit), complete: rows.length <= limit, source };
}

/** Exact top values through the reports engine (rollups): a breakdown over the last 30 days. */
async function topValues(
  caller: Caller,
  dimension: Dimension,
  request: SuggestionsRequest,
): Promise<SuggestionsAnswer> {
  const { data } = await runQuery({
    organizationId: caller.organizationId,
    projectId: caller.projectId,
    query: {
      kind: "breakdown",
      dimension,
      measure: { type: "count" },
      limit: MAX_SUGGESTIONS,
      sort: "desc",
      filters: request.prefix ? [{ field: dimension, op: "contains", value: request.prefix }] : [],
    },
    range: { relative: "last_30_days" },
    surface: caller.surface,
    gate: caller.gate,
  });
  if (data.kind !== "breakdown") throw new Error("a breakdown query answered with another kind");
  const rows = data.rows
    .filter((row): row is { value: string; measure: number } => row.value !== null && row.measure !== null)
    .map((row) => ({ value: row.value, count: row.measure }));
  // The most frequent values starting with the text first, then those containing it elsewhere.
  const starts = (value: string) => value.toLowerCase().startsWith(request.prefix.toLowerCase());
  const ranked = [...rows.filter((r) => starts(r.value)), ...rows.filter((r) => !starts(r.value))];
  return answer(ranked, request.limit, "rollups");
}

/** The project's latest events, newest first from the primary key (organization, project, timestamp). */
function recentEventsSql(scope: { organizationId: string; projectId: string }, columns: Sql): Sql {
  return sql`SELECT ${columns} FROM events e
    WHERE ${tenantCondition(scope)}
      AND e.timestamp >= now() - make_interval(days => ${LOOKBACK_DAYS})
      AND e.timestamp <= now() + interval '1 day'
    ORDER BY e.timestamp DESC
    LIMIT ${SAMPLE_EVENTS}`;
}

/** Ranking shared by the sampled kinds: starting with the text, then frequency, then the value. */
function rankedSql(expression: Sql, prefix: string): Sql {
  return sql`(strpos(lower(${expression}), lower(${prefix})) = 1) DESC, count(*) DESC, ${expression}`;
}

/** jsonb_each refuses anything but an object, whatever a WHERE clause says: give it an empty one instead. */
function objectOrEmpty(json: Sql): Sql {
  return sql`CASE WHEN jsonb_typeof(${json}) = 'object' THEN ${json} ELSE '{}'::jsonb END`;
}

/** Top-level keys, and one level down inside objects ("plan.tier"), that a query can name. */
function propertyKeysSql(scope: { organizationId: string; projectId: string }, request: SuggestionsRequest): Sql {
  return sql`WITH recent AS (${recentEventsSql(scope, trusted("e.properties"))}),
    entries AS (
      SELECT top.key AS value, jsonb_typeof(top.value) AS type FROM recent, jsonb_each(${objectOrEmpty(trusted("recent.properties"))}) top
      WHERE top.key ~ ${PROPERTY_SEGMENT}
      UNION ALL
      SELECT top.key || '.' || inner_entry.key, jsonb_typeof(inner_entry.value)
      FROM recent, jsonb_each(${objectOrEmpty(trusted("recent.properties"))}) top, jsonb_each(${objectOrEmpty(trusted("top.value"))}) inner_entry
      WHERE top.key ~ ${PROPERTY_SEGMENT} AND inner_entry.key ~ ${PROPERTY_SEGMENT}
    )
    SELECT value, count(*) AS count, mode() WITHIN GROUP (ORDER BY type) AS type
    FROM entries
    WHERE strpos(lower(value), lower(${request.prefix})) > 0
    GROUP BY value
    ORDER BY ${rankedSql(trusted("value"), request.prefix)}
    LIMIT ${request.limit + 1}`;
}

/** Values of a column or property path in the latest events (for properties, with their JSON type). */
function valuesSql(
  scope: { organizationId: string; projectId: string },
  request: SuggestionsRequest,
  text: Sql,
  propertyPath: `properties.${string}` | null,
): Sql {
  const type = propertyPath
    ? sql`jsonb_typeof(e.properties #> ${propertyPath.split(".").slice(1)}::text[])`
    : sql`NULL::text`;
  return sql`WITH recent AS (${recentEventsSql(scope, sql`${text} AS value, ${type} AS type`)})
    SELECT value, count(*) AS count, mode() WITHIN GROUP (ORDER BY type) AS type
    FROM recent
    WHERE value IS NOT NULL AND value <> '' AND (type IS NULL OR type IN ('string', 'number', 'boolean'))
      AND strpos(lower(value), lower(${request.prefix})) > 0
    GROUP BY value
    ORDER BY ${rankedSql(trusted("value"), request.prefix)}
    LIMIT ${request.limit + 1}`;
}
