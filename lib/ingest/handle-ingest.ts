// The ingestion request, end to end: body, key, origin, rate limit, envelope, then the batch.
import { assertOriginAllowed, authenticateWriteKey, bearerToken, forgetWriteKey } from "../auth/api-keys";
import { getEnv } from "../env";
import { ApiError, invalidRequest } from "../errors";
import { ingestBatch } from "./ingest-batch";
import { consumeRateLimit } from "./rate-limit";
import { parseJson, readBodyText } from "./read-body";
import { batchSchema, eventSchema, MAX_BODY_BYTES, type IngestResponse } from "./schemas";
import { senderFromRequest } from "./sender";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function handleIngestRequest(request: Request): Promise<IngestResponse> {
  const env = getEnv();
  const text = await readBodyText(request, MAX_BODY_BYTES);
  const body = parseJson(text);
  if (!isObject(body)) throw new ApiError("invalid_request", "The body must be an event object or { events: [...] }");

  // sendBeacon cannot set headers, so the key may also travel in the body.
  const key = await authenticateWriteKey(bearerToken(request) ?? (typeof body.api_key === "string" ? body.api_key : null));
  assertOriginAllowed(key, request.headers.get("origin"));
  consumeRateLimit(key.id, key.rateLimit ?? env.LUMEN_INGEST_RATE_LIMIT);
  if (!key.projectId) throw new ApiError("forbidden", "This key is not bound to a project");

  let events: unknown[];
  let sentAt: Date | undefined;
  if ("events" in body) {
    const batch = batchSchema.safeParse(body);
    if (!batch.success) throw invalidRequest(batch.error.issues);
    if (batch.data.project_id && batch.data.project_id !== key.projectId) {
      throw new ApiError("forbidden", "This key cannot write to that project");
    }
    events = batch.data.events;
    sentAt = batch.data.sent_at;
  } else {
    // A single event is the whole body, so a bad one is a bad request rather than a rejection.
    const single = eventSchema.safeParse(body);
    if (!single.success) throw invalidRequest(single.error.issues);
    events = [body];
  }

  const target = { organizationId: key.organizationId, projectId: key.projectId, writeKeyHash: key.hash };
  return ingestBatch(target, events, senderFromRequest(request, env.LUMEN_COUNTRY_HEADER), {
    now: new Date(),
    sentAt,
    maxAgeMs: env.LUMEN_MAX_EVENT_AGE_DAYS * 86_400_000,
    maxFutureMs: env.LUMEN_MAX_FUTURE_SECONDS * 1000,
    // PostgreSQL stores no NUL character in text or JSONB; only bodies that spell one get checked.
    mayContainNul: text.includes("\\u0000"),
  }).catch((error: unknown) => {
    // Revoked since it was cached: the write refused it; look it up afresh next time.
    if (error instanceof ApiError && error.code === "unauthorized") forgetWriteKey({ hash: key.hash });
    throw error;
  });
}
