// The project overview's panels, defined once: the dashboard renders them
// (components/dashboard/project-overview.tsx) and bench/query.ts times exactly what they send.
import { PASSIVE_EVENTS } from "./passive-events";
import type { Dimension, Measure, QueryDefinitionInput, QueryRange } from "./schemas";
import { convertedEvents, queryInView, type ViewState } from "./view-state";

export interface HeadlineMetric {
  key: string;
  label: string;
  measure: Measure;
  event?: string;
}

export const HEADLINE_METRICS: HeadlineMetric[] = [
  { key: "visitors", label: "Visitors", measure: { type: "unique_users" } },
  { key: "pageviews", label: "Pageviews", measure: { type: "count" }, event: "pageview" },
  { key: "sessions", label: "Sessions", measure: { type: "sessions" } },
  { key: "bounce", label: "Bounce rate", measure: { type: "bounce_rate" } },
  { key: "duration", label: "Session duration", measure: { type: "avg_session_duration" } },
];

/** Shown while the view keeps the visitors who did an event: they, over all the range's visitors. */
export const CONVERSION_RATE_METRIC: HeadlineMetric = {
  key: "conversion",
  label: "Conversion rate",
  measure: { type: "conversion_rate" },
};

/** The headline metrics of a view: the conversion rate joins them under a conversion filter. */
export function headlineMetricsFor(view: ViewState): HeadlineMetric[] {
  return convertedEvents(view).length ? [...HEADLINE_METRICS, CONVERSION_RATE_METRIC] : HEADLINE_METRICS;
}

export interface BreakdownPanel {
  title: string;
  dimension: Dimension;
  /** What the table's value column is called. */
  valueLabel: string;
  /**
   * What clicking a row keeps: the events with that value (a drill-down filter), or, for event
   * names, the visitors who did that event (a conversion filter: lib/query/conversion-filter.ts).
   */
  selects?: "events" | "visitors";
  query: QueryDefinitionInput & { kind: "breakdown" };
}

const byVisitors = (title: string, dimension: Dimension): BreakdownPanel => ({
  title,
  dimension,
  valueLabel: "Visitors",
  query: { kind: "breakdown", dimension, measure: { type: "unique_users" }, limit: 10 },
});

export const BREAKDOWN_PANELS: BreakdownPanel[] = [
  {
    title: "Top pages",
    dimension: "path",
    valueLabel: "Pageviews",
    query: { kind: "breakdown", dimension: "path", event: "pageview", limit: 10 },
  },
  byVisitors("Referrers", "referrer"),
  byVisitors("UTM sources", "utm_source"),
  byVisitors("Countries", "country"),
  byVisitors("Browsers", "browser"),
  byVisitors("Operating systems", "os"),
  byVisitors("Devices", "device"),
  // New: first seen in the range (lib/query/first-seen.ts); a row drills down to those visitors.
  byVisitors("New vs returning", "visitor_type"),
  {
    title: "Custom events",
    dimension: "event",
    valueLabel: "Events",
    selects: "visitors",
    query: {
      kind: "breakdown",
      dimension: "event",
      limit: 10,
      filters: [{ field: "event", op: "not_in", value: PASSIVE_EVENTS }],
    },
  },
];

export const headlineQuery = (metric: HeadlineMetric): QueryDefinitionInput => ({
  kind: "metric",
  measure: metric.measure,
  event: metric.event,
});

export function trendQuery(metric: HeadlineMetric, range: QueryRange): QueryDefinitionInput {
  const interval =
    "relative" in range && ["today", "yesterday", "last_24_hours"].includes(range.relative) ? "hour" : "day";
  return { kind: "trend", measure: metric.measure, event: metric.event, interval };
}

/** Whether the project has any data: asked once, over 90 days, whatever the view. */
export const ANY_DATA_REQUEST = {
  query: { kind: "metric", compare: false } as QueryDefinitionInput,
  range: { relative: "last_90_days" } as QueryRange,
};

/**
 * The body a panel posts to /api/v1/query for a view (components/hooks/use-query-result.ts): the
 * panel's query in the view (its filters added, its comparison on trends: queryInView), in the range
 * given, else the query's own (a saved widget's), else the view's.
 */
export function panelRequest(query: QueryDefinitionInput, view: ViewState, range?: QueryRange) {
  return {
    query: queryInView(query, view),
    range: range ?? ("range" in query && query.range ? query.range : view.range),
  };
}

/** Every query the overview sends for a view with a selected headline metric, as the dashboard sends them together. */
export function overviewRequests(view: ViewState, selected: HeadlineMetric = HEADLINE_METRICS[0]!) {
  return [
    { title: "Any data", ...ANY_DATA_REQUEST },
    ...headlineMetricsFor(view).map((metric) => ({
      title: metric.label,
      ...panelRequest(headlineQuery(metric), view),
    })),
    { title: `${selected.label} over time`, ...panelRequest(trendQuery(selected, view.range), view) },
    ...BREAKDOWN_PANELS.map((panel) => ({ title: panel.title, ...panelRequest(panel.query, view) })),
  ];
}
