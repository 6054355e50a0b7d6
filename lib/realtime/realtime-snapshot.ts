// The realtime page's numbers for one project: active visitors, the pages they are on, the last 30
// minutes per minute and the latest events. Every statement reads only the project's events of the
// last 30 minutes (the primary key's (organization, project, timestamp) range), in one snapshot, so
// the cost follows the last half hour's traffic, never the project's history. The page refetches it
// when the project's stream says events arrived (use-project-live.ts).
import "server-only";
import type pg from "pg";
import { hasRole } from "../auth/roles";
import { requestNow } from "../clock";
import { readInReportSnapshot } from "../db/report-read";
import { ApiError } from "../errors";
import { getProjectForUser } from "../workspace/projects-for-user";
import {
  ACTIVE_WINDOW_MINUTES,
  CURRENT_PAGES_LIMIT,
  FEED_LIMIT,
  REALTIME_MINUTES,
  type RealtimeSnapshot,
} from "./realtime-schemas";

const MINUTE = 60_000;

interface Window {
  organizationId: string;
  projectId: string;
  /** The first minute's start. */
  from: Date;
  /** Now (exclusive, as report ranges end). */
  to: Date;
}

const scope = `e.organization_id = $1 AND e.project_id = $2 AND e.timestamp >= $3 AND e.timestamp < $4`;
const params = (w: Window) => [w.organizationId, w.projectId, w.from.toISOString(), w.to.toISOString()];

async function readMinutes(db: pg.PoolClient, w: Window): Promise<RealtimeSnapshot["minutes"]> {
  const { rows } = await db.query<{ minute: Date; events: string; visitors: string }>(
    `SELECT date_trunc('minute', e.timestamp) AS minute, count(*) AS events, count(DISTINCT e.actor) AS visitors
     FROM events e WHERE ${scope} GROUP BY 1`,
    params(w),
  );
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
  return Array.from({ length: REALTIME_MINUTES }, (_, i) => {
    const minute = w.from.getTime() + i * MINUTE;
    const row = byMinute.get(minute);
    return {
      minute: new Date(minute).toISOString(),
      events: Number(row?.events ?? 0),
      visitors: Number(row?.visitors ?? 0),
    };
  });
}

async function readActive(
  db: pg.PoolClient,
  w: Window,
): Promise<Pick<RealtimeSnapshot, "active_visitors" | "current_pages">> {
  const activeFrom = new Date(w.to.getTime() - ACTIVE_WINDOW_MINUTES * MINUTE).toISOString();
  const { rows } = await db.query<{ active: string; pages: { path: string; visitors: number }[] | null }>(
    `WITH active AS MATERIALIZED (
       SELECT e.actor, e.timestamp, e.path FROM events e
       WHERE ${scope} AND e.timestamp >= $5 AND e.actor IS NOT NULL
     ),
     now_on AS (
       SELECT DISTINCT ON (actor) actor, path FROM active WHERE path IS NOT NULL ORDER BY actor, timestamp DESC
     ),
     pages AS (
       SELECT path, count(*)::int AS visitors FROM now_on GROUP BY path ORDER BY visitors DESC, path LIMIT ${CURRENT_PAGES_LIMIT}
     )
     SELECT (SELECT count(DISTINCT actor) FROM active) AS active,
            (SELECT json_agg(json_build_object('path', path, 'visitors', visitors) ORDER BY visitors DESC, path) FROM pages) AS pages`,
    [...params(w), activeFrom],
  );
  return { active_visitors: Number(rows[0]?.active ?? 0), current_pages: rows[0]?.pages ?? [] };
}

async function readFeed(db: pg.PoolClient, w: Window, withPeople: boolean): Promise<RealtimeSnapshot["feed"]> {
  const { rows } = await db.query<{
    event_id: string;
    name: string;
    timestamp: Date;
    path: string | null;
    country: string | null;
    device_type: string | null;
    browser: string | null;
    user_id: string | null;
    anonymous_id: string | null;
  }>(
    `SELECT e.event_id, e.name, e.timestamp, e.path, e.country, e.device_type, e.browser, e.user_id, e.anonymous_id
     FROM events e WHERE ${scope} ORDER BY e.timestamp DESC, e.event_id DESC LIMIT ${FEED_LIMIT}`,
    params(w),
  );
  return rows.map((r) => ({
    event_id: r.event_id,
    name: r.name,
    timestamp: r.timestamp.toISOString(),
    path: r.path,
    country: r.country,
    device: r.device_type,
    browser: r.browser,
    person: withPeople && (r.user_id || r.anonymous_id) ? { user_id: r.user_id, anonymous_id: r.anonymous_id } : null,
  }));
}

/** The snapshot at `now` (the request's clock). */
export async function readRealtimeSnapshot(
  tenant: { organizationId: string; projectId: string },
  options: { now: Date; withPeople: boolean },
): Promise<RealtimeSnapshot> {
  const currentMinute = Math.floor(options.now.getTime() / MINUTE) * MINUTE;
  const w: Window = { ...tenant, from: new Date(currentMinute - (REALTIME_MINUTES - 1) * MINUTE), to: options.now };
  return readInReportSnapshot(async (db) => {
    const minutes = await readMinutes(db, w);
    const active = await readActive(db, w);
    const feed = await readFeed(db, w, options.withPeople);
    return { computed_at: options.now.toISOString(), ...active, minutes, feed };
  });
}

/**
 * For a signed-in member of any role (anything the overview shows, a viewer may see here); the
 * people behind feed events only for analysts and up, as on the people pages. Anyone else: 404.
 */
export async function readRealtimeForUser(userId: string, projectId: string): Promise<RealtimeSnapshot> {
  const access = await getProjectForUser(userId, projectId);
  if (!access) throw new ApiError("not_found", "No such project");
  return readRealtimeSnapshot(
    { organizationId: access.project.organizationId, projectId },
    { now: requestNow(), withPeople: hasRole(access.role, "analyst") },
  );
}
