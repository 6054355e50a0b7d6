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

export const queryResultSchema = z.discriminatedUnion("kind", [
  trendResultSchema,
  metricResultSchema,
  breakdownResultSchema,
  funnelResultSchema,
  retentionResultSchema,
]);

export type TrendResult = z.infer<typeof trendResultSchema>;
export type MetricResult = z.infer<typeof metricResultSchema>;
export type BreakdownResult = z.infer<typeof breakdownResultSchema>;
export type FunnelResult = z.infer<typeof funnelResultSchema>;
export type FunnelStepResult = z.infer<typeof funnelStepResultSchema>;
export type RetentionResult = z.infer<typeof retentionResultSchema>;
export type QueryResult = z.infer<typeof queryResultSchema>;
