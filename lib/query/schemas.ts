// The query definition: one zod-validated shape used by the query API, the builder UI and embeds.
import { z } from "zod";
import { storableText } from "../text";
import { isValidTimeZone } from "../workspace/schemas";
import { DIMENSIONS, GOAL_MEASURES, RELATIVE_RANGES, VISITOR_TYPES } from "./vocabulary";

// Defined zod-free in vocabulary.ts (the embed's client code needs them); existing importers read them here.
export { DIMENSIONS, RELATIVE_RANGES };

const propertySegment = "[A-Za-z0-9_$-]{1,64}";
/** `properties.a.b`: at most 5 levels, each segment a safe identifier (never interpolated, but bounded). */
const propertyPathPattern = new RegExp(`^properties\\.${propertySegment}(\\.${propertySegment}){0,4}$`);
export const propertyPathSchema = z
  .templateLiteral(["properties.", z.string()])
  .refine((path) => propertyPathPattern.test(path), "must be properties.<name> with letters, digits, _, $ or -");

export const dimensionSchema = z.union([z.enum(DIMENSIONS), propertyPathSchema]);

const scalar = z.union([storableText().max(500), z.number().finite(), z.boolean()]);

/**
 * The conversion filter's field (lib/query/conversion-filter.ts): `{ field: "performed", op:
 * "equals", value: "signup" }` keeps the events of the visitors who did signup in the range;
 * `in` any of several events, `not_equals` / `not_in` the visitors who did not.
 */
export const CONVERSION_FIELD = "performed";
const CONVERSION_OPS = ["equals", "not_equals", "in", "not_in"];
/**
 * The goal filter's field, a conversion filter on one of the project's goals (lib/goals): `{ field:
 * "goal", op: "equals", value: "<goal id>" }` keeps the events of the visitors who completed the
 * goal in the range, `not_equals` of those who did not. Resolved against the project's goals when
 * the query runs (another project's goal, or none: 400).
 */
export const GOAL_FIELD = "goal";
const GOAL_OPS = ["equals", "not_equals"];
/** Conversion filters ("performed" and "goal") one query may hold: each is a semi-join over the range's events. */
export const MAX_CONVERSION_FILTERS = 3;
const isConversionField = (field: string) => field === CONVERSION_FIELD || field === GOAL_FIELD;
const goalId = z.guid();

export const filterSchema = z
  .object({
    field: z.union([dimensionSchema, z.literal(CONVERSION_FIELD), z.literal(GOAL_FIELD)]),
    op: z.enum([
      "equals",
      "not_equals",
      "contains",
      "not_contains",
      "matches",
      "in",
      "not_in",
      "is_set",
      "is_not_set",
      "gt",
      "gte",
      "lt",
      "lte",
    ]),
    value: z
      .union([
        scalar,
        z
          .array(z.union([storableText().max(500), z.number().finite()]))
          .min(1)
          .max(100),
      ])
      .optional(),
  })
  .superRefine((filter, ctx) => {
    const needs = {
      equals: "scalar",
      not_equals: "scalar",
      contains: "string",
      not_contains: "string",
      matches: "string",
      in: "array",
      not_in: "array",
      is_set: "none",
      is_not_set: "none",
      gt: "number",
      gte: "number",
      lt: "number",
      lte: "number",
    }[filter.op];
    const v = filter.value;
    if (filter.field === "visitor_type" && v !== undefined) {
      const values = Array.isArray(v) ? v : [v];
      if (!values.every((value) => (VISITOR_TYPES as readonly unknown[]).includes(value)))
        ctx.addIssue({ code: "custom", path: ["value"], message: `visitor_type is ${VISITOR_TYPES.join(" or ")}` });
    }
    if (filter.field === CONVERSION_FIELD) {
      const names = Array.isArray(v) ? v : [v];
      if (!CONVERSION_OPS.includes(filter.op))
        ctx.addIssue({ code: "custom", path: ["op"], message: `"performed" takes ${CONVERSION_OPS.join(", ")}` });
      else if (!names.every((name) => typeof name === "string" && name.length >= 1 && name.length <= 200))
        ctx.addIssue({ code: "custom", path: ["value"], message: '"performed" needs event names (1-200 characters)' });
    }
    if (filter.field === GOAL_FIELD) {
      if (!GOAL_OPS.includes(filter.op))
        ctx.addIssue({ code: "custom", path: ["op"], message: `"goal" takes ${GOAL_OPS.join(", ")}` });
      else if (!goalId.safeParse(v).success)
        ctx.addIssue({
          code: "custom",
          path: ["value"],
          message: '"goal" needs the id of one of the project\'s goals',
        });
    }
    const ok =
      (needs === "none" && v === undefined) ||
      (needs === "scalar" && v !== undefined && !Array.isArray(v)) ||
      (needs === "string" && typeof v === "string") ||
      (needs === "array" && Array.isArray(v)) ||
      (needs === "number" && typeof v === "number");
    if (!ok)
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `"${filter.op}" needs ${needs === "none" ? "no value" : `a ${needs} value`}`,
      });
  });

