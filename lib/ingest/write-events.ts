// The event write path: a whole batch in one statement, deduplicated by event_id.
import type pg from "pg";
import { EVENTS_CHANNEL } from "../realtime/hub";
import type { ContextColumns } from "./enrich";

export interface EventRow extends ContextColumns {
  eventId: string;
  name: string;
  timestamp: Date;
  userId: string | null;
  anonymousId: string | null;
  sessionId: string | null;
  properties: unknown;
  country: string | null;
}

// Column name, SQL array type, and how to read it from a row: one list so the three stay in step.
const columns: [string, string, (row: EventRow) => unknown][] = [
  ["event_id", "uuid", (r) => r.eventId],
  ["name", "text", (r) => r.name],
  ["timestamp", "timestamptz", (r) => r.timestamp],
  ["user_id", "text", (r) => r.userId],
  ["anonymous_id", "text", (r) => r.anonymousId],
  ["session_id", "text", (r) => r.sessionId],
  ["properties", "jsonb", (r) => JSON.stringify(r.properties ?? {})],
  ["path", "text", (r) => r.path],
  ["title", "text", (r) => r.title],
  ["referrer_host", "text", (r) => r.referrerHost],
  ["utm_source", "text", (r) => r.utmSource],
  ["utm_medium", "text", (r) => r.utmMedium],
  ["utm_campaign", "text", (r) => r.utmCampaign],
  ["utm_term", "text", (r) => r.utmTerm],
  ["utm_content", "text", (r) => r.utmContent],
  ["browser", "text", (r) => r.browser],
  ["os", "text", (r) => r.os],
  ["device_type", "text", (r) => r.deviceType],
  ["country", "text", (r) => r.country],
  ["locale", "text", (r) => r.locale],
  ["app_version", "text", (r) => r.appVersion],
  ["library", "text", (r) => r.library],
];

const columnList = columns.map(([name]) => `"${name}"`).join(", ");
const unnestArgs = columns.map(([, type], i) => `$${i + 3}::${type}[]`).join(", ");

// event_keys is the idempotency ledger: only ids it had not seen come back from its insert, and
// only those rows reach events. One statement, so a crash leaves neither table half-written; it
// also NOTIFYs the project's live embeds and dashboards (delivered when it commits).
const insertSql = `
WITH input AS (SELECT * FROM unnest(${unnestArgs}) AS t(${columnList})),
fresh AS (
  INSERT INTO event_keys (organization_id, project_id, event_id)
  SELECT $1::uuid, $2::uuid, event_id FROM input
  ON CONFLICT DO NOTHING
  RETURNING event_id
),
inserted AS (
  INSERT INTO events (organization_id, project_id, ${columnList})
  SELECT $1::uuid, $2::uuid, ${columns.map(([name]) => `input."${name}"`).join(", ")}
  FROM input JOIN fresh USING (event_id)
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS stored,
       (SELECT count(*) FROM (SELECT pg_notify('${EVENTS_CHANNEL}', $2::text) WHERE EXISTS (SELECT 1 FROM inserted)) n)::int AS notified`;

/** Writes events whose ids are unique within the batch; returns how many were new. */
export async function writeEvents(db: Pick<pg.Pool, "query">, organizationId: string, projectId: string, rows: EventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const arrays = columns.map(([, , read]) => rows.map(read));
  const result = await db.query<{ stored: number }>(insertSql, [organizationId, projectId, ...arrays]);
  return result.rows[0]?.stored ?? 0;
}
