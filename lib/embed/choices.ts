// A viewer's choices (lib/embed/schemas.ts) as they travel in URLs: `range=last_7_days` or
// `from=…&to=…`, and `filter.<dimension>=value`; and the rules for what an embed lets through.
// Free of zod, so the embed's client code can use it (the server validates with zod: read-choices.ts).
import type { BuiltInDimension } from "../query/vocabulary";
import type { EditableField, ViewerChoices } from "./schemas";

export const NO_CHOICES: ViewerChoices = { filters: {} };

const FILTER_PREFIX = "filter.";

/** The choices as query parameters, in a stable order (so equal choices give equal strings). */
export function choicesToSearchParams(choices: ViewerChoices): URLSearchParams {
  const params = new URLSearchParams();
  if (choices.range && "relative" in choices.range) params.set("range", choices.range.relative);
  else if (choices.range) {
    params.set("from", choices.range.from);
    params.set("to", choices.range.to);
  }
  for (const field of Object.keys(choices.filters).sort()) {
    const value = choices.filters[field as BuiltInDimension];
    if (value !== undefined) params.set(`${FILTER_PREFIX}${field}`, value);
  }
  return params;
}

/** A stable identity for a set of choices (change detection). */
export function choicesKey(choices: ViewerChoices): string {
  return choicesToSearchParams(choices).toString();
}

/** The choices a URL asks for, not yet validated; parameters that are not choices are left out. */
export function rawChoicesFromSearchParams(params: URLSearchParams): {
  range?: Record<string, string | null>;
  filters: Record<string, string>;
} {
  const relative = params.get("range");
  const from = params.get("from");
  const to = params.get("to");
  const filters: Record<string, string> = {};
  for (const [key, value] of params)
    if (key.startsWith(FILTER_PREFIX)) filters[key.slice(FILTER_PREFIX.length)] = value;
  return { range: relative !== null ? { relative } : from !== null || to !== null ? { from, to } : undefined, filters };
}

/** The fields these choices set that the embed does not let the viewer change. */
export function nonEditableFields(
  choices: { range?: unknown; filters?: Record<string, unknown> },
  editable: readonly EditableField[],
): string[] {
  const allowed = editable as readonly string[];
  const range = choices.range !== undefined && !allowed.includes("range") ? ["range"] : [];
  return [
    ...range,
    ...Object.keys(choices.filters ?? {}).filter((field) => field === "range" || !allowed.includes(field)),
  ];
}

/** The choices without what the embed does not make editable (e.g. after a new token narrows it). */
export function keepEditable(choices: ViewerChoices, editable: readonly EditableField[]): ViewerChoices {
  const filters = Object.fromEntries(
    Object.entries(choices.filters).filter(([field]) => (editable as readonly string[]).includes(field)),
  );
  return { ...(choices.range && editable.includes("range") ? { range: choices.range } : {}), filters };
}

/** A change to the choices: a range (null for the embed's default) and per-dimension values (null clears one). */
export interface ChoicesChange {
  range?: ViewerChoices["range"] | null;
  filters?: Partial<Record<BuiltInDimension, string | null>>;
}

export function applyChoicesChange(choices: ViewerChoices, change: ChoicesChange): ViewerChoices {
  const filters = { ...choices.filters };
  for (const [field, value] of Object.entries(change.filters ?? {})) {
    if (value === null || value === undefined) delete filters[field as BuiltInDimension];
    else filters[field as BuiltInDimension] = value;
  }
  const range = change.range === undefined ? choices.range : (change.range ?? undefined);
  return { ...(range ? { range } : {}), filters };
}
