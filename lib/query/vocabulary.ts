// The query language's fixed words, kept free of zod so small client bundles (the embed) can use
// them without pulling in the schemas.

/**
 * Dimensions of the visitor rather than the event (lib/query/first-seen.ts): whether they are new
 * in the period (first seen in it) or returning, and their first event's referrer, UTM source and page.
 */
export const VISITOR_DIMENSIONS = ["visitor_type", "first_referrer", "first_utm_source", "first_page"] as const;

export type VisitorDimension = (typeof VISITOR_DIMENSIONS)[number];

export function isVisitorDimension(field: string): field is VisitorDimension {
  return (VISITOR_DIMENSIONS as readonly string[]).includes(field);
}

/** The values of visitor_type. */
export const VISITOR_TYPES = ["new", "returning"] as const;
export type VisitorType = (typeof VISITOR_TYPES)[number];

/**
 * Dimensions reports can group and filter by: event columns (lib/query/fields.ts), then the
 * session's (lib/query/session-dimensions.ts) and the visitor's (lib/query/first-seen.ts).
 */
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
  "entry_page",
  "exit_page",
  ...VISITOR_DIMENSIONS,
] as const;

/**
 * Dimensions of a session rather than of an event (lib/query/session-dimensions.ts): the path of the
 * session's first and last pageview, given to every event of the session.
 */
export const SESSION_DIMENSIONS = ["entry_page", "exit_page"] as const;

export type SessionDimension = (typeof SESSION_DIMENSIONS)[number];

export const isSessionDimension = (dimension: string): dimension is SessionDimension =>
  (SESSION_DIMENSIONS as readonly string[]).includes(dimension);

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
  entry_page: "Entry page",
  exit_page: "Exit page",
  visitor_type: "Visitor type",
  first_referrer: "First referrer",
  first_utm_source: "First UTM source",
  first_page: "First page",
};

/**
 * A dimension as people read it: the built-in ones from DIMENSION_LABELS, a property by its path
 * ("properties.plan.tier" → "Plan tier"). Anything else (a saved widget from an older version) is
 * shown as written, never hidden.
 */
export function dimensionLabel(dimension: string): string {
  if (dimension in DIMENSION_LABELS) return DIMENSION_LABELS[dimension as BuiltInDimension];
  const name = dimension.replace(/^properties\./, "").replace(/[_.]/g, " ");
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Dimensions whose missing value means the visit came from no link and no campaign. */
const DIRECT_WHEN_MISSING = new Set<string>([
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "first_referrer",
  "first_utm_source",
]);
/** Dimensions filled in by the server from the request (user agent, proxy header): missing means it could not tell. */
const UNKNOWN_WHEN_MISSING = new Set<string>([
  "browser",
  "os",
  "device",
  "country",
  "locale",
  "app_version",
  "visitor_type",
]);

/** What a missing value (the "no value" group of a breakdown) is called for a dimension. */
export function missingValueLabel(dimension: string): string {
  if (DIRECT_WHEN_MISSING.has(dimension)) return "Direct / none";
  if (UNKNOWN_WHEN_MISSING.has(dimension)) return "Unknown";
  // A session without a pageview (only custom events) has no entry or exit page.
  if (isSessionDimension(dimension)) return "No pageview";
  return "Not set";
}

const VISITOR_TYPE_LABELS: Record<string, string> = { new: "New", returning: "Returning" };

const DEVICE_LABELS: Record<string, string> = {
  desktop: "Desktop",
  mobile: "Mobile",
  tablet: "Tablet",
  console: "Console",
  smarttv: "Smart TV",
  wearable: "Wearable",
  embedded: "Embedded",
  xr: "XR headset",
};

// Intl.DisplayNames is built once per locale and kind: constructing one costs more than a lookup.
const displayNames = new Map<string, Intl.DisplayNames | null>();
function displayName(type: "region" | "language", code: string, locale?: string): string | undefined {
  const cacheKey = `${type}:${locale ?? ""}`;
  let names = displayNames.get(cacheKey);
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(locale, { type, fallback: "none" });
    } catch {
      names = null; // an unknown locale tag: show codes as they are
    }
    displayNames.set(cacheKey, names);
  }
  try {
    return names?.of(code) ?? undefined;
  } catch {
    return undefined; // not a well-formed code (RangeError): shown as stored
  }
}

