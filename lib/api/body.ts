// JSON bodies of the app's own API routes (small, always JSON).
import { readJsonBody } from "../ingest/read-body";

const MAX_APP_BODY_BYTES = 256 * 1024;

export function readAppBody(request: Request): Promise<unknown> {
  return readJsonBody(request, MAX_APP_BODY_BYTES);
}
