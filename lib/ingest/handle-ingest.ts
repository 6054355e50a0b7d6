// The ingestion request, end to end: key, origin, rate limits, body, then the batch is prepared off
// the request thread and written. A key in the Authorization header is checked before the body is
// read (only its first byte is awaited, to refuse a non-object as a full parse would): a sender
// with a bad key cannot make the server hold a megabyte for it. The body must arrive within
// LUMEN_BODY_TIMEOUT_SECONDS of the request's start.
import "server-only";
import { BodyReader, parseJson } from "../api/read-body";
import {
  assertOriginAllowed,
  authenticateWriteKey,
  bearerToken,
  forgetWriteKey,
  type WriteKey,
} from "../auth/api-keys";
import { getPool } from "../db/client";
import { getEnv } from "../env";
import { ApiError } from "../errors";
import { recordConsents } from "../privacy/consent";
import { ingestPrivacyOf } from "../privacy/settings";
import { suppressionCheck } from "../privacy/suppression";
import { dailySalt } from "../privacy/visitor-hash";
import { isObject, notAnObject } from "./prepare-batch";
import { prepareOffThread } from "./prepare-pool";
import { consumeEventBudget, consumeRateLimit } from "./rate-limit";
import { type IngestResponse, MAX_BODY_BYTES } from "./schemas";
import { senderFromRequest } from "./sender";
import { writePreparedEvents } from "./write-events";

// Lumen's tracker sends its key first in the body: read straight from the text's start, it cannot
// belong to anything nested, and the batch is parsed only once (on the worker thread).
const LEADING_KEY = /^\s*\{\s*"api_key"\s*:\s*"([A-Za-z0-9_-]+)"/;
const OPEN_BRACE = 0x7b;

/** The key in the body, for senders that cannot set headers (sendBeacon, the tracker). */
function keyInBody(text: string): string | null {
  const leading = LEADING_KEY.exec(text);
  if (leading) return leading[1]!;
  const body = parseJson(text);
  if (!isObject(body)) throw notAnObject();
  return typeof body.api_key === "string" ? body.api_key : null;
}

/** A refusal sent before the body was read: the connection is closed rather than left to a sender still sending. */
function closingConnection(error: unknown): unknown {
  return error instanceof ApiError
    ? new ApiError(error.code, error.message, error.details, { ...error.headers, connection: "close" })
    : error;
}

async function admitKey(presented: string | null, request: Request): Promise<WriteKey & { projectId: string }> {
  const key = await authenticateWriteKey(presented);
  assertOriginAllowed(key, request.headers.get("origin"));
  consumeRateLimit(key.id, key.rateLimit ?? getEnv().LUMEN_INGEST_RATE_LIMIT);
  if (!key.projectId) throw new ApiError("forbidden", "This key is not bound to a project");
  return { ...key, projectId: key.projectId };
}

export async function handleIngestRequest(request: Request): Promise<IngestResponse> {
  const env = getEnv();
  const body = BodyReader.open(request, MAX_BODY_BYTES);
  const bearer = bearerToken(request);
  let key: WriteKey & { projectId: string };
  let text: string;
  if (bearer) {
    const first = await body.firstSignificantByte();
    if (first === null) throw new ApiError("invalid_request", "The body is empty");
    if (first !== OPEN_BRACE) throw closingConnection(notAnObject());
    key = await admitKey(bearer, request).catch((error: unknown) => {
      throw closingConnection(error);
    });
    text = await body.text();
  } else {
    text = await body.text();
    key = await admitKey(keyInBody(text), request);
  }

  const now = new Date();
  const sender = senderFromRequest(request, env.LUMEN_COUNTRY_HEADER);
  const privacy = await ingestPrivacyOf(key.projectId);
  const outcome = await prepareOffThread({
    text,
    organizationId: key.organizationId,
    projectId: key.projectId,
    sender,
    now: now.getTime(),
    maxAgeMs: env.LUMEN_MAX_EVENT_AGE_DAYS * 86_400_000,
    maxFutureMs: env.LUMEN_MAX_FUTURE_SECONDS * 1000,
    salt: sender.ip ? await dailySalt(now) : null,
    scrub: privacy.scrub,
  });
  if ("error" in outcome) throw new ApiError(outcome.error.code, outcome.error.message, outcome.error.details);
  const { duplicates, bots, rejected, scrubbed } = outcome.batch;
  let { events, consents } = outcome.batch;
  const sent = events.length + consents.length + duplicates + bots + rejected.length;
  consumeEventBudget(key.id, key.eventRateLimit ?? env.LUMEN_INGEST_EVENT_RATE_LIMIT, sent);
  // Persons whose deletion was requested: their later events (and consent changes) are not stored.
  const suppressed = await suppressionCheck(key.projectId, privacy.suppressDeletedPersons);
  if (suppressed) {
    events = events.filter((event) => !suppressed(event));
    consents = consents.filter((consent) => !suppressed(consent));
  }
  const suppressedCount = sent - duplicates - bots - rejected.length - events.length - consents.length;
  try {
    const written = await writePreparedEvents(getPool(), key.organizationId, key.projectId, events, {
      writeKeyHash: key.hash,
    });
    // Consent changes go to the consent trail, after the events they may follow (a withdrawal's purge deletes those too).
    const { recorded } = await recordConsents(
      getPool(),
      { ...key, purgeOnWithdrawal: privacy.purgeOnConsentWithdrawal },
      consents,
      { writeKeyHash: key.hash },
    );
    const accepted = written + recorded;
    return {
      accepted,
      duplicates: duplicates + events.length + consents.length - accepted,
      bots,
      rejected,
      ...(Object.keys(scrubbed).length > 0 ? { scrubbed } : {}),
      ...(suppressedCount > 0 ? { suppressed: suppressedCount } : {}),
    };
  } catch (error) {
    // Revoked since it was cached: the write refused it; look it up afresh next time.
    if (error instanceof ApiError && error.code === "unauthorized") forgetWriteKey({ hash: key.hash });
    throw error;
  }
}
