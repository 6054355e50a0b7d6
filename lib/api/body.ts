// JSON bodies of the app's own API routes: small JSON objects, never nested deeper than the app's
// own shapes, and holding only text PostgreSQL can store (a 400 naming the place otherwise).
import { ApiError, invalidRequest } from "../errors";
import { findJsonProblem } from "../text";
import { readJsonBody } from "./read-body";

const MAX_APP_BODY_BYTES = 256 * 1024;
/** The deepest body the app sends is a widget's filter list (body.query.filters[i].value[j]: 5 levels). */
const MAX_APP_BODY_DEPTH = 16;

export async function readAppBody(request: Request, maxBytes = MAX_APP_BODY_BYTES): Promise<unknown> {
  const body = await readJsonBody(request, maxBytes);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError("invalid_request", "The body must be a JSON object");
  const problem = findJsonProblem(body, { maxDepth: MAX_APP_BODY_DEPTH, text: true });
  if (problem) throw invalidRequest([problem]);
  return body;
}
