// The data contract of query results: what the API returns and the widgets render.
import { z } from "zod";

const bucketSchema = z.object({ start: z.string(), label: z.string() });

const trendSeriesSchema = z.object({
  key: z.string().nullable(),
  other: z.boolean(),
  /** One per bucket; null where the measure is undefined (a rate without sessions) or the bucket is still to come. */
  values: z.array(z.number().nullable()),
  total: z.number().nullable(),
});

export const trendResultSchema = z.object({
  kind: z.literal("trend"),
  interval: z.enum(["hour", "day", "week", "month"]),
  /** The breakdown's dimension when the series are its values, so they can be labelled ("FR" → "France"). */
  dimension: z.string().nullable().optional(),
  buckets: z.array(bucketSchema),
  series: z.array(trendSeriesSchema),
  /**
   * With `compare`: the whole previous period, bucket by bucket against the current buckets (the
   * i-th day, hour... of each, counted on the local clock); null where it has no such bucket.
   */
  previous: z
    .object({
      range: z.object({ from: z.string(), to: z.string() }),
      buckets: z.array(bucketSchema.nullable()),
      series: z.array(trendSeriesSchema),
    })
    .optional(),
});

export const metricResultSchema = z.object({
  kind: z.literal("metric"),
  value: z.number().nullable(),
  previous: z.number().nullable(),
  /** relative: (value - previous) / previous; points: value - previous, for rates (0.021 = 2.1 percentage points). */
  change: z.number().nullable(),
  change_unit: z.enum(["relative", "points"]),
  previous_range: z.object({ from: z.string(), to: z.string() }).nullable(),
});

export const breakdownResultSchema = z.object({
  kind: z.literal("breakdown"),
  dimension: z.string(),
  rows: z.array(z.object({ value: z.string().nullable(), measure: z.number().nullable() })),
  other: z.number().nullable(),
});

const funnelStepResultSchema = z.object({
  index: z.number().int(),
  event: z.string(),
  label: z.string(),
  count: z.number(),
  conversion_from_first: z.number().nullable(),
  conversion_from_previous: z.number().nullable(),
  drop_off: z.number(),
});

export const funnelResultSchema = z.object({
  kind: z.literal("funnel"),
  steps: z.array(funnelStepResultSchema),
  /** The breakdown's dimension, when the groups are its values. */
  dimension: z.string().nullable().optional(),
  breakdown: z
    .array(z.object({ value: z.string().nullable(), other: z.boolean(), steps: z.array(funnelStepResultSchema) }))
    .nullable(),
});

export const retentionResultSchema = z.object({
  kind: z.literal("retention"),
  period: z.enum(["day", "week"]),
  cohorts: z.array(
    z.object({
      start: z.string(),
      label: z.string(),
      size: z.number(),
      counts: z.array(z.number().nullable()),
      rates: z.array(z.number().nullable()),
    }),
  ),
});

/** One metric over a group's page loads: percentiles and the shares rated good / needs improvement / poor. */
const vitalStatsSchema = z.object({
  samples: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
  /** Shares of samples (0-1) by the published thresholds; null for metrics without them (load). */
  good: z.number().nullable(),
  needs_improvement: z.number().nullable(),
  poor: z.number().nullable(),
});

export const VITAL_METRICS = ["lcp", "inp", "cls", "fcp", "ttfb", "load"] as const;
export type VitalMetric = (typeof VITAL_METRICS)[number];

export const vitalsResultSchema = z.object({
  kind: z.literal("vitals"),
  group_by: z.enum(["page", "device", "browser"]).nullable(),
  rows: z.array(
    z.object({
      /** The page, device type or browser; null for the ungrouped row or where it is unknown. */
      value: z.string().nullable(),
      /** Page loads that reported (web_vitals events). */
      samples: z.number(),
      /** null where no page load of the group measured the metric. */
      metrics: z.object(
        Object.fromEntries(VITAL_METRICS.map((m) => [m, vitalStatsSchema.nullable()])) as {
          [M in VitalMetric]: z.ZodNullable<typeof vitalStatsSchema>;
        },
      ),
    }),
  ),
});

export const errorsResultSchema = z.object({
  kind: z.literal("errors"),
  interval: z.enum(["hour", "day", "week", "month"]),
  buckets: z.array(bucketSchema),
  total: z.object({ count: z.number(), users: z.number() }),
  groups: z.array(
    z.object({
      fingerprint: z.string(),
      /** The latest occurrence's message, and its kind (error or unhandledrejection). */
      message: z.string(),
      kind: z.string().nullable(),
      top_frame: z.string(),
      count: z.number(),
      users: z.number(),
      /** Within the query's range. */
      first_seen: z.string(),
      last_seen: z.string(),
      /** Occurrences per bucket. */
      trend: z.array(z.number()),
    }),
  ),
});

/** One value of a path's step: a page, an event, or "other" (the values beyond the step's top ones). */
const pathNodeSchema = z.object({
  type: z.enum(["page", "event", "other"]),
  /** The page's path or the event's name; null for "other". */
  value: z.string().nullable(),
  /** Sessions at this value of this step. */
  count: z.number(),
  /**
   * Sessions whose path goes no further from the anchor than this value: with a start, the session
   * had no next step; with an end, it had no earlier one (it began here).
   */
  drop_off: z.number(),
});

export const pathsResultSchema = z.object({
  kind: z.literal("paths"),
  /** "start": the steps after the anchor; "end": the steps before it. */
  mode: z.enum(["start", "end"]),
  /** The start or end as asked: an event's name, or a page's path or pattern. */
  anchor: z.object({ type: z.enum(["page", "event"]), value: z.string() }),
  /** Steps in time order: positions 0..N after a start, -N..0 before an end (0 is the anchor). */
  steps: z.array(
    z.object({
      position: z.number().int(),
      /** Sessions with a step at this position. */
      count: z.number(),
      /** Sessions at this position but not at the next one away from the anchor. */
      drop_off: z.number(),
      /** The most common values first, "other" last. */
      nodes: z.array(pathNodeSchema),
    }),
  ),
  /** Sessions going from node `from` of step `step` to node `to` of step `step + 1` (indexes into `steps`). */
  links: z.array(z.object({ step: z.number().int(), from: z.number().int(), to: z.number().int(), count: z.number() })),
});

export const queryResultSchema = z.discriminatedUnion("kind", [
  trendResultSchema,
  metricResultSchema,
  breakdownResultSchema,
  funnelResultSchema,
  retentionResultSchema,
  vitalsResultSchema,
  errorsResultSchema,
  pathsResultSchema,
]);

export type TrendResult = z.infer<typeof trendResultSchema>;
export type MetricResult = z.infer<typeof metricResultSchema>;
export type BreakdownResult = z.infer<typeof breakdownResultSchema>;
export type FunnelResult = z.infer<typeof funnelResultSchema>;
export type FunnelStepResult = z.infer<typeof funnelStepResultSchema>;
export type RetentionResult = z.infer<typeof retentionResultSchema>;
export type VitalsResult = z.infer<typeof vitalsResultSchema>;
export type VitalStats = z.infer<typeof vitalStatsSchema>;
export type ErrorsResult = z.infer<typeof errorsResultSchema>;
export type PathsResult = z.infer<typeof pathsResultSchema>;
export type PathNode = z.infer<typeof pathNodeSchema>;
export type QueryResult = z.infer<typeof queryResultSchema>;
