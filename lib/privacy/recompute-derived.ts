// Brings the tables derived from raw events back in line with them after some events were deleted
// (a person's deletion, lib/privacy/delete-person.ts): the hours, days and sessions those events
// touched are computed again from the events that remain, exactly as the refreshes would have
// computed them had the deleted events never arrived. Each function runs inside the deleting
// transaction, which holds both refresh locks, so the watermarks cannot move meanwhile: a derived
// table holds the events that arrived up to its watermark, and is recomputed from exactly those.
//
// The statements follow the refreshes' own (lib/query/rollup-refresh.ts, session-refresh.ts) on a
// different selection of events: by hour or session instead of by arrival. The privacy tests hold
// every report, from rollups and raw, to the answer on a data set that never had the person.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql } from "../query/actor-bitmaps";
import { ROLLED_DIMENSIONS } from "../query/rollups";
import { durationMicrosSql, isInteractionSql, isPageviewSql } from "../query/sessions";
import { type Sql, sql, trusted } from "../query/sql";

/** What the deleting transaction knows: the project, the watermarks, and the deleted rows in a temp table. */
export interface DeletedEvents {
  organizationId: string;
  projectId: string;
  /** rollup_state's watermark (text, exact), or null before the first refresh. */
  rollupWatermark: string | null;
  /** session_state's watermark, or null. */
  sessionWatermark: string | null;
  /** A temp table of the deleted rows: event_id, ts, received_at, session_id, actor. */
  table: string;
}

const tenant = (d: DeletedEvents, alias: string) =>
  sql`${trusted(alias)}.organization_id = ${d.organizationId}::uuid AND ${trusted(alias)}.project_id = ${d.projectId}::uuid`;

async function run(client: pg.PoolClient, statement: Sql): Promise<pg.QueryResult> {
  return client.query(statement.toQuery());
}

// --- Hourly rollups (event_rollups) --------------------------------------------------------------

// The refresh's grouping: one grouping set per rolled dimension and () for the totals, told apart
// by GROUPING(...), whose bit for a column is set when the set leaves it out.
const rolledColumns = Object.values(ROLLED_DIMENSIONS).map((column) => `e.${column}`);
const allLeftOut = (1 << rolledColumns.length) - 1;
const dimensionOfSet = [
  `WHEN ${allLeftOut} THEN ''`,
  ...Object.keys(ROLLED_DIMENSIONS).map(
    (dimension, i) => `WHEN ${allLeftOut - (1 << (rolledColumns.length - 1 - i))} THEN '${dimension}'`,
  ),
].join(" ");
const groupingSets = ["()", ...rolledColumns.map((column) => `(${column})`)].join(", ");

/** The UTC hours whose rollups held deleted events: those that arrived up to the rollup watermark. */
async function affectedHours(client: pg.PoolClient, d: DeletedEvents): Promise<string[]> {
  if (d.rollupWatermark === null) return [];
  const { rows } = await run(
    client,
    sql`SELECT DISTINCT date_trunc('hour', ts, 'UTC')::text AS hour FROM ${trusted(d.table)} WHERE received_at <= ${d.rollupWatermark}::timestamptz ORDER BY 1`,
  );
  return rows.map((r: { hour: string }) => r.hour);
}

/** Recomputes the touched hours' rollups from the events that arrived up to the watermark; returns how many hours. */
export async function recomputeHourlyRollups(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  const hours = await affectedHours(client, d);
  if (hours.length === 0) return 0;
  await run(
    client,
    sql`DELETE FROM event_rollups r WHERE ${tenant(d, "r")} AND r.bucket = ANY(${hours}::timestamptz[])`,
  );
  await run(
    client,
    sql`
WITH hours AS (SELECT unnest(${hours}::timestamptz[]) AS hour),
pairs AS (
  SELECT e.organization_id, e.project_id, date_trunc('hour', e.timestamp, 'UTC') AS bucket, e.name, e.actor,
         GROUPING(${trusted(rolledColumns.join(", "))}) AS left_out, COALESCE(${trusted(rolledColumns.join(", "))}, '') AS value, count(*) AS events
  FROM hours h
  JOIN events e ON ${tenant(d, "e")} AND e.timestamp >= h.hour AND e.timestamp < h.hour + interval '1 hour'
  WHERE e.received_at <= ${d.rollupWatermark}::timestamptz
  GROUP BY e.organization_id, e.project_id, 3, e.name, e.actor, GROUPING SETS (${trusted(groupingSets)})
),
groups AS (
  SELECT organization_id, project_id, CASE left_out ${trusted(dimensionOfSet)} END AS dimension, bucket, name, value,
         sum(events)::bigint AS events, array_agg(actor) FILTER (WHERE actor IS NOT NULL) AS actors
  FROM pairs
  GROUP BY organization_id, project_id, left_out, bucket, name, value
)
INSERT INTO event_rollups (organization_id, project_id, dimension, bucket, name, value, events, actors)
SELECT organization_id, project_id, dimension, bucket, name, value, events, COALESCE(ARRAY(SELECT DISTINCT a FROM unnest(actors) a ORDER BY a), '{}')
FROM groups`,
  );
  return hours.length;
}

