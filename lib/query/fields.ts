// Maps dimensions, filters and the "actor" to SQL over the events table (alias e). Column names
// come only from the allow-list below; property paths and all values travel as parameters. The
// visitor's dimensions (visitor_type, first_*) are no event column: lib/query/first-seen.ts.
import { ApiError } from "../errors";
import {
  CONVERSION_FIELD,
  type Dimension,
  type Filter,
  filterSchema,
  GOAL_FIELD,
  type QueryDefinition,
} from "./schemas";
import { join, type Sql, sql, trusted } from "./sql";
import { isVisitorDimension, type VisitorDimension } from "./vocabulary";
import { likePatternOf } from "./wildcard";

/** Dimensions that are a column: of the events table, or of the sessionised events (entry and exit page). */
export type ColumnDimension = Exclude<Dimension, `properties.${string}` | VisitorDimension>;

const columns: Record<ColumnDimension, string> = {
  event: "name",
  path: "path",
  title: "title",
  referrer: "referrer_host",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  utm_campaign: "utm_campaign",
  utm_term: "utm_term",
  utm_content: "utm_content",
  browser: "browser",
  os: "os",
  device: "device_type",
  country: "country",
  locale: "locale",
  app_version: "app_version",
  // Columns of lib/query/session-dimensions.ts's sessionEventsSql, not of the events table.
  entry_page: "entry_page",
  exit_page: "exit_page",
};

export function isPropertyPath(dimension: Dimension): dimension is `properties.${string}` {
  return dimension.startsWith("properties.");
}

export function columnName(dimension: Exclude<Dimension, `properties.${string}`>): string {
  if (isVisitorDimension(dimension)) throw new Error(`${dimension} is the visitor's, no event column`);
  return columns[dimension];
}

function propertyPath(dimension: `properties.${string}`): string[] {
  return dimension.split(".").slice(1);
}

/** The dimension's value as text (NULL when absent). */
export function dimensionText(dimension: Dimension, alias = "e"): Sql {
  if (isVisitorDimension(dimension))
    throw new Error(`${dimension} is the visitor's: it compiles with its scope (first-seen.ts)`);
  if (isPropertyPath(dimension)) return sql`${trusted(alias)}.properties #>> ${propertyPath(dimension)}::text[]`;
  return trusted(`${alias}.${columns[dimension]}`);
}

/** A property's value as a number, NULL when it is absent or not a JSON number. */
export function propertyNumber(path: `properties.${string}`, alias = "e"): Sql {
  const p = propertyPath(path);
  return sql`(CASE WHEN jsonb_typeof(${trusted(alias)}.properties #> ${p}::text[]) = 'number' THEN (${trusted(alias)}.properties #>> ${p}::text[])::numeric END)`;
}

/** Who did it: the user id, else the anonymous id, hashed to 64 bits (the events' generated `actor` column, as in the rollups). */
export function actorHash(alias = "e"): Sql {
  return trusted(`${alias}.actor`);
}

/** Actors fall into this many buckets by their hash's low bits (the events index's fourth column). */
export const ACTOR_BUCKETS = 64;

/** An event's actor bucket, written as in the index (migration events_actor_buckets) so the planner matches it. */
export function actorBucket(alias = "e"): Sql {
  return trusted(`((${alias}.actor & ${ACTOR_BUCKETS - 1})::smallint)`);
}

/** The comparisons a numeric property filter compiles to. */
const NUMERIC_OPERATORS = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function numericOperator(filter: Filter): string {
  return NUMERIC_OPERATORS[filter.op as keyof typeof NUMERIC_OPERATORS];
}

/** A filter's value as text values: the list of `in` and `not_in`, the one value of the others. */
export function filterValues(filter: Filter): string[] {
  return (Array.isArray(filter.value) ? filter.value : [filter.value]).map(String);
}

/** The operators textFilterCondition compiles (numeric comparisons are for properties). */
export const TEXT_FILTER_OPERATORS: ReadonlySet<Filter["op"]> = new Set(
  filterSchema.shape.op.options.filter((op) => !(op in NUMERIC_OPERATORS)),
);

/** The dimension a trend (its breakdown) or a breakdown groups by. */
export function groupByOf(query: QueryDefinition): Dimension | undefined {
  if (query.kind === "trend") return query.breakdown?.dimension;
  if (query.kind === "breakdown") return query.dimension;
  return undefined;
}

