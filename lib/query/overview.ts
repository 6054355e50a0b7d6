// The project overview's panels, defined once: the dashboard renders them
// (components/dashboard/project-overview.tsx) and bench/query.ts times exactly what they send.
import { PASSIVE_EVENTS } from "./passive-events";
import type { Dimension, Measure, QueryDefinitionInput, QueryRange } from "./schemas";
import { keepsConverted, queryInView, type ViewState, withConversion, withDrillDown } from "./view-state";

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

/** Shown while the view keeps the visitors who did an event or completed a goal: they, over all the range's visitors. */
export const CONVERSION_RATE_METRIC: HeadlineMetric = {
  key: "conversion",
  label: "Conversion rate",
  measure: { type: "conversion_rate" },
};

/** The headline metrics of a view: the conversion rate joins them under a conversion filter. */
export function headlineMetricsFor(view: ViewState): HeadlineMetric[] {
  return keepsConverted(view) ? [...HEADLINE_METRICS, CONVERSION_RATE_METRIC] : HEADLINE_METRICS;
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
  /** Other tables the panel switches to (tabs after its own), as Plausible's Top / Entry / Exit pages. */
  tabs?: BreakdownPanel[];
}

/** Sessions by the page they entered or left on (lib/query/session-dimensions.ts), read from the session rollups. */
const bySessions = (title: string, dimension: Dimension): BreakdownPanel => ({
  title,
  dimension,
  valueLabel: "Sessions",
  query: { kind: "breakdown", dimension, measure: { type: "sessions" }, limit: 10 },
});

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
    tabs: [bySessions("Entry pages", "entry_page"), bySessions("Exit pages", "exit_page")],
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

/**
 * The view after clicking a panel's row (a value, or null for "not set"): a drill-down filter on the
 * panel's dimension, or, on a panel that selects visitors (custom events), a conversion filter keeping
 * the visitors who did that event. The dashboard and bench/query.ts both click through this.
 */
export function selectPanelRow(view: ViewState, panel: BreakdownPanel, value: string | null): ViewState {
  return panel.selects === "visitors" && value !== null
    ? withConversion(view, value)
    : withDrillDown(view, panel.dimension, value);
}

/** The overview's breakdown panel of a dimension (its top-level panels, not their tabs). */
export function breakdownPanelOf(dimension: Dimension): BreakdownPanel {
  const panel = BREAKDOWN_PANELS.find((p) => p.dimension === dimension);
  if (!panel) throw new Error(`the overview has no ${dimension} panel`);
  return panel;
}

/** A goal as the Goals panel lists it (GET /api/v1/projects/{id}/goals). */
export interface OverviewGoal {
  id: string;
  name: string;
}

/**
 * The Goals panel's query per goal: the visitors who completed it (goal_visitors; the panel shows no
 * change, so no previous period). Its conversion rate is that over the Visitors headline (the same
 * view, so the same visitors: goal_conversion_rate's denominator), so a goal costs the page one
 * request, not two.
 */
export const goalVisitorsQuery = (goal: OverviewGoal): QueryDefinitionInput => ({
  kind: "metric",
  measure: { type: "goal_visitors", goal: goal.id },
  compare: false,
});

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
 * given, else the query's own (a saved widget's), else the view's; the view's segment with it.
 */
export function panelRequest(
  query: QueryDefinitionInput,
  view: ViewState,
  range?: QueryRange,
): { query: QueryDefinitionInput; range: QueryRange; segment?: string } {
  return {
    query: queryInView(query, view),
    range: range ?? ("range" in query && query.range ? query.range : view.range),
    // The request's segment, beside any the query keeps (a widget's own): the server ANDs them.
    ...(view.segment ? { segment: view.segment } : {}),
  };
}

/** The queries of the panels' other tabs (entry and exit pages), each sent when its tab is chosen. */
export function overviewTabRequests(view: ViewState) {
  return BREAKDOWN_PANELS.flatMap((panel) => panel.tabs ?? []).map((tab) => ({
    title: tab.title,
    ...panelRequest(tab.query, view),
  }));
}

/** Every query the overview sends for a view with a selected headline metric (and the project's goals), as the dashboard sends them together. */
export function overviewRequests(
  view: ViewState,
  selected: HeadlineMetric = HEADLINE_METRICS[0]!,
  goals: readonly OverviewGoal[] = [],
) {
  return [
    { title: "Any data", ...ANY_DATA_REQUEST },
    ...headlineMetricsFor(view).map((metric) => ({
      title: metric.label,
      ...panelRequest(headlineQuery(metric), view),
    })),
    { title: `${selected.label} over time`, ...panelRequest(trendQuery(selected, view.range), view) },
    ...BREAKDOWN_PANELS.map((panel) => ({ title: panel.title, ...panelRequest(panel.query, view) })),
    ...goals.map((goal) => ({ title: `Goals: ${goal.name}`, ...panelRequest(goalVisitorsQuery(goal), view) })),
  ];
}
