// The widget builder's form state, kept as plain data so it can be tested without a browser:
// one reducer, and a conversion to the widget input the API validates. It holds every part of a
// query definition the API takes, so editing a saved widget never drops one (a step's filters, a
// funnel's breakdown, a widget's own range).
import type {
  Dimension,
  Filter,
  FunnelQuery,
  Measure,
  QueryDefinitionInput,
  QueryRange,
  RetentionQuery,
} from "../query/schemas";
import { dimensionLabel, isGoalMeasure, PROPERTY_MEASURES } from "../query/vocabulary";
import type { Viz, WidgetInput } from "./schemas";

export type Kind = QueryDefinitionInput["kind"];
export type WindowUnit = FunnelQuery["window"]["unit"];

export interface StepState {
  /** Tells steps apart while they are edited (React keys); not part of the query. */
  key: number;
  event: string;
  /** The step's name in the chart; empty: the event's name. */
  label: string;
  /** Conditions on this step's event only (e.g. signup with plan = pro). */
  filters: Filter[];
}

export interface BuilderState {
  title: string;
  kind: Kind;
  viz: Viz["type"];
  event: string;
  measure: Measure["type"];
  property: string;
  /** A goal measure's goal (its id, from the goal picker); "" until one is chosen. */
  goal: string;
  /** Breakdown: the dimension grouped by. */
  dimension: Dimension;
  limit: number;
  sort: "desc" | "asc";
  /** Trend and funnel: split into one series or group per value of this dimension; null: not split. */
  splitBy: Dimension | null;
  splitLimit: number;
  interval: "hour" | "day" | "week" | "month";
  /** Metric: compare with the previous period. */
  compare: boolean;
  steps: StepState[];
  windowValue: number;
  windowUnit: WindowUnit;
  startEvent: string;
  returnEvent: string;
  period: RetentionQuery["period"];
  periods: number;
  /** Vitals: one row per page, device or browser, or "" for one row overall. */
  groupBy: "" | "page" | "device" | "browser";
  /** Paths: the steps after a start, or the steps before an end. */
  pathsFrom: "start" | "end";
  /** Paths: whether the start or end is an event (by name) or a page (a path, `*` for any characters). */
  anchorType: "event" | "page";
  anchor: string;
  /** Paths: steps shown beside the start or end, and values kept per step (the rest: "other"). */
  pathSteps: number;
  pathValues: number;
  filters: Filter[];
  /** A saved segment of the widget's own (ANDed with the page's), or null. */
  segment: string | null;
  /** A range of the widget's own, whatever the page's; null: the page's range. */
  range: QueryRange | null;
  /** A time zone of the widget's own (set through the API; kept as it is). */
  timezone: string | null;
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
  paths: ["sankey", "table"],
};

export const MIN_STEPS = 2;
export const MAX_STEPS = 10;

let stepKeys = 0;
const step = (event: string, label = "", filters: Filter[] = []): StepState => ({
  key: stepKeys++,
  event,
  label,
  filters,
});

export const initialBuilderState: BuilderState = {
  title: "",
  kind: "trend",
  viz: "line",
  event: "",
  measure: "count",
  property: "",
  goal: "",
  dimension: "path",
  limit: 10,
  sort: "desc",
  splitBy: null,
  splitLimit: 5,
  interval: "day",
  compare: true,
  steps: [step("pageview"), step("signup")],
  windowValue: 7,
  windowUnit: "day",
  startEvent: "pageview",
  returnEvent: "pageview",
  period: "week",
  periods: 8,
  groupBy: "page",
  pathsFrom: "start",
  anchorType: "page",
  anchor: "/",
  pathSteps: 5,
  pathValues: 5,
  filters: [],
  segment: null,
  range: null,
  timezone: null,
};

type ScalarField = {
  [K in keyof BuilderState]: BuilderState[K] extends string | number | boolean | null ? K : never;
}[keyof BuilderState];