/**
 * A dimension's value as people read it. Data keeps the stored value (filters, URLs and CSV cells
 * hold "FR", "desktop"); only what is shown changes: country codes become country names and locale
 * tags language names in the reader's locale, device types are capitalised, and a missing value is
 * named for what it means ("Direct / none" for a visit without referrer or campaign).
 */
export function dimensionValueLabel(dimension: string, value: string | null, locale?: string): string {
  if (value === null || value === "") return missingValueLabel(dimension);
  if (dimension === "country" && /^[A-Za-z]{2}$/.test(value))
    return displayName("region", value.toUpperCase(), locale) ?? value;
  if (dimension === "locale") return displayName("language", value, locale) ?? value;
  if (dimension === "visitor_type") return VISITOR_TYPE_LABELS[value] ?? value;
  if (dimension === "device")
    return DEVICE_LABELS[value.toLowerCase()] ?? value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}

export const MEASURE_TYPES = [
  "count",
  "unique_users",
  "new_users",
  "returning_users",
  "sessions",
  "bounce_rate",
  "avg_session_duration",
  "pages_per_session",
  "time_on_page",
  "conversion_rate",
  "sum",
  "avg",
  "min",
  "max",
  "goal_conversion_rate",
  "goal_visitors",
  "goal_completions",
] as const;

export type MeasureType = (typeof MEASURE_TYPES)[number];

/** Measures of one of the project's goals (lib/goals), named by its id. */
export const GOAL_MEASURES = [
  "goal_conversion_rate",
  "goal_visitors",
  "goal_completions",
] as const satisfies readonly MeasureType[];

export function isGoalMeasure(type: string | undefined): type is (typeof GOAL_MEASURES)[number] {
  return (GOAL_MEASURES as readonly string[]).includes(type ?? "");
}

/** Measures that aggregate a numeric property (properties.<name>). */
export const PROPERTY_MEASURES = ["sum", "avg", "min", "max"] as const satisfies readonly MeasureType[];

/** How people read each measure: the builder's choices, column headings, CSV headers. */
export const MEASURE_LABELS: Record<MeasureType, string> = {
  count: "Events",
  unique_users: "Visitors",
  new_users: "New visitors",
  returning_users: "Returning visitors",
  sessions: "Sessions",
  bounce_rate: "Bounce rate",
  avg_session_duration: "Session duration (average)",
  pages_per_session: "Pages per session",
  time_on_page: "Time on page (average)",
  conversion_rate: "Conversion rate",
  sum: "Sum of a property",
  avg: "Average of a property",
  min: "Smallest value of a property",
  max: "Largest value of a property",
  goal_conversion_rate: "Goal conversion rate",
  goal_visitors: "Visitors who completed a goal",
  goal_completions: "Goal completions",
};

const GOAL_MEASURE_WORDS: Record<(typeof GOAL_MEASURES)[number], string> = {
  goal_conversion_rate: "conversion rate",
  goal_visitors: "visitors",
  goal_completions: "completions",
};

const PROPERTY_MEASURE_WORDS: Record<(typeof PROPERTY_MEASURES)[number], string> = {
  sum: "Sum",
  avg: "Average",
  min: "Smallest",
  max: "Largest",
};

/**
 * A measure with its property named ("Sum of amount") or its goal's name when known ("Signed up:
 * conversion rate"), else the measure's own label.
 */
export function measureLabel(measure: { type: MeasureType; property?: string }, goalName?: string): string {
  if (isGoalMeasure(measure.type) && goalName) return `${goalName}: ${GOAL_MEASURE_WORDS[measure.type]}`;
  const word = PROPERTY_MEASURE_WORDS[measure.type as (typeof PROPERTY_MEASURES)[number]];
  if (!word || !measure.property) return MEASURE_LABELS[measure.type];
  return `${word} of ${measure.property.replace(/^properties\./, "")}`;
}

