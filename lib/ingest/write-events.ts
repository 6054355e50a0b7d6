// The event write path: a batch in one transaction of a fixed number of statements, however many
// events it holds, deduplicated by event_id. The rows go in with COPY, PostgreSQL's bulk load
// (measured: 19% more events/s through the API than one INSERT … SELECT FROM unnest(…)).
import type pg from "pg";
import { copyFrom } from "../db/copy-from";
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

type Cell = string | null;

// Column name and how to read it from a row as COPY text: one list so the two stay in step.
const columns: [string, (row: EventRow) => Cell][] = [
  ["event_id", (r) => r.eventId],
  ["name", (r) => r.name],
  ["timestamp", (r) => r.timestamp.toISOString()],
  ["user_id", (r) => r.userId],
  ["anonymous_id", (r) => r.anonymousId],
  ["session_id", (r) => r.sessionId],
  ["properties", (r) => JSON.stringify(r.properties ?? {})],
  ["path", (r) => r.path],
  ["title", (r) => r.title],
  ["referrer_host", (r) => r.referrerHost],
  ["utm_source", (r) => r.utmSource],
  ["utm_medium", (r) => r.utmMedium],
  ["utm_campaign", (r) => r.utmCampaign],
  ["utm_term", (r) => r.utmTerm],
  ["utm_content", (r) => r.utmContent],
  ["browser", (r) => r.browser],
  ["os", (r) => r.os],
  ["device_type", (r) => r.deviceType],
  ["country", (r) => r.country],
  ["locale", (r) => r.locale],
  ["app_version", (r) => r.appVersion],
  ["library", (r) => r.library],
];

const copySql = `COPY events (organization_id, project_id, ${columns.map(([name]) => `"${name}"`).join(", ")}) FROM STDIN WITH (FORMAT csv)`;

// event_keys is the idempotency ledger: only ids it had not seen come back from its insert, and
// only those rows reach events.
const claimSql = `
INSERT INTO event_keys (organization_id, project_id, event_id)
SELECT $1::uuid, $2::uuid, unnest($3::uuid[])
ON CONFLICT DO NOTHING
RETURNING event_id`;

// The project's live embeds and dashboards hear of new events after the commit, in a statement of
// its own: a transaction that NOTIFYs holds a database-wide lock through its commit, WAL flush
// included, so notifying inside the write would make concurrent writes commit one at a time.
const notifySql = `SELECT pg_notify('${EVENTS_CHANNEL}', $1::text)`;

/** CSV with every value quoted, so an unquoted empty field is NULL and "" stays an empty string. */
function csvCell(value: Cell): string {
  if (value === null) return "";
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : `"${value}"`;
}

/**
 * Writes events of one project whose ids are unique within the batch; returns how many were new.
 * One transaction of a fixed number of statements, however many events: a crash leaves neither
 * table half-written.
 */
export async function writeEvents(pool: pg.Pool, organizationId: string, projectId: string, rows: EventRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const claimed = await client.query<{ event_id: string }>(claimSql, [organizationId, projectId, rows.map((r) => r.eventId)]);
    const fresh = new Set(claimed.rows.map((r) => r.event_id));
    if (fresh.size > 0) {
      const prefix = `${organizationId},${projectId}`;
      let csv = "";
      for (const row of rows) {
        if (fresh.size < rows.length && !fresh.has(row.eventId.toLowerCase())) continue;
        let line = prefix;
        for (const [, read] of columns) line += "," + csvCell(read(row));
        csv += line + "\n";
      }
      await copyFrom(client, copySql, [Buffer.from(csv)]);
    }
    await client.query("COMMIT");
    // The events are stored: a failed notification costs live viewers one update, not the request.
    if (fresh.size > 0) await client.query(notifySql, [projectId]).catch((notifyError: Error) => (broken = notifyError));
    return fresh.size;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
