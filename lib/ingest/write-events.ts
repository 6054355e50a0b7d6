// The event write path: batches in one transaction of a fixed number of statements, however many
// events they hold, deduplicated by event_id. The rows go in with COPY, PostgreSQL's bulk load.
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
// only those rows reach events. The same statement NOTIFYs each project that gained events (live
// embeds and dashboards); PostgreSQL delivers notifications only when the transaction commits.
const claimSql = `
WITH claimed AS (
  INSERT INTO event_keys (organization_id, project_id, event_id)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])
  ON CONFLICT DO NOTHING
  RETURNING project_id, event_id
),
notified AS (SELECT pg_notify('${EVENTS_CHANNEL}', project_id::text) FROM (SELECT DISTINCT project_id FROM claimed) p)
SELECT project_id || '|' || event_id AS key, (SELECT count(*) FROM notified) AS notified FROM claimed`;

/** CSV with every value quoted, so an unquoted empty field is NULL and "" stays an empty string. */
function csvCell(value: Cell): string {
  if (value === null) return "";
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : `"${value}"`;
}

/** Events of one project, with ids unique among themselves. */
export interface EventGroup {
  organizationId: string;
  projectId: string;
  rows: EventRow[];
}

/**
 * Writes several groups in one transaction (a fixed number of statements, however many events),
 * and returns how many events of each group were new. One transaction, so a crash leaves neither
 * table half-written. An id repeated across groups of one project is stored once, for the first.
 */
export async function writeEventGroups(pool: pg.Pool, groups: EventGroup[]): Promise<number[]> {
  const organizations: string[] = [];
  const projects: string[] = [];
  const ids: string[] = [];
  for (const group of groups) {
    for (const row of group.rows) {
      organizations.push(group.organizationId);
      projects.push(group.projectId);
      ids.push(row.eventId);
    }
  }
  if (ids.length === 0) return groups.map(() => 0);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const claimed = await client.query<{ key: string }>(claimSql, [organizations, projects, ids]);
    const fresh = new Set(claimed.rows.map((r) => r.key));
    let csv = "";
    const accepted = groups.map((group) => {
      const prefix = `${group.organizationId},${group.projectId}`;
      let stored = 0;
      for (const row of group.rows) {
        // Deleting the key as it is used stores an id repeated across groups only once.
        if (!fresh.delete(`${group.projectId}|${row.eventId.toLowerCase()}`)) continue;
        let line = prefix;
        for (const [, read] of columns) line += "," + csvCell(read(row));
        csv += line + "\n";
        stored++;
      }
      return stored;
    });
    if (csv) await copyFrom(client, copySql, [Buffer.from(csv)]);
    await client.query("COMMIT");
    return accepted;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Writes events of one project whose ids are unique within the batch; returns how many were new. */
export async function writeEvents(pool: pg.Pool, organizationId: string, projectId: string, rows: EventRow[]): Promise<number> {
  const [accepted] = await writeEventGroups(pool, [{ organizationId, projectId, rows }]);
  return accepted ?? 0;
}
