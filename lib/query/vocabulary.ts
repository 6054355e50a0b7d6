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

export const RELATIVE_RANGES = ["last_5_minutes", "today", "yesterday", "last_24_hours", "last_7_days", "last_30_days", "last_90_days", "this_week", "this_month", "last_month", "this_year"] as const;

export type RelativeRange = (typeof RELATIVE_RANGES)[number];
