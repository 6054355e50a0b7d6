// Turns an ingestion body into COPY-ready events: the envelope, then each event validated,
// clock-corrected, bot-filtered, deduplicated within the batch and enriched. Synchronous and free
// of I/O, so it can run on a worker thread (prepare-pool.ts) while the request thread serves HTTP.
import { randomUUID } from "node:crypto";
import { parseJson } from "../api/read-body";
import { ApiError, formatIssuePath, invalidRequest } from "../errors";
import { Scrubber, type ScrubCounts, type ScrubPolicy } from "../privacy/scrub";
import { visitorHashWithSalt } from "../privacy/visitor-id";
import { findJsonProblem, mayHoldUnstorableText } from "../text";
import { type ContextColumns, extractContextColumns, isBotUserAgent } from "./enrich";
import { csvLine } from "./event-csv";
import { batchSchema, CONSENT_EVENT, type ConsentChange, eventSchema, type Rejection } from "./schemas";
import type { PreparedEvent } from "./write-events";

/** What the server knows about the sender; none of it is stored as-is. */
export interface SenderContext {
  userAgent: string | null;
  ip: string | null;
  country: string | null;
}

export interface PrepareInput {
  text: string;
  organizationId: string;
  projectId: string;
  sender: SenderContext;
  /** Server time of the request, ms since the epoch. */
  now: number;
  maxAgeMs: number;
  maxFutureMs: number;
  /** Today's visitor-hash salt; null when the sender has no IP to hash. */
  salt: Uint8Array | null;
  /** The project's scrubbing: what is masked and which property keys are dropped before storage. */
  scrub: ScrubPolicy;
}

/** A consent change for the consent trail (lib/privacy/consent.ts): plain data, to cross from the worker. */
export interface PreparedConsent {
  eventId: string;
  userId: string | null;
  anonymousId: string | null;
  state: ConsentChange["state"];
  source: string;
  /** ISO instant of the change, corrected like an event's timestamp. */
  recordedAt: string;
}

/** An event ready to write, with its person's ids for the suppression check (lib/privacy/suppression.ts). */
export interface PreparedBatchEvent extends PreparedEvent {
  userId: string | null;
  anonymousId: string | null;
}

export interface PreparedBatch {
  events: PreparedBatchEvent[];
  consents: PreparedConsent[];
  duplicates: number;
  bots: number;
  rejected: Rejection[];
  /** What scrubbing masked and dropped in the events prepared. */
  scrubbed: ScrubCounts;
}

/** A whole-body problem travels as data (a worker thread cannot throw ApiErrors across). */
export type PrepareOutcome = { batch: PreparedBatch } | { error: Pick<ApiError, "code" | "message" | "details"> };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Only an object can be an event or a batch. */
export function notAnObject(): ApiError {
  return new ApiError("invalid_request", "The body must be an event object or { events: [...] }");
}

