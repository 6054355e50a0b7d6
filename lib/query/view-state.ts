// A dashboard view (range + filters) as URL search params, so every view is a shareable link.
// Filters travel as repeated `f=field:op:value` params (value JSON-encoded when not a plain string).
import { type Filter, filterSchema, type QueryRange, RELATIVE_RANGES, rangeSchema } from "./schemas";

export interface ViewState {
  range: QueryRange;
  filters: Filter[];
}

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
  return { range, filters };
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
  return params;
}

/** Adds (or replaces) an equality filter on a field: what clicking a row or bar does. */
export function withDrillDown(view: ViewState, field: Filter["field"], value: string | null): ViewState {
  const others = view.filters.filter((f) => f.field !== field);
  const filter: Filter = value === null ? { field, op: "is_not_set" } : { field, op: "equals", value };
  return { ...view, filters: [...others, filter] };
}

export function withoutFilter(view: ViewState, index: number): ViewState {
  return { ...view, filters: view.filters.filter((_, i) => i !== index) };
}