// Strict: a measure that takes no property refuses one (400), rather than silently measuring something else.
export const measureSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("count") }),
  z.strictObject({ type: z.literal("unique_users") }),
  /** Visitors first seen in the period (the range, or a trend's bucket): lib/query/first-seen.ts. */
  z.strictObject({ type: z.literal("new_users") }),
  /** Visitors of the period first seen before it. */
  z.strictObject({ type: z.literal("returning_users") }),
  z.strictObject({ type: z.literal("sessions") }),
  z.strictObject({ type: z.literal("bounce_rate") }),
  z.strictObject({ type: z.literal("avg_session_duration") }),
  /** Pageviews per session, on average (sessions without a pageview count as 0). */
  z.strictObject({ type: z.literal("pages_per_session") }),
  /** Seconds from a pageview to the session's next pageview, on average (lib/query/session-dimensions.ts). */
  z.strictObject({ type: z.literal("time_on_page") }),
  /** Visitors who did the event of the query's conversion filter, as a share of all its visitors. */
  z.strictObject({ type: z.literal("conversion_rate") }),
  z.strictObject({ type: z.enum(["sum", "avg", "min", "max"]), property: propertyPathSchema }),
  /**
   * A goal of the project (lib/goals), by id: its completions (events), the visitors who completed
   * it, or those as a share of all visitors (lib/query/goals.ts). Resolved on the server when the
   * query runs: another project's goal or none is a 400.
   */
  z.strictObject({ type: z.enum(GOAL_MEASURES), goal: z.guid("must be the id of one of the project's goals") }),
]);

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * The calendar dates a range may name (as written, before any time zone): no analytics data is
 * older than the Unix epoch, and PostgreSQL refuses some of what ISO 8601 allows (year 0000).
 */
