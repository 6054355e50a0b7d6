// Alert rules and channels as the API, the alerts page and the widget menu write them (zod, no
// server code: the UI validates with the same schemas). A rule's query is the reports engine's own
// metric or trend definition (lib/query/schemas.ts), so anything a widget shows can be alerted on;
// the rule's window replaces the query's range.
import { z } from "zod";
import { metricQuerySchema, trendQuerySchema } from "../query/schemas";
import { storableText } from "../text";

/** What is measured: a metric or a trend definition, without a range of its own (the window is the range). */
export const alertQuerySchema = z.discriminatedUnion("kind", [
  metricQuerySchema.omit({ range: true, timezone: true, compare: true }),
  trendQuerySchema.omit({ range: true, timezone: true }),
]);

/** Rolling windows up to a week; windows of SHORT_WINDOW_MINUTES or less are also evaluated when events arrive. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
export const SHORT_WINDOW_MINUTES = 15;

export const alertWindowSchema = z.union([
  z.object({ minutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES) }),
  /** Today so far, in the project's time zone. */
  z.object({ calendar: z.literal("today") }),
]);

const finite = z.number().finite();

export const alertConditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("threshold"), op: z.enum(["above", "below"]), value: finite }),
  z.object({
    type: z.literal("change"),
    /** The window just before, or the same window a week earlier. */
    compare_to: z.enum(["previous_window", "week_ago"]),
    unit: z.enum(["percent", "absolute"]),
    direction: z.enum(["increase", "decrease", "either"]).default("either"),
    /** How large a change breaches (percent points or the measure's unit), always positive. */
    value: finite.positive(),
  }),
  z.object({
    type: z.literal("anomaly"),
    /** The same window of the week (same hour of the week) over this many past weeks forms the band. */
    weeks: z.number().int().min(2).max(8).default(4),
    /** Band half-width in robust deviations (1.4826 x the median absolute deviation). */
    k: z.number().positive().max(20).default(3),
    direction: z.enum(["above", "below", "either"]).default("either"),
    /** Neither the value nor the band's median reaches this: not an anomaly (tiny numbers page nobody). */
    min_volume: z.number().nonnegative().default(10),
  }),
  /** No matching events at all for this long (tracking broke); the rule's window and measure are not used. */
  z.object({ type: z.literal("no_data"), minutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES) }),
]);

const name = storableText().trim().min(1).max(200);
const seconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);

const ruleFields = {
  name,
  query: alertQuerySchema,
  window: alertWindowSchema,
  condition: alertConditionSchema,
  channel_ids: z.array(z.guid()).max(20).default([]),
  /** The condition must hold this long before the rule fires (against flapping). */
  min_duration_seconds: seconds.default(0),
  /** After resolving, the rule does not fire again for this long. */
  cooldown_seconds: seconds.default(0),
  /** Evaluated and recorded, but nothing is sent until then. */
  muted_until: z.iso.datetime({ offset: true }).nullable().default(null),
  enabled: z.boolean().default(true),
};

export const alertRuleCreateSchema = z.object({ project_id: z.guid(), ...ruleFields }).strict();

/** Every field optional; absent ones keep their value (no defaults applied). */
export const alertRuleUpdateSchema = z
  .object({
    name,
    query: alertQuerySchema,
    window: alertWindowSchema,
    condition: alertConditionSchema,
    channel_ids: ruleFields.channel_ids.unwrap(),
    min_duration_seconds: seconds,
    cooldown_seconds: seconds,
    muted_until: z.iso.datetime({ offset: true }).nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

/** What is stored in alert_rules.definition. */
export const alertDefinitionSchema = z.object({
  query: alertQuerySchema,
  window: alertWindowSchema,
  condition: alertConditionSchema,
});

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const alertChannelCreateSchema = z.discriminatedUnion("kind", [
  z.object({ project_id: z.guid(), name, kind: z.literal("webhook"), url: httpUrl }).strict(),
  z.object({ project_id: z.guid(), name, kind: z.literal("slack"), url: httpUrl }).strict(),
  z.object({ project_id: z.guid(), name, kind: z.literal("email"), to: z.array(z.email()).min(1).max(20) }).strict(),
  z.object({ project_id: z.guid(), name, kind: z.literal("in_app") }).strict(),
]);

/** A channel's changes: its kind stays; `rotate_secret` gives a webhook a new signing secret, shown once. */
export const alertChannelUpdateSchema = z
  .object({
    name: name.optional(),
    url: httpUrl.optional(),
    to: z.array(z.email()).min(1).max(20).optional(),
    rotate_secret: z.literal(true).optional(),
  })
  .strict()
  .refine((update) => Object.keys(update).length > 0, { message: "give at least one change" });

export const ALERT_STATES = ["ok", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export type AlertQuery = z.infer<typeof alertQuerySchema>;
export type AlertWindow = z.infer<typeof alertWindowSchema>;
export type AlertCondition = z.infer<typeof alertConditionSchema>;
export type AlertDefinition = z.infer<typeof alertDefinitionSchema>;
export type AlertRuleCreate = z.infer<typeof alertRuleCreateSchema>;
export type AlertRuleCreateInput = z.input<typeof alertRuleCreateSchema>;
export type AlertRuleUpdate = z.infer<typeof alertRuleUpdateSchema>;
export type AlertChannelCreate = z.infer<typeof alertChannelCreateSchema>;