// --- Daily actor bitmaps (event_actor_bitmaps, dimension_actor_bitmaps) --------------------------

/**
 * The local days of those hours, when the project's bitmaps are built in its time zone (otherwise
 * the refresh rebuilds all of them anyway, and queries do not read them meanwhile).
 */
async function affectedDays(
  client: pg.PoolClient,
  d: DeletedEvents,
): Promise<{ timezone: string; days: string[] } | null> {
  const hours = await affectedHours(client, d);
  if (hours.length === 0) return null;
  const { rows } = await run(
    client,
    sql`SELECT s.timezone, ARRAY(SELECT DISTINCT (h AT TIME ZONE s.timezone)::date::text FROM unnest(${hours}::timestamptz[]) h ORDER BY 1) AS days
        FROM rollup_daily_state s JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
        WHERE s.project_id = ${d.projectId}::uuid`,
  );
  const row = rows[0] as { timezone: string; days: string[] } | undefined;
  return row ? { timezone: row.timezone, days: row.days } : null;
}

/**
 * Rebuilds the touched days' bitmaps from their hourly rollups (recomputed first), per event name
 * and per dimension value; returns how many days.
 */
export async function rebuildDailyBitmaps(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  const zoneDays = await affectedDays(client, d);
  if (!zoneDays) return 0;
  const { timezone, days } = zoneDays;
  for (const table of ["event_actor_bitmaps", "dimension_actor_bitmaps"]) {
    await run(
      client,
      sql`DELETE FROM ${trusted(table)} x WHERE ${tenant(d, "x")} AND x.timezone = ${timezone} AND x.day = ANY(${days}::date[])`,
    );
  }
  // Each day's hours of rollups, with their actors' numbers (every actor of a rollup has one).
  const dayRows = (dimension: Sql) => sql`
    FROM unnest(${days}::date[]) AS d(day)
    JOIN event_rollups r ON ${tenant(d, "r")} AND ${dimension}
     AND r.bucket >= (d.day::timestamp AT TIME ZONE ${timezone}) AND r.bucket < ((d.day + 1)::timestamp AT TIME ZONE ${timezone})
    CROSS JOIN LATERAL unnest(r.actors) a
    JOIN project_actors p ON ${tenant(d, "p")} AND p.actor = a`;
  await run(
    client,
    sql`
WITH members AS (
  SELECT DISTINCT ${d.organizationId}::uuid AS organization_id, ${d.projectId}::uuid AS project_id, ${timezone}::text AS timezone, d.day, n.name, p.number
  ${dayRows(sql`r.dimension = ''`)}
  CROSS JOIN LATERAL (VALUES (r.name), ('')) n(name)
)
INSERT INTO event_actor_bitmaps (organization_id, project_id, timezone, day, name, chunk, bits)
${trusted(bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "day", "name"]))}`,
  );
  await run(
    client,
    sql`
WITH members AS (
  SELECT DISTINCT ${d.organizationId}::uuid AS organization_id, ${d.projectId}::uuid AS project_id, ${timezone}::text AS timezone, d.day,
         r.dimension COLLATE "C" AS dimension, r.value COLLATE "C" AS value, p.number
  ${dayRows(sql`r.dimension <> ''`)}
)
INSERT INTO dimension_actor_bitmaps (organization_id, project_id, timezone, dimension, day, value, chunk, bits)
${trusted(bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "dimension", "day", "value"]))}`,
  );
  return days.length;
}

// --- Session rollups (session_fragments, session_hourly) -----------------------------------------

/** Per hour, the counts of the single-hour sessions among fragments f. */
const hourlyCounts = sql`
  count(*) AS sessions,
  count(*) FILTER (WHERE f.pageviews > 0) AS pageview_sessions,
  count(*) FILTER (WHERE f.pageviews = 1 AND f.interactions = 0) AS bounces,
  COALESCE(sum(${durationMicrosSql(sql`f.first_at`, sql`f.last_at`)}), 0)::bigint AS duration_us`;