export type BuilderAction =
  | { type: "set"; field: Exclude<ScalarField, "kind">; value: string | number | boolean | null }
  | { type: "kind"; kind: Kind }
  | { type: "range"; range: QueryRange | null }
  | { type: "step"; index: number; event?: string; label?: string }
  | { type: "add-step" }
  | { type: "remove-step"; index: number }
  | { type: "add-step-filter"; index: number; filter: Filter }
  | { type: "remove-step-filter"; index: number; filterIndex: number }
  | { type: "add-filter"; filter: Filter }
  | { type: "remove-filter"; index: number }
  | { type: "load"; state: BuilderState };

const updateStep = (state: BuilderState, index: number, change: (s: StepState) => StepState): BuilderState => ({
  ...state,
  steps: state.steps.map((s, i) => (i === index ? change(s) : s)),
});

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
    case "range":
      return { ...state, range: action.range };
    case "step":
      return updateStep(state, action.index, (s) => ({
        ...s,
        ...(action.event !== undefined ? { event: action.event } : {}),
        ...(action.label !== undefined ? { label: action.label } : {}),
      }));
    case "add-step":
      return state.steps.length >= MAX_STEPS ? state : { ...state, steps: [...state.steps, step("")] };
    case "remove-step":
      return state.steps.length <= MIN_STEPS
        ? state
        : { ...state, steps: state.steps.filter((_, i) => i !== action.index) };
    case "add-step-filter":
      return updateStep(state, action.index, (s) => ({ ...s, filters: [...s.filters, action.filter] }));
    case "remove-step-filter":
      return updateStep(state, action.index, (s) => ({
        ...s,
        filters: s.filters.filter((_, i) => i !== action.filterIndex),
      }));
    case "add-filter":
      return { ...state, filters: [...state.filters, action.filter] };
    case "remove-filter":
      return { ...state, filters: state.filters.filter((_, i) => i !== action.index) };
    case "load":
      return action.state;
  }
}

export function usesProperty(measure: Measure["type"]): measure is (typeof PROPERTY_MEASURES)[number] {
  return (PROPERTY_MEASURES as readonly string[]).includes(measure);
}

function measureOf(state: BuilderState): Measure {
  if (usesProperty(state.measure)) {
    return { type: state.measure, property: `properties.${state.property.trim().replace(/^properties\./, "")}` };
  }
  if (isGoalMeasure(state.measure)) return { type: state.measure, goal: state.goal };
  return { type: state.measure };
}

export function toQuery(state: BuilderState): QueryDefinitionInput {
  const event = state.event.trim() || undefined;
  const common = {
    filters: state.filters,
    ...(state.segment ? { segment: state.segment } : {}),
    ...(state.range ? { range: state.range } : {}),
    ...(state.timezone ? { timezone: state.timezone } : {}),
  };
  const split = state.splitBy ? { breakdown: { dimension: state.splitBy, limit: state.splitLimit } } : {};
  switch (state.kind) {
    case "trend":
      return { kind: "trend", event, measure: measureOf(state), interval: state.interval, ...split, ...common };
    case "metric":
      return {
        kind: "metric",
        event,
        measure: measureOf(state),
        ...(state.compare ? {} : { compare: false }),
        ...common,
      };
    case "breakdown":
      return {
        kind: "breakdown",
        event,
        measure: measureOf(state),
        dimension: state.dimension,
        limit: state.limit,
        ...(state.sort === "asc" ? { sort: "asc" as const } : {}),
        ...common,
      };
    case "funnel":
      return {
        kind: "funnel",
        steps: state.steps.map((s) => ({
          event: s.event.trim(),
          ...(s.label.trim() ? { label: s.label.trim() } : {}),
          ...(s.filters.length ? { filters: s.filters } : {}),
        })),
        window: { value: state.windowValue, unit: state.windowUnit },
        ...split,
        ...common,
      };
    case "retention":
      return {
        kind: "retention",
        start_event: state.startEvent.trim(),
        return_event: state.returnEvent.trim(),
        period: state.period,
        periods: state.periods,
        ...common,
      };
    case "vitals":
      return { kind: "vitals", group_by: state.groupBy || undefined, limit: state.limit, ...common };
    case "errors":
      return { kind: "errors", interval: state.interval, limit: state.limit, ...common };
    case "paths": {
      const anchor = state.anchorType === "event" ? { event: state.anchor.trim() } : { page: state.anchor.trim() };
      return {
        kind: "paths",
        ...(state.pathsFrom === "start" ? { start: anchor } : { end: anchor }),
        steps: state.pathSteps,
        limit: state.pathValues,
        ...common,
      };
    }
  }
}