export function prepareBatch(input: PrepareInput): PrepareOutcome {
  try {
    return { batch: prepare(input) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { error: { code: error.code, message: error.message, details: error.details } };
  }
}

/** The body's events and the client's send time; whole-body problems throw. */
function envelopeOf(text: string, projectId: string): { events: unknown[]; sentAt?: Date } {
  const body = parseJson(text);
  if (!isObject(body)) throw notAnObject();
  if (!("events" in body)) {
    // A single event is the whole body, so a bad one is a bad request rather than a rejection.
    const single = eventSchema.safeParse(body);
    if (!single.success) throw invalidRequest(single.error.issues);
    return { events: [body] };
  }
  const batch = batchSchema.safeParse(body);
  if (!batch.success) throw invalidRequest(batch.error.issues);
  if (batch.data.project_id && batch.data.project_id !== projectId)
    throw new ApiError("forbidden", "This key cannot write to that project");
  return { events: batch.data.events, sentAt: batch.data.sent_at };
}

/** The columns taken from the page, scrubbed: its path, title and utm values, and the referrer's host. */
function scrubContext(scrubber: Scrubber, columns: ContextColumns): ContextColumns {
  const text = (value: string | null) => (value === null ? null : scrubber.text(value));
  return {
    ...columns,
    path: text(columns.path),
    title: text(columns.title),
    referrerHost: columns.referrerHost === null ? null : scrubber.host(columns.referrerHost),
    utmSource: text(columns.utmSource),
    utmMedium: text(columns.utmMedium),
    utmCampaign: text(columns.utmCampaign),
    utmTerm: text(columns.utmTerm),
    utmContent: text(columns.utmContent),
  };
}

function prepare(input: PrepareInput): PreparedBatch {
  const { now, sender, organizationId, projectId } = input;
  const { events, sentAt } = envelopeOf(input.text, projectId);
  const skewMs = sentAt ? now - sentAt.getTime() : 0;
  // Text PostgreSQL cannot store fails the event, not the batch's write; only bodies that spell it get checked.
  const checkText = mayHoldUnstorableText(input.text);
  const rejected: Rejection[] = [];
  const prepared: PreparedBatchEvent[] = [];
  const consents: PreparedConsent[] = [];
  const seen = new Set<string>();
  const scrubber = new Scrubber(input.scrub);
  let duplicates = 0;
  let bots = 0;

  for (const [index, raw] of events.entries()) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? formatIssuePath(issue.path) : "";
      rejected.push({
        index,
        code: "invalid_event",
        message: `${where ? `${where}: ` : ""}${issue?.message ?? "Invalid event"}`,
      });
      continue;
    }
    const event = parsed.data;
    // The parsed event keeps only known fields, and its properties are at most 8 levels deep by now.
    const unstorable = checkText ? findJsonProblem(event, { maxDepth: Infinity, text: true }) : null;
    if (unstorable) {
      rejected.push({
        index,
        code: "invalid_event",
        message: `${formatIssuePath(unstorable.path)}: ${unstorable.message}`,
      });
      continue;
    }
    if ((event.name === CONSENT_EVENT) !== (event.consent !== undefined)) {
      const message =
        event.name === CONSENT_EVENT
          ? `consent: required on ${CONSENT_EVENT} events ({ "state": "granted" | "denied" | "pending" })`
          : `consent: only ${CONSENT_EVENT} events carry a consent change`;
      rejected.push({ index, code: "invalid_event", message });
      continue;
    }
    const timestamp = event.timestamp ? new Date(event.timestamp.getTime() + skewMs) : new Date(now);
    // Corrected by the client's clock, a timestamp near the last instant a Date holds can pass it: invalid, and the future all the same.
    if (Number.isNaN(timestamp.getTime()) || timestamp.getTime() > now + input.maxFutureMs) {
      const when = Number.isNaN(timestamp.getTime()) ? "past year 275760" : timestamp.toISOString();
      rejected.push({ index, code: "timestamp_in_future", message: `timestamp ${when} is too far in the future` });
      continue;
    }
    if (timestamp.getTime() < now - input.maxAgeMs) {
      rejected.push({
        index,
        code: "timestamp_too_old",
        message: `timestamp ${timestamp.toISOString()} is older than the ingestion window`,
      });
      continue;
    }
    const userAgent = event.context?.user_agent ?? sender.userAgent;
    if (isBotUserAgent(userAgent)) {
      bots++;
      continue;
    }
    const eventId = (event.event_id ?? randomUUID()).toLowerCase();
    if (seen.has(eventId)) {
      duplicates++;
      continue;
    }
    seen.add(eventId);
    const anonymousId =
      event.anonymous_id ??
      (!event.user_id && sender.ip && input.salt
        ? visitorHashWithSalt(input.salt, projectId, sender.ip, userAgent ?? "")
        : null);
    if (event.consent) {
      if (!event.user_id && !anonymousId) {
        rejected.push({ index, code: "invalid_event", message: "a consent change needs user_id or anonymous_id" });
        continue;
      }
      consents.push({
        eventId,
        userId: event.user_id ?? null,
        anonymousId,
        state: event.consent.state,
        source: event.consent.source ?? event.context?.library?.name ?? "api",
        recordedAt: timestamp.toISOString(),
      });
      continue;
    }
    const context = extractContextColumns(event.context, userAgent);
    const row = {
      eventId,
      name: event.name,
      timestamp,
      userId: event.user_id ?? null,
      anonymousId,
      sessionId: event.session_id ?? null,
      properties: scrubber.idle ? (event.properties ?? {}) : scrubber.json(event.properties ?? {}),
      country: sender.country,
      ...(scrubber.idle ? context : scrubContext(scrubber, context)),
    };
    prepared.push({
      eventId,
      csv: csvLine(organizationId, projectId, row),
      userId: row.userId,
      anonymousId: row.anonymousId,
    });
  }
  return { events: prepared, consents, duplicates, bots, rejected, scrubbed: scrubber.counts };
}