export const EARLIEST_DATE = "1970-01-01";
export const LATEST_DATE = "2100-12-31";
/** UTC offsets of real time zones run from -12:00 to +14:00. */
const offsetPattern = /([+-])(\d{2}):(\d{2})$/;

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/** Why a range edge is refused, or null. One reason at most, so a bad format is not also "out of range". */
function rangeEdgeProblem(value: string): string | null {
  if (!isoDate.safeParse(value).success && !isoDateTime.safeParse(value).success)
    return "must be an ISO date (2026-01-31) or date-time with offset (2026-01-31T12:00:00Z)";
  const day = value.slice(0, 10);
  if (day < EARLIEST_DATE || day > LATEST_DATE) return `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;
  const [, sign, hours, minutes] = offsetPattern.exec(value) ?? [];
  if (sign !== undefined && Number(hours) * 60 + Number(minutes) > (sign === "+" ? 14 * 60 : 12 * 60))
    return "must have a UTC offset between -12:00 and +14:00";
  return null;
}

const rangeEdgeSchema = z.string().superRefine((value, ctx) => {
  const problem = rangeEdgeProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const rangeSchema = z.union([
  z.object({ relative: z.enum(RELATIVE_RANGES) }),
  z
    .object({ from: rangeEdgeSchema, to: rangeEdgeSchema })
    // Bare dates are whole days with `to` inclusive, so a one-day range has from == to.
    .refine(
      (r) =>
        rangeEdgeProblem(r.from) !== null ||
        rangeEdgeProblem(r.to) !== null ||
        (isDate(r.from) && isDate(r.to) ? r.from <= r.to : new Date(r.from) < new Date(r.to)),
      {
        message: "from must be before to",
        path: ["to"],
      },
    ),
]);

export const timezoneSchema = z.string().refine(isValidTimeZone, "must be an IANA time zone such as Europe/Paris");

const eventName = storableText().min(1).max(200);
const limit = z.number().int().min(1).max(100);

const filtersSchema = z
  .array(filterSchema)
  .max(20)
  .refine((filters) => filters.filter((f) => isConversionField(f.field)).length <= MAX_CONVERSION_FILTERS, {
    message: `at most ${MAX_CONVERSION_FILTERS} "performed" and "goal" filters together`,
  });

/**
 * A saved segment of the project (lib/segments): its filters are ANDed with the query's when it
 * runs (lib/segments/resolve.ts). An unknown id, or another project's, is a 400.
 */
export const segmentIdSchema = z.guid("must be a segment id (a UUID)");

const common = {
  filters: filtersSchema.default([]),
  segment: segmentIdSchema.optional(),
  range: rangeSchema.optional(),
  timezone: timezoneSchema.optional(),
};

export const trendQuerySchema = z.object({
  kind: z.literal("trend"),
  event: eventName.optional(),
  measure: measureSchema.default({ type: "count" }),
  interval: z.enum(["hour", "day", "week", "month"]).default("day"),
  breakdown: z.object({ dimension: dimensionSchema, limit: limit.default(5) }).optional(),
  /** Also answer the previous period, bucket by bucket (drawn as a dashed line). */
  compare: z.boolean().default(false),
  ...common,
});

export const metricQuerySchema = z.object({
  kind: z.literal("metric"),
  event: eventName.optional(),
  measure: measureSchema.default({ type: "count" }),
  compare: z.boolean().default(true),
  ...common,
});

export const breakdownQuerySchema = z.object({
  kind: z.literal("breakdown"),
  event: eventName.optional(),
  measure: measureSchema.default({ type: "count" }),
  dimension: dimensionSchema,
  limit: limit.default(10),
  sort: z.enum(["desc", "asc"]).default("desc"),
  ...common,
});

export const funnelStepSchema = z.object({
  event: eventName,
  // A step's filters narrow its events; who did what is the query's filters' business.
  filters: z
    .array(
      filterSchema.refine((f) => !isConversionField(f.field), {
        message: '"performed" and "goal" apply to the whole query: put them in the query\'s filters',
        path: ["field"],
      }),
    )
    .max(10)
    .default([]),
  label: z.string().max(200).optional(),
});

export const funnelQuerySchema = z.object({
  kind: z.literal("funnel"),
  steps: z.array(funnelStepSchema).min(2).max(10),
  window: z
    .object({ value: z.number().int().min(1).max(10_000), unit: z.enum(["minute", "hour", "day"]) })
    .default({ value: 7, unit: "day" }),
  breakdown: z.object({ dimension: dimensionSchema, limit: limit.default(5) }).optional(),
  ...common,
});

export const retentionQuerySchema = z.object({
  kind: z.literal("retention"),
  start_event: eventName,
  return_event: eventName,
  period: z.enum(["day", "week"]).default("week"),
  periods: z.number().int().min(1).max(52).default(8),
  ...common,
});

/** Web vitals from lumen-vitals.js's web_vitals events (lib/query/vitals.ts): percentiles and rating shares. */
export const vitalsQuerySchema = z.object({
  kind: z.literal("vitals"),
  /** One row per page (path), device type or browser, the busiest first; none: one row for everything. */
  group_by: z.enum(["page", "device", "browser"]).optional(),
  limit: limit.default(20),
  ...common,
});

/** JavaScript errors from lumen-errors.js's js_error events grouped by fingerprint (lib/query/errors.ts). */
export const errorsQuerySchema = z.object({
  kind: z.literal("errors"),
  limit: limit.default(20),
  /** The trend's buckets: made coarser when the range has too many (lib/query/cost.ts). */
  interval: z.enum(["hour", "day", "week", "month"]).default("day"),
  ...common,
});

/** Bounds of a paths query (lib/query/kinds/paths.ts): steps from the anchor, and values kept per step. */
export const MAX_PATH_STEPS = 10;
export const MAX_PATH_VALUES = 20;

/**
 * Where a path is anchored: an event by name, or pageviews of a page: its path exactly, or a
 * pattern where `*` matches any characters ("/docs/*").
 */
export const pathAnchorSchema = z.union(
  [z.strictObject({ event: eventName }), z.strictObject({ page: storableText().min(1).max(500) })],
  {
    error:
      'must be { "event": a name of 1-200 characters } or { "page": a path of 1-500 characters, * matching any characters }',
  },
);

/**
 * Paths within sessions (lib/query/kinds/paths.ts): from a start, the next steps; or, with an end,
 * the steps that led to it. Steps are pageviews (by page) and other events (by name), repeats
 * collapsed; each step keeps its `limit` most common values, the rest grouped as "other".
 */
export const pathsQuerySchema = z
  .object({
    kind: z.literal("paths"),
    start: pathAnchorSchema.optional(),
    end: pathAnchorSchema.optional(),
    /** Steps shown beside the anchor (after a start, before an end). */
    steps: z.number().int().min(1).max(MAX_PATH_STEPS).default(5),
    /** Values kept per step; the rest are "other". */
    limit: z.number().int().min(1).max(MAX_PATH_VALUES).default(5),
    ...common,
  })
  .superRefine((query, ctx) => {
    if (query.start && query.end)
      ctx.addIssue({ code: "custom", path: ["end"], message: "give either a start or an end, not both" });
    else if (!query.start && !query.end)
      ctx.addIssue({ code: "custom", path: ["start"], message: "give a start (or an end): an event or a page" });
  });

export const queryDefinitionSchema = z.discriminatedUnion("kind", [
  trendQuerySchema,
  metricQuerySchema,
  breakdownQuerySchema,
  funnelQuerySchema,
  retentionQuerySchema,
  vitalsQuerySchema,
  errorsQuerySchema,
  pathsQuerySchema,
]);

export const queryRequestSchema = z.object({
  project_id: z.guid(),
  query: queryDefinitionSchema,
  range: rangeSchema.optional(),
  timezone: timezoneSchema.optional(),
  /** A segment for this request (the view's picker): ANDed with the query's own segment and filters. */
  segment: segmentIdSchema.optional(),
});

export type Filter = z.infer<typeof filterSchema>;
export type Measure = z.infer<typeof measureSchema>;
export type Dimension = z.infer<typeof dimensionSchema>;
export type QueryRange = z.infer<typeof rangeSchema>;
export type TrendQuery = z.infer<typeof trendQuerySchema>;
export type MetricQuery = z.infer<typeof metricQuerySchema>;
export type BreakdownQuery = z.infer<typeof breakdownQuerySchema>;
export type FunnelQuery = z.infer<typeof funnelQuerySchema>;
export type RetentionQuery = z.infer<typeof retentionQuerySchema>;
export type VitalsQuery = z.infer<typeof vitalsQuerySchema>;
export type ErrorsQuery = z.infer<typeof errorsQuerySchema>;
export type PathAnchor = z.infer<typeof pathAnchorSchema>;
export type PathsQuery = z.infer<typeof pathsQuerySchema>;
export type QueryDefinition = z.infer<typeof queryDefinitionSchema>;
export type QueryDefinitionInput = z.input<typeof queryDefinitionSchema>;
export type QueryRequest = z.infer<typeof queryRequestSchema>;
