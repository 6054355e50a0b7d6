// The query language's fixed words, kept free of zod so small client bundles (the embed) can use
// them without pulling in the schemas.

/** Dimensions reports can group and filter by, mapped to event columns in lib/query/fields.ts. */
export const DIMENSIONS = [
  "event",
  "path",
  "title",
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "browser",
  "os",
  "device",
  "country",
  "locale",
  "app_version",
] as const;

export type BuiltInDimension = (typeof DIMENSIONS)[number];

/** How people read each dimension's name (filter bars, the embed dialog). */
export const DIMENSION_LABELS: Record<BuiltInDimension, string> = {
  event: "Event",
  path: "Page",
  title: "Page title",
  referrer: "Referrer",
  utm_source: "UTM source",
  utm_medium: "UTM medium",
  utm_campaign: "UTM campaign",
  utm_term: "UTM term",
  utm_content: "UTM content",
  browser: "Browser",
  os: "OS",
  device: "Device",
  country: "Country",
  locale: "Locale",
  app_version: "App version",
};

export const RELATIVE_RANGES = [
  "last_5_minutes",
  "today",
  "yesterday",
  "last_24_hours",
  "last_7_days",
  "last_30_days",
  "last_90_days",
  "this_week",
  "this_month",
  "last_month",
  "this_year",
] as const;

export type RelativeRange = (typeof RELATIVE_RANGES)[number];

/** How people read each relative range (range pickers, embeds' filter bars, widgets with a range of their own). */
export const RANGE_LABELS: Record<RelativeRange, string> = {
  last_5_minutes: "Last 5 minutes",
  today: "Today",
  yesterday: "Yesterday",
  last_24_hours: "Last 24 hours",
  last_7_days: "Last 7 days",
  last_30_days: "Last 30 days",
  last_90_days: "Last 90 days",
  this_week: "This week",
  this_month: "This month",
  last_month: "Last month",
  this_year: "This year",
};

/** A range as people read it: a preset's name, or "from – to" as written. */
export function rangeLabel(range: { relative: RelativeRange } | { from: string; to: string }): string {
  return "relative" in range ? RANGE_LABELS[range.relative] : `${range.from} – ${range.to}`;
}
