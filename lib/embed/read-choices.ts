// Viewer choices read from a URL on the server, validated with zod. The API is strict (a bad choice is
// the caller's mistake: 400, or 403 when the embed does not make it editable); the page URL is lenient
// (whatever is invalid or not editable is ignored).
import { ApiError, invalidRequest } from "../errors";
import { rangeSchema } from "../query/schemas";
import { nonEditableFields, rawChoicesFromSearchParams } from "./choices";
import { type EditableField, type ViewerChoices, viewerChoicesSchema } from "./schemas";

export function readChoicesStrictly(params: URLSearchParams, editable: readonly EditableField[]): ViewerChoices {
  const parsed = viewerChoicesSchema.safeParse(rawChoicesFromSearchParams(params));
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const refused = nonEditableFields(parsed.data, editable);
  if (refused.length)
    throw new ApiError(
      "forbidden",
      `Not editable in this embed: ${refused.join(", ")}`,
      refused.map((field) => ({ path: field, message: "not editable in this embed" })),
    );
  return parsed.data;
}

export function readEditableChoices(params: URLSearchParams, editable: readonly EditableField[]): ViewerChoices {
  const raw = rawChoicesFromSearchParams(params);
  const range = editable.includes("range") ? rangeSchema.safeParse(raw.range) : undefined;
  const filters: ViewerChoices["filters"] = {};
  for (const [field, value] of Object.entries(raw.filters)) {
    const one = viewerChoicesSchema.safeParse({ filters: { [field]: value } });
    if (one.success && nonEditableFields(one.data, editable).length === 0) Object.assign(filters, one.data.filters);
  }
  return { ...(range?.success ? { range: range.data } : {}), filters };
}
