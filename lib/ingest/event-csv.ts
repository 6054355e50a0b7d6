// An event as a row of the events table, and as a line of the CSV its COPY reads: one column list,
// so the two stay in step. Shared by the write path and the batch preparation (a worker thread).
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

/** The columns a line of csvLine fills, in order, for a COPY or INSERT column list. */
export const csvColumns = `organization_id, project_id, ${columns.map(([name]) => `"${name}"`).join(", ")}`;

export const copyEventsSql = `COPY events (${csvColumns}) FROM STDIN WITH (FORMAT csv)`;

/** CSV with every value quoted, so an unquoted empty field is NULL and "" stays an empty string. */
function csvCell(value: Cell): string {
  if (value === null) return "";
  return value.includes('"') ? `"${value.replace(/"/g, '""')}"` : `"${value}"`;
}

/** The row as one line of the COPY's CSV, newline included. */
export function csvLine(organizationId: string, projectId: string, row: EventRow): string {
  let line = `${organizationId},${projectId}`;
  for (const [, read] of columns) line += `,${csvCell(read(row))}`;
  return `${line}\n`;
}