/**
 * Recomputes the sessions that held deleted events (those folded: arrived up to the session
 * watermark): out of the hourly counts, fragments rebuilt from the events left in their hours,
 * spans marked, back into the counts. A session left without events disappears.
 */
export async function recomputeSessions(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.sessionWatermark === null) return 0;
  const touched = await run(
    client,
    sql`CREATE TEMP TABLE person_sessions ON COMMIT DROP AS
        SELECT DISTINCT session_id FROM ${trusted(d.table)}
        WHERE session_id IS NOT NULL AND received_at <= ${d.sessionWatermark}::timestamptz`,
  );
  if (!touched.rowCount) {
    await client.query("DROP TABLE person_sessions");
    return 0;
  }
  const singleHour = sql`
    FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
    WHERE ${tenant(d, "f")} AND NOT f.spans
    GROUP BY f.hour`;
  await run(
    client,
    sql`
WITH counted AS (SELECT f.hour, ${hourlyCounts} ${singleHour})
UPDATE session_hourly h
SET sessions = h.sessions - c.sessions, pageview_sessions = h.pageview_sessions - c.pageview_sessions,
    bounces = h.bounces - c.bounces, duration_us = h.duration_us - c.duration_us
FROM counted c
WHERE ${tenant(d, "h")} AND h.hour = c.hour`,
  );
  // The hours the sessions had events in: where what is left of them can be.
  await run(
    client,
    sql`
CREATE TEMP TABLE person_session_hours ON COMMIT DROP AS
WITH gone AS (
  DELETE FROM session_fragments f USING person_sessions t
  WHERE ${tenant(d, "f")} AND f.session_id = t.session_id
  RETURNING f.hour
)
SELECT DISTINCT hour FROM gone`,
  );
  await run(
    client,
    sql`
INSERT INTO session_fragments (organization_id, project_id, session_id, hour, first_at, last_at, pageviews, interactions)
SELECT e.organization_id, e.project_id, e.session_id, h.hour, min(e.timestamp), max(e.timestamp),
       (count(*) FILTER (WHERE ${isPageviewSql(sql`e.name`)}))::int, (count(*) FILTER (WHERE ${isInteractionSql(sql`e.name`)}))::int
FROM person_session_hours h
JOIN events e ON ${tenant(d, "e")} AND e.timestamp >= h.hour AND e.timestamp < h.hour + interval '1 hour'
JOIN person_sessions t ON t.session_id = e.session_id
WHERE e.received_at <= ${d.sessionWatermark}::timestamptz
GROUP BY e.organization_id, e.project_id, e.session_id, h.hour`,
  );
  await run(
    client,
    sql`
WITH sessions AS (
  SELECT f.session_id, count(*) > 1 AS spans, min(f.hour) AS first_hour, max(f.hour) AS last_hour,
         min(f.first_at) AS first_at, max(f.last_at) AS last_at, sum(f.pageviews)::int AS pageviews, sum(f.interactions)::int AS interactions
  FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
  WHERE ${tenant(d, "f")}
  GROUP BY f.session_id
)
UPDATE session_fragments f
SET spans = s.spans,
    first_hour = CASE WHEN s.spans THEN s.first_hour END, last_hour = CASE WHEN s.spans THEN s.last_hour END,
    session_first_at = CASE WHEN s.spans THEN s.first_at END, session_last_at = CASE WHEN s.spans THEN s.last_at END,
    session_pageviews = CASE WHEN s.spans THEN s.pageviews END, session_interactions = CASE WHEN s.spans THEN s.interactions END
FROM sessions s
WHERE ${tenant(d, "f")} AND f.session_id = s.session_id AND s.spans`,
  );
  await run(
    client,
    sql`
INSERT INTO session_hourly AS h (organization_id, project_id, hour, sessions, pageview_sessions, bounces, duration_us)
SELECT ${d.organizationId}::uuid, ${d.projectId}::uuid, f.hour, ${hourlyCounts} ${singleHour}
ON CONFLICT (organization_id, project_id, hour) DO UPDATE
SET sessions = h.sessions + EXCLUDED.sessions, pageview_sessions = h.pageview_sessions + EXCLUDED.pageview_sessions,
    bounces = h.bounces + EXCLUDED.bounces, duration_us = h.duration_us + EXCLUDED.duration_us`,
  );
  await client.query("DROP TABLE person_sessions; DROP TABLE person_session_hours");
  return touched.rowCount;
}