/** A filter on a text expression: an event column, or a rollup's dimension value. */
export function textFilterCondition(filter: Filter, text: Sql): Sql {
  const v = filter.value;
  switch (filter.op) {
    case "equals":
      return sql`${text} = ${String(v)}`;
    case "not_equals":
      return sql`${text} IS DISTINCT FROM ${String(v)}`;
    case "contains":
      return sql`strpos(lower(${text}), lower(${String(v)})) > 0`;
    case "not_contains":
      return sql`COALESCE(strpos(lower(${text}), lower(${String(v)})), 0) = 0`;
    case "matches":
      return sql`${text} LIKE ${likePatternOf(String(v))}`;
    case "in":
      return sql`${text} = ANY(${(v as (string | number)[]).map(String)}::text[])`;
    case "not_in":
      return sql`NOT COALESCE(${text} = ANY(${(v as (string | number)[]).map(String)}::text[]), false)`;
    case "is_set":
      return sql`${text} IS NOT NULL`;
    case "is_not_set":
      return sql`${text} IS NULL`;
    default:
      throw new ApiError(
        "invalid_request",
        `query.filters: "${filter.op}" compares numbers and needs a properties.<name> field`,
      );
  }
}

/**
 * A filter on a derived table's NOT NULL text column that stores "no value" as '': keeps the rows
 * textFilterCondition over NULLIF(column, '') keeps, written on the bare column where it can be, so
 * the planner estimates it from the column's statistics and reads it as an index condition
 * (through NULLIF a country's bitmaps were estimated at 0.5 % of the rows, 32 for 741, and joined
 * by rescanning). For WHERE clauses: where the NULLIF form is NULL this one may be false.
 */
export function storedTextFilterCondition(filter: Filter, column: Sql): Sql {
  const v = filter.value;
  switch (filter.op) {
    case "equals":
      // Equality to "" keeps nothing through NULLIF; the general form says so.
      if (String(v) !== "") return sql`${column} = ${String(v)}`;
      break;
    case "in":
      return sql`${column} = ANY(${(v as (string | number)[]).map(String).filter((x) => x !== "")}::text[])`;
    case "is_set":
      return sql`${column} <> ''`;
    case "is_not_set":
      return sql`${column} = ''`;
  }
  return textFilterCondition(filter, sql`NULLIF(${column}, '')`);
}

/** Property filters compare JSON values, so 42 and "42" are different, as they are in the data. */
function propertyFilterCondition(filter: Filter, path: `properties.${string}`, alias: string): Sql {
  const json = sql`${trusted(alias)}.properties #> ${propertyPath(path)}::text[]`;
  const v = filter.value;
  switch (filter.op) {
    case "equals":
      return sql`${json} = ${JSON.stringify(v)}::jsonb`;
    case "not_equals":
      return sql`${json} IS DISTINCT FROM ${JSON.stringify(v)}::jsonb`;
    case "is_set":
      // An absent property (SQL NULL) is not set, like a JSON null: `IS DISTINCT FROM` kept it.
      return sql`COALESCE(jsonb_typeof(${json}) <> 'null', false)`;
    case "is_not_set":
      return sql`COALESCE(jsonb_typeof(${json}), 'null') = 'null'`;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return sql`${propertyNumber(path, alias)} ${trusted(numericOperator(filter))} ${v as number}`;
    default:
      return textFilterCondition(filter, dimensionText(path, alias));
  }
}

function filterCondition(filter: Filter, alias: string): Sql {
  const field = filter.field;
  // A conversion filter keeps actors, not events, within the query's range: lib/query/conversion-filter.ts.
  if (field === CONVERSION_FIELD || field === GOAL_FIELD)
    throw new Error("conversion filters compile with their scope (allFiltersCondition)");
  if (isVisitorDimension(field)) throw new Error("visitor filters compile with their scope (allFiltersCondition)");
  return isPropertyPath(field)
    ? propertyFilterCondition(filter, field, alias)
    : textFilterCondition(filter, dimensionText(field, alias));
}

export function filtersCondition(filters: readonly Filter[], alias = "e"): Sql {
  if (filters.length === 0) return trusted("TRUE");
  return join(
    filters.map((f) => sql`(${filterCondition(f, alias)})`),
    " AND ",
  );
}
