// The widget builder's form state, kept as plain data so it can be tested without a browser:
// one reducer, and a conversion to the widget input the API validates.
import type { Dimension, Filter, Measure, QueryDefinitionInput } from "../query/schemas";
import type { Viz, WidgetInput } from "./schemas";

export type Kind = QueryDefinitionInput["kind"];

export interface BuilderState {
  title: string;
  kind: Kind;
  viz: Viz["type"];
  event: string;
  measure: Measure["type"];
  property: string;
  dimension: Dimension;
  interval: "hour" | "day" | "week" | "month";
  limit: number;
  steps: string[];
  windowDays: number;
  startEvent: string;
  returnEvent: string;
  period: "day" | "week";
  /** Vitals: one row per page, device or browser, or "" for one row overall. */
  groupBy: "" | "page" | "device" | "browser";
  filters: Filter[];
}

/** Which visualisations suit each kind; the first is the default. */
export const vizForKind: Record<Kind, Viz["type"][]> = {
  trend: ["line", "bar", "area", "table"],
  metric: ["metric"],
  breakdown: ["bar", "pie", "donut", "table"],
  funnel: ["funnel", "table"],
  retention: ["retention", "table"],
  vitals: ["vitals"],
  errors: ["errors"],
};

export const initialBuilderState: BuilderState = {
  title: "",
  kind: "trend",
  viz: "line",
  event: "",
  measure: "count",
  property: "",
  dimension: "path",
  interval: "day",
  limit: 10,
  steps: ["pageview", "signup"],
  windowDays: 7,
  startEvent: "pageview",
  returnEvent: "pageview",
  period: "week",
  groupBy: "page",
  filters: [],
};

export type BuilderAction =
  | { type: "set"; field: Exclude<keyof BuilderState, "kind" | "steps" | "filters">; value: string | number }
  | { type: "kind"; kind: Kind }
  | { type: "step"; index: number; event: string }
  | { type: "add-step" }
  | { type: "remove-step"; index: number }
  | { type: "add-filter"; filter: Filter }
  | { type: "remove-filter"; index: number }
  | { type: "load"; state: BuilderState };

export function builderReducer(state: BuilderState, action: BuilderAction): BuilderState {
  switch (action.type) {
    case "set":
      return { ...state, [action.field]: action.value };
    case "kind":
      // A visualisation that does not fit the new kind falls back to that kind's default.
      return {
        ...state,
        kind: action.kind,
        viz: vizForKind[action.kind].includes(state.viz) ? state.viz : vizForKind[action.kind][0]!,
      };
    case "step":
      return { ...state, steps: state.steps.map((s, i) => (i === action.index ? action.event : s)) };
    case "add-step":
      return state.steps.length >= 10 ? state : { ...state, steps: [...state.steps, ""] };
    case "remove-step":
      return state.steps.length <= 2 ? state : { ...state, steps: state.steps.filter((_, i) => i !== action.index) };
    case "add-filter":
      return { ...state, filters: [...state.filters, action.filter] };
    case "remove-filter":
      return { ...state, filters: state.filters.filter((_, i) => i !== action.index) };
    case "load":
      return action.state;
  }
}

function measureOf(state: BuilderState): Measure {
  if (state.measure === "sum" || state.measure === "avg" || state.measure === "min" || state.measure === "max") {
    return { type: state.measure, property: `properties.${state.property}` };
  }
  return { type: state.measure };
}

export function toQuery(state: BuilderState): QueryDefinitionInput {
  const event = state.event.trim() || undefined;
  const filters = state.filters;
  switch (state.kind) {
    case "trend":
      return { kind: "trend", event, measure: measureOf(state), interval: state.interval, filters };
    case "metric":
      return { kind: "metric", event, measure: measureOf(state), filters };
    case "breakdown":
      return {
        kind: "breakdown",
        event,
        measure: measureOf(state),
        dimension: state.dimension,
        limit: state.limit,
        filters,
      };
    case "funnel":
      return {
        kind: "funnel",
        steps: state.steps.map((e) => ({ event: e.trim() })),
        window: { value: state.windowDays, unit: "day" },
        filters,
      };
    case "retention":
      return {
        kind: "retention",
        start_event: state.startEvent.trim(),
        return_event: state.returnEvent.trim(),
        period: state.period,
        filters,
      };
    case "vitals":
      return { kind: "vitals", group_by: state.groupBy || undefined, limit: state.limit, filters };
    case "errors":
      return { kind: "errors", interval: state.interval, limit: state.limit, filters };
  }
}

function defaultTitle(state: BuilderState): string {
  if (state.kind === "vitals") return state.groupBy ? `Web vitals by ${state.groupBy}` : "Web vitals";
  if (state.kind === "errors") return "JavaScript errors";
  const subject =
    state.kind === "funnel"
      ? state.steps.join(" → ")
      : state.kind === "retention"
        ? `${state.startEvent} retention`
        : state.event || "All events";
  return state.kind === "breakdown" ? `${subject} by ${state.dimension}` : subject;
}

export function toWidgetInput(state: BuilderState): WidgetInput {
  return {
    title: state.title.trim() || defaultTitle(state),
    query: toQuery(state),
    viz: { type: state.viz, ...(state.measure === "bounce_rate" ? { invert: true } : {}) },
  };
}

/** Rebuilds the form from a saved widget (for editing); unknown shapes keep the defaults. */
export function fromWidget(title: string, query: QueryDefinitionInput, viz: Viz): BuilderState {
  const base: BuilderState = {
    ...initialBuilderState,
    title,
    kind: query.kind,
    viz: viz.type,
    filters: query.filters ?? [],
  };
  switch (query.kind) {
    case "trend":
    case "metric":
    case "breakdown": {
      const measure = query.measure ?? { type: "count" };
      const property = "property" in measure ? measure.property.replace(/^properties\./, "") : "";
      const extra =
        query.kind === "trend"
          ? { interval: query.interval ?? "day" }
          : query.kind === "breakdown"
            ? { dimension: query.dimension, limit: query.limit ?? 10 }
            : {};
      return { ...base, event: query.event ?? "", measure: measure.type, property, ...extra };
    }
    case "funnel":
      return {
        ...base,
        steps: query.steps.map((s) => s.event),
        windowDays: query.window?.unit === "day" ? query.window.value : 7,
      };
    case "retention":
      return {
        ...base,
        startEvent: query.start_event,
        returnEvent: query.return_event,
        period: query.period ?? "week",
      };
    case "vitals":
      return { ...base, groupBy: query.group_by ?? "", limit: query.limit ?? 20 };
    case "errors":
      return { ...base, interval: query.interval ?? "day", limit: query.limit ?? 20 };
  }
}
