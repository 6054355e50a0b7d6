// A person's events, read through the actor index (organization, project, name, actor bucket,
// timestamp) INCLUDE (actor), never by scanning the project: an event's actor is the hash of its
// user id, else its anonymous id (the query engine's "user"). How one page is read:
// 1. Index only: the timestamps of the events whose actor hash is the person's (one bucket of 64
//    per event name, PostgreSQL 18's skip scan over names), materialized so the planner cannot trade
//    the index for a walk of the project's primary key in time order; the page's distinct timestamps.
// 2. Those rows by primary key (organization, project, timestamp), keeping only the person's own
//    (the exact id: another string could share the hash, and a user id can equal an anonymous id).
// Cost: the person's hash bucket of the project (1/64 of its events) in the index, plus one primary
// key probe per timestamp of the page. When step 2 drops rows (ties at the cursor, hash neighbours),
// the page is read again over more timestamps.
import "server-only";
import type pg from "pg";
import type { PersonRef } from "./schemas";
import type { TimelineCursor } from "./timeline-cursor";

export interface PersonTenant {
  organizationId: string;
  projectId: string;
}

/** The columns read per event: everything the timeline and the profile show. */
export interface PersonEventRow {
  event_id: string;
  name: string;
  timestamp: Date;
  session_id: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  path: string | null;
  title: string | null;
  referrer_host: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  country: string | null;
  properties: Record<string, unknown>;
}

const COLUMNS = [
  "event_id",
  "name",
  "timestamp",
  "session_id",
  "user_id",
  "anonymous_id",
  "path",
  "title",
  "referrer_host",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "browser",
  "os",
  "device_type",
  "country",
  "properties",
];

export interface ReadPersonEventsOptions {
  /** Newest first ("desc", the timeline) or oldest first ("asc", first seen). */
  order: "asc" | "desc";
  limit: number;
  /** Only events after this one in that order. */
  after?: TimelineCursor;
  /** Properties are left out (as {}) when not shown: they may be large. */
  withProperties?: boolean;
}

function exactPerson(person: PersonRef): string {
  return "userId" in person ? "e.user_id = $3" : "e.user_id IS NULL AND e.anonymous_id = $3";
}

/** Up to `limit` of the person's events in `order`, after the cursor when one is given. */
export async function readPersonEvents(
  db: pg.PoolClient,
  tenant: PersonTenant,
  person: PersonRef,
  options: ReadPersonEventsOptions,
): Promise<PersonEventRow[]> {
  const id = "userId" in person ? person.userId : person.anonymousId;
  const desc = options.order === "desc";
  const direction = desc ? "DESC" : "ASC";
  // The cursor's own timestamp stays in step 1 (other events may share it); step 2 orders by event id too.
  const tsBound = options.after ? `AND e.timestamp ${desc ? "<=" : ">="} $5::timestamptz` : "";
  const rowBound = options.after ? `AND (e.timestamp, e.event_id) ${desc ? "<" : ">"} ($5::timestamptz, $6::uuid)` : "";
  const columns = COLUMNS.map((c) =>
    c === "properties" && !options.withProperties ? "'{}'::jsonb AS properties" : `e.${c}`,
  );
  const text = `
    WITH found AS MATERIALIZED (
      SELECT DISTINCT e.timestamp FROM events e
      WHERE e.organization_id = $1 AND e.project_id = $2
        AND (e.actor & 63)::smallint = (hashtextextended($3, 0) & 63)::smallint AND e.actor = hashtextextended($3, 0)
        ${tsBound}
    ),
    page_ts AS MATERIALIZED (SELECT timestamp FROM found ORDER BY timestamp ${direction} LIMIT $4)
    SELECT (SELECT count(*) FROM page_ts)::int AS taken,
           COALESCE((
             SELECT json_agg(r ORDER BY r.timestamp ${direction}, r.event_id ${direction}) FROM (
               SELECT ${columns.join(", ")} FROM page_ts p
               JOIN events e ON e.organization_id = $1 AND e.project_id = $2 AND e.timestamp = p.timestamp
               WHERE e.actor = hashtextextended($3, 0) AND ${exactPerson(person)} ${rowBound}
               ORDER BY e.timestamp ${direction}, e.event_id ${direction}
               LIMIT ${options.limit}
             ) r
           ), '[]') AS rows`;
  // More timestamps than rows wanted: rows may share a timestamp, or be dropped by the exact match.
  for (let timestamps = options.limit + 1; ; timestamps *= 4) {
    const values = [tenant.organizationId, tenant.projectId, id, timestamps];
    if (options.after) values.push(options.after.timestamp, options.after.eventId);
    const { rows } = await db.query<{
      taken: number;
      rows: (Omit<PersonEventRow, "timestamp"> & { timestamp: string })[];
    }>(text, values);
    const result = rows[0] ?? { taken: 0, rows: [] };
    if (result.rows.length >= options.limit || result.taken < timestamps)
      return result.rows.map((r) => ({ ...r, timestamp: new Date(r.timestamp) }));
  }
}
