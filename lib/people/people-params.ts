// The people routes' query strings, validated: exactly one person id, and for the timeline the page
// size and cursor. Repeated parameters are refused rather than one of them silently picked.
import { ApiError } from "../errors";
import { type PersonRef, personRefSchema, toPersonRef } from "./schemas";
import { type TimelineCursor, timelineQuerySchema } from "./timeline-cursor";

function single(params: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1)
      throw new ApiError("invalid_request", `${key}: given more than once`, [
        { path: key, message: "given more than once" },
      ]);
    values[key] = params.get(key) ?? "";
  }
  return values;
}

export function parsePersonParams(params: URLSearchParams): PersonRef {
  const { user_id, anonymous_id } = single(params);
  return toPersonRef(personRefSchema.parse({ user_id, anonymous_id }));
}

export function parseTimelineParams(params: URLSearchParams): {
  person: PersonRef;
  limit: number;
  cursor?: TimelineCursor;
} {
  const { limit, cursor } = single(params);
  return { person: parsePersonParams(params), ...timelineQuerySchema.parse({ limit, cursor }) };
}
