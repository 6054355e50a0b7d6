// A dashboard view (range + filters, and whether trends show the previous period) as URL search
// params, so every view is a shareable link. Filters travel as repeated `f=field:op:value` params
// (value JSON-encoded when not a plain string); the comparison as `compare=previous`; a saved
// segment (lib/segments) as `segment=<id>`, sent with every panel's query and resolved on the server.
import {
  CONVERSION_FIELD,
  type Filter,
  filterSchema,
  GOAL_FIELD,
  type QueryDefinitionInput,
  type QueryRange,
  RELATIVE_RANGES,
  rangeSchema,
  segmentIdSchema,
} from "./schemas";

export interface ViewState {
  range: QueryRange;
  filters: Filter[];
  /** Trends also draw the previous period, bucket by bucket (a dashed line). */
  compare?: boolean;
  /** A saved segment's id: its filters are ANDed with the view's on the server. */
  segment?: string;
}

const COMPARE_PREVIOUS = "previous";

const DEFAULT_RELATIVE = "last_30_days";
export const DEFAULT_VIEW: ViewState = { range: { relative: DEFAULT_RELATIVE }, filters: [] };

function parseFilter(raw: string): Filter | null {
  const [field, op, ...rest] = raw.split(":");
  const text = rest.join(":");
  let value: unknown = text === "" ? undefined : text;
  if (
    text.startsWith("[") ||
    text === "true" ||
    text === "false" ||
    (text !== "" && !Number.isNaN(Number(text)) && (op === "gt" || op === "gte" || op === "lt" || op === "lte"))
  ) {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  const parsed = filterSchema.safeParse({ field, op, value });
  return parsed.success ? parsed.data : null;
}

function serializeFilter(filter: Filter): string {
  const value =
    filter.value === undefined ? "" : typeof filter.value === "string" ? filter.value : JSON.stringify(filter.value);
  return `${filter.field}:${filter.op}:${value}`;
}

export function parseViewState(params: URLSearchParams): ViewState {
  const relative = params.get("range");
  const from = params.get("from");
  const to = params.get("to");
  let range = DEFAULT_VIEW.range;
  const candidate =
    from && to
      ? { from, to }
      : relative && (RELATIVE_RANGES as readonly string[]).includes(relative)
        ? { relative }
        : null;
  const parsed = candidate ? rangeSchema.safeParse(candidate) : null;
  if (parsed?.success) range = parsed.data;
  const filters = params
    .getAll("f")
    .map(parseFilter)
    .filter((f): f is Filter => f !== null);
  const segment = segmentIdSchema.safeParse(params.get("segment"));
  return {
    range,
    filters,
    ...(params.get("compare") === COMPARE_PREVIOUS ? { compare: true } : {}),
    ...(segment.success ? { segment: segment.data } : {}),
  };
}

export function serializeViewState(view: ViewState): URLSearchParams {
  const params = new URLSearchParams();
  if ("relative" in view.range) {
    if (view.range.relative !== DEFAULT_RELATIVE || view.filters.length) params.set("range", view.range.relative);
  } else {
    params.set("from", view.range.from);
    params.set("to", view.range.to);
  }
  for (const filter of view.filters) params.append("f", serializeFilter(filter));
  if (view.compare) params.set("compare", COMPARE_PREVIOUS);
  if (view.segment) params.set("segment", view.segment);
  return params;
}

/** Adds (or replaces) an equality filter on a field: what clicking a row or bar does. */
export function withDrillDown(view: ViewState, field: Filter["field"], value: string | null): ViewState {
  const others = view.filters.filter((f) => f.field !== field);
  const filter: Filter = value === null ? { field, op: "is_not_set" } : { field, op: "equals", value };
  return { ...view, filters: [...others, filter] };
}

/** Picks a saved segment for the view, or none (null). */
export function withSegment(view: ViewState, segment: string | null): ViewState {
  const { segment: _previous, ...rest } = view;
  return segment === null ? rest : { ...rest, segment };
}

export function withoutFilter(view: ViewState, index: number): ViewState {
  return { ...view, filters: view.filters.filter((_, i) => i !== index) };
}

/**
 * Keeps the visitors who did this event (a conversion filter, replacing any other "did" filter):
 * what clicking a custom event does, so every panel shows those visitors rather than only the
 * event itself.
 */
export function withConversion(view: ViewState, event: string): ViewState {
  const others = view.filters.filter((f) => f.field !== CONVERSION_FIELD && f.field !== GOAL_FIELD);
  return { ...view, filters: [...others, { field: CONVERSION_FIELD, op: "equals", value: event }] };
}

/**
 * Keeps the visitors who completed this goal (its id: a "goal" conversion filter, replacing any
 * other conversion filter): what clicking a goal on the overview does, as clicking a custom event does.
 */
export function withGoalConversion(view: ViewState, goalId: string): ViewState {
  const others = view.filters.filter((f) => f.field !== CONVERSION_FIELD && f.field !== GOAL_FIELD);
  return { ...view, filters: [...others, { field: GOAL_FIELD, op: "equals", value: goalId }] };
}

/** Whether the view keeps the visitors who did an event or completed a goal (so a conversion rate means something). */
export function keepsConverted(view: ViewState): boolean {
  return view.filters.some(
    (f) =>
      (f.field === CONVERSION_FIELD && (f.op === "equals" || f.op === "in")) ||
      (f.field === GOAL_FIELD && f.op === "equals"),
  );
}

/** A panel's query in a view: the view's filters after its own, and on trends the previous period when the view compares. */
export function queryInView(query: QueryDefinitionInput, view: ViewState): QueryDefinitionInput {
  return {
    ...query,
    filters: [...(query.filters ?? []), ...view.filters],
    ...(view.compare && query.kind === "trend" ? { compare: true } : {}),
  };
}