/** A dimension inside a sentence: "country", "page title", but "UTM source" and "OS" keep their capitals. */
function dimensionInSentence(dimension: Dimension): string {
  const label = dimensionLabel(dimension);
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

function defaultTitle(state: BuilderState): string {
  const by = (dimension: Dimension | null) => (dimension ? ` by ${dimensionInSentence(dimension)}` : "");
  switch (state.kind) {
    case "funnel":
      return state.steps.map((s) => s.label.trim() || s.event.trim()).join(" → ") + by(state.splitBy);
    case "retention":
      return `${state.startEvent} retention`;
    case "breakdown":
      return `${state.event || "All events"}${by(state.dimension)}`;
    case "trend":
      return `${state.event || "All events"}${by(state.splitBy)}`;
    case "metric":
      return state.event || "All events";
    case "vitals":
      return state.groupBy ? `Web vitals by ${state.groupBy}` : "Web vitals";
    case "errors":
      return "JavaScript errors";
    case "paths":
      return `Paths ${state.pathsFrom === "start" ? "from" : "to"} ${state.anchor.trim() || (state.anchorType === "page" ? "a page" : "an event")}`;
  }
}

export function toWidgetInput(state: BuilderState): WidgetInput {
  return {
    title: state.title.trim() || defaultTitle(state),
    query: toQuery(state),
    viz: { type: state.viz, ...(state.measure === "bounce_rate" ? { invert: true } : {}) },
  };
}

/** Rebuilds the form from a saved widget (for editing): every part the query has is kept. */
export function fromWidget(title: string, query: QueryDefinitionInput, viz: Viz): BuilderState {
  const base: BuilderState = {
    ...initialBuilderState,
    title,
    kind: query.kind,
    viz: viz.type,
    filters: query.filters ?? [],
    segment: query.segment ?? null,
    range: query.range ?? null,
    timezone: query.timezone ?? null,
  };
  switch (query.kind) {
    case "trend":
    case "metric":
    case "breakdown": {
      const measure = query.measure ?? { type: "count" };
      const property = "property" in measure ? measure.property.replace(/^properties\./, "") : "";
      const goal = "goal" in measure ? measure.goal : "";
      const common = { ...base, event: query.event ?? "", measure: measure.type, property, goal };
      if (query.kind === "trend")
        return {
          ...common,
          interval: query.interval ?? "day",
          splitBy: query.breakdown?.dimension ?? null,
          splitLimit: query.breakdown?.limit ?? initialBuilderState.splitLimit,
        };
      if (query.kind === "breakdown")
        return { ...common, dimension: query.dimension, limit: query.limit ?? 10, sort: query.sort ?? "desc" };
      return { ...common, compare: query.compare ?? true };
    }
    case "funnel":
      return {
        ...base,
        steps: query.steps.map((s) => step(s.event, s.label ?? "", s.filters ?? [])),
        windowValue: query.window?.value ?? initialBuilderState.windowValue,
        windowUnit: query.window?.unit ?? initialBuilderState.windowUnit,
        splitBy: query.breakdown?.dimension ?? null,
        splitLimit: query.breakdown?.limit ?? initialBuilderState.splitLimit,
      };
    case "retention":
      return {
        ...base,
        startEvent: query.start_event,
        returnEvent: query.return_event,
        period: query.period ?? "week",
        periods: query.periods ?? initialBuilderState.periods,
      };
    case "vitals":
      return { ...base, groupBy: query.group_by ?? "", limit: query.limit ?? 20 };
    case "errors":
      return { ...base, interval: query.interval ?? "day", limit: query.limit ?? 20 };
    case "paths": {
      const anchor = query.start ?? query.end;
      return {
        ...base,
        pathsFrom: query.start ? "start" : "end",
        anchorType: anchor && "event" in anchor ? "event" : "page",
        anchor: anchor ? ("event" in anchor ? anchor.event : anchor.page) : "",
        pathSteps: query.steps ?? initialBuilderState.pathSteps,
        pathValues: query.limit ?? initialBuilderState.pathValues,
      };
    }
  }
}