export const QUERY_KINDS = [
  "trend",
  "metric",
  "breakdown",
  "funnel",
  "retention",
  "vitals",
  "errors",
  "paths",
] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export const KIND_LABELS: Record<QueryKind, string> = {
  trend: "Trend over time",
  metric: "Single number",
  breakdown: "Top values",
  funnel: "Funnel",
  retention: "Retention",
  vitals: "Web vitals",
  errors: "JavaScript errors",
  paths: "Paths",
};

export const VIZ_LABELS = {
  line: "Line chart",
  bar: "Bar chart",
  area: "Area chart",
  pie: "Pie chart",
  donut: "Donut chart",
  table: "Table",
  metric: "Number",
  funnel: "Funnel bars",
  retention: "Cohort grid",
  vitals: "Vitals table",
  errors: "Error groups",
  sankey: "Flow (Sankey)",
} as const;

export const INTERVAL_LABELS = { hour: "Hour", day: "Day", week: "Week", month: "Month" } as const;

export const PERIOD_LABELS = { day: "Daily", week: "Weekly" } as const;

export const WINDOW_UNIT_LABELS = { minute: "Minutes", hour: "Hours", day: "Days" } as const;

export const FILTER_OPS = [
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  /** A wildcard pattern, "*" for any run of characters ("/blog/*"): lib/query/wildcard.ts. */
  "matches",
  "in",
  "not_in",
  "is_set",
  "is_not_set",
  "gt",
  "gte",
  "lt",
  "lte",
] as const;

export type FilterOp = (typeof FILTER_OPS)[number];

/** Operators as they read between a field and a value: "Country is France". */
export const FILTER_OP_LABELS: Record<FilterOp, string> = {
  equals: "is",
  not_equals: "is not",
  contains: "contains",
  not_contains: "does not contain",
  matches: "matches",
  in: "is one of",
  not_in: "is none of",
  is_set: "is set",
  is_not_set: "is not set",
  gt: "is more than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
};

/**
 * The conversion filter's field ("performed": the visitors who did an event, lib/query/schemas.ts
 * where it exists) keeps visitors, not events, so it reads as a phrase of its own per operator.
 */
const CONVERSION_FIELD = "performed";
const CONVERSION_PHRASES: Partial<Record<FilterOp, string>> = {
  equals: "Visitors who did",
  in: "Visitors who did one of",
  not_equals: "Visitors who did not do",
  not_in: "Visitors who did none of",
};

/** The goal filter's field (a conversion filter on one of the project's goals, by id). */
const GOAL_FIELD = "goal";

/**
 * A filter as a sentence: "Country is France", "Page contains /docs", "Plan is set", "Visitors who
 * did signup", "Visitors who completed Signed up" (a goal by its name when `goalNames` has it).
 */
export function filterLabel(
  filter: { field: string; op: FilterOp; value?: string | number | boolean | (string | number)[] },
  locale?: string,
  goalNames?: Readonly<Record<string, string>>,
): string {
  const { field, op, value } = filter;
  if (field === GOAL_FIELD) {
    const goal = goalNames?.[String(value)] ?? "a goal";
    return op === "not_equals" ? `Visitors who did not complete ${goal}` : `Visitors who completed ${goal}`;
  }
  if (field === CONVERSION_FIELD)
    return `${CONVERSION_PHRASES[op] ?? `Visitors: ${FILTER_OP_LABELS[op]}`} ${(Array.isArray(value) ? value : [value]).join(", ")}`;
  if (value === undefined) return `${dimensionLabel(field)} ${FILTER_OP_LABELS[op]}`;
  const shown = (Array.isArray(value) ? value : [value]).map((v) =>
    typeof v === "string" ? dimensionValueLabel(field, v, locale) : String(v),
  );
  return `${dimensionLabel(field)} ${FILTER_OP_LABELS[op]} ${shown.join(", ")}`;
}

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
