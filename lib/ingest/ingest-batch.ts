// Validates, corrects, enriches and stores a batch of events for one project.
import { randomUUID } from "node:crypto";
import { getPool } from "../db/client";
import { formatIssuePath } from "../errors";
import { visitorHash } from "../privacy/visitor-hash";
import { extractContextColumns, isBotUserAgent } from "./enrich";
import { eventSchema, type IngestResponse, type Rejection } from "./schemas";
import { writeEvents, type EventRow } from "./write-events";

export interface IngestTarget {
  organizationId: string;
  projectId: string;
  /** The write key that sent the batch, re-checked inside the write transaction. */
  writeKeyHash?: string;
}

/** What the server knows about the sender; none of it is stored as-is. */
export interface SenderContext {
  userAgent: string | null;
  ip: string | null;
  country: string | null;
}

export interface IngestOptions {
  now: Date;
  /** The client's clock when it sent the batch: event times shift by (server now - sent_at). */
  sentAt?: Date;
  maxAgeMs: number;
  maxFutureMs: number;
  /** Check each event for NUL characters, which PostgreSQL cannot store. */
  mayContainNul?: boolean;
}

function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0");
  if (value === null || typeof value !== "object") return false;
  return (Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)]).some(containsNul);
}

export async function ingestBatch(target: IngestTarget, events: unknown[], sender: SenderContext, options: IngestOptions): Promise<IngestResponse> {
  const { now } = options;
  const skewMs = options.sentAt ? now.getTime() - options.sentAt.getTime() : 0;
  const rejected: Rejection[] = [];
  const rows: EventRow[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let bots = 0;

  for (const [index, raw] of events.entries()) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? formatIssuePath(issue.path) : "";
      rejected.push({ index, code: "invalid_event", message: `${where ? `${where}: ` : ""}${issue?.message ?? "Invalid event"}` });
      continue;
    }
    if (options.mayContainNul && containsNul(raw)) {
      rejected.push({ index, code: "invalid_event", message: "strings must not contain the NUL character (\\u0000)" });
      continue;
    }
    const event = parsed.data;
    const timestamp = event.timestamp ? new Date(event.timestamp.getTime() + skewMs) : now;
    if (timestamp.getTime() > now.getTime() + options.maxFutureMs) {
      rejected.push({ index, code: "timestamp_in_future", message: `timestamp ${timestamp.toISOString()} is too far in the future` });
      continue;
    }
    if (timestamp.getTime() < now.getTime() - options.maxAgeMs) {
      rejected.push({ index, code: "timestamp_too_old", message: `timestamp ${timestamp.toISOString()} is older than the ingestion window` });
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
      event.anonymous_id ?? (!event.user_id && sender.ip ? await visitorHash(target.projectId, sender.ip, userAgent ?? "", now) : null);
    rows.push({
      eventId,
      name: event.name,
      timestamp,
      userId: event.user_id ?? null,
      anonymousId,
      sessionId: event.session_id ?? null,
      properties: event.properties ?? {},
      country: sender.country,
      ...extractContextColumns(event.context, userAgent),
    });
  }

  const accepted = await writeEvents(getPool(), target.organizationId, target.projectId, rows, { writeKeyHash: target.writeKeyHash });
  return { accepted, duplicates: duplicates + rows.length - accepted, bots, rejected };
}
