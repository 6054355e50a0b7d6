// Brings the tables derived from raw events back in line with them after some events were deleted
// (a person's deletion, lib/privacy/delete-person.ts), to exactly what the refreshes would hold had
// those events never arrived: the hourly rollups and daily bitmaps lose what the deleted events put
// in them (counts, and the actors with no other event left in a group), the sessions they were in
// are computed again from the events that remain. The cost follows the deleted events, not the
// traffic of the hours they fall in. Each function runs inside the deleting transaction, which holds
// both refresh locks, so the watermarks cannot move meanwhile: a derived table holds the events
// that arrived up to its watermark, and only deleted events that had are taken out of it.
//
// The keys and values follow the refreshes' own (lib/query/rollup-refresh.ts, session-refresh.ts).
// The privacy tests hold every report, from rollups and raw, to the answer on a data set that
// never had the person.
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
  /** A temp table of the deleted rows: event_id, ts, received_at, session_id, actor, name and the rolled dimensions' columns. */
  table: string;
}

const tenant = (d: DeletedEvents, alias: string) =>
  sql`${trusted(alias)}.organization_id = ${d.organizationId}::uuid AND ${trusted(alias)}.project_id = ${d.projectId}::uuid`;

async function run(client: pg.PoolClient, statement: Sql): Promise<pg.QueryResult> {
  return client.query(statement.toQuery());
}

// --- Hourly rollups (event_rollups) --------------------------------------------------------------

// A row's value of each rolled dimension, and '' for the totals (dimension ''), as event_rollups
// keys them ('' also stands for no value).
const groupValues = (alias: string) =>
  [
    "('', '')",
    ...Object.entries(ROLLED_DIMENSIONS).map(
      ([dimension, column]) => `('${dimension}', COALESCE(${alias}.${column}::text, ''))`,
    ),
  ].join(", ");
const dimensionValueSql = (alias: string) =>
  `CASE g.dimension WHEN '' THEN '' ${Object.entries(ROLLED_DIMENSIONS)
    .map(([dimension, column]) => `WHEN '${dimension}' THEN COALESCE(${alias}.${column}::text, '')`)
    .join(" ")} END`;

/**
 * Takes the deleted events (those folded: arrived up to the watermark) out of their hours' rollups:
 * each group (hour, dimension, event name, value) loses their count, and the actors of theirs that
 * have no other folded event in that group leave its actor list (found through the actor index: the
 * same name, actor bucket and hour). Exactly what folding the remaining events would give, at a
 * cost that follows the deleted events, not the hours' traffic. A group left with no event goes,
 * as the refresh stores none. Returns how many hours.
 */
export async function recomputeHourlyRollups(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.rollupWatermark === null) return 0;
  const groups = await run(
    client,
    sql`
CREATE TEMP TABLE person_rollup_groups ON COMMIT DROP AS
SELECT date_trunc('hour', x.ts, 'UTC') AS bucket, v.dimension, x.name, v.value, x.actor, count(*) AS events
FROM ${trusted(d.table)} x CROSS JOIN LATERAL (VALUES ${trusted(groupValues("x"))}) v(dimension, value)
WHERE x.received_at <= ${d.rollupWatermark}::timestamptz
GROUP BY 1, 2, 3, 4, 5`,
  );
  if (!groups.rowCount) {
    await client.query("DROP TABLE person_rollup_groups");
    return 0;
  }
  const key = (alias: string) =>
    sql`r.dimension = ${trusted(alias)}.dimension AND r.bucket = ${trusted(alias)}.bucket AND r.name = ${trusted(alias)}.name AND r.value = ${trusted(alias)}.value`;
  await run(
    client,
    sql`
UPDATE event_rollups r SET events = r.events - c.events
FROM (SELECT bucket, dimension, name, value, sum(events)::bigint AS events FROM person_rollup_groups GROUP BY 1, 2, 3, 4) c
WHERE ${tenant(d, "r")} AND ${key("c")}`,
  );
  await run(
    client,
    sql`
WITH gone AS MATERIALIZED (
  SELECT g.bucket, g.dimension, g.name, g.value, array_agg(g.actor) AS actors
  FROM person_rollup_groups g
  WHERE g.actor IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM events e
    WHERE ${tenant(d, "e")} AND e.name = g.name AND (e.actor & 63)::smallint = (g.actor & 63)::smallint
      AND e.timestamp >= g.bucket AND e.timestamp < g.bucket + interval '1 hour' AND e.actor = g.actor
      AND e.received_at <= ${d.rollupWatermark}::timestamptz AND ${trusted(dimensionValueSql("e"))} = g.value
  )
  GROUP BY 1, 2, 3, 4
)
UPDATE event_rollups r SET actors = ARRAY(SELECT a FROM unnest(r.actors) a WHERE a <> ALL(gone.actors) ORDER BY a)
FROM gone
WHERE ${tenant(d, "r")} AND ${key("gone")}`,
  );
  const hours = await run(
    client,
    sql`
WITH hours AS MATERIALIZED (SELECT DISTINCT bucket FROM person_rollup_groups),
emptied AS (
  DELETE FROM event_rollups r USING hours h WHERE ${tenant(d, "r")} AND r.bucket = h.bucket AND r.events <= 0
)
SELECT count(*)::int AS n FROM hours`,
  );
  await client.query("DROP TABLE person_rollup_groups");
  return (hours.rows[0] as { n: number }).n;
}

// --- Daily actor bitmaps (event_actor_bitmaps, dimension_actor_bitmaps) --------------------------

/**
 * The project's bitmap time zone, when its bitmaps are built in its time zone (otherwise the
 * refresh rebuilds all of them anyway, and queries do not read them meanwhile).
 */
async function bitmapZone(client: pg.PoolClient, d: DeletedEvents): Promise<string | null> {
  const { rows } = await run(
    client,
    sql`SELECT s.timezone FROM rollup_daily_state s JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
        WHERE s.project_id = ${d.projectId}::uuid`,
  );
  return (rows[0] as { timezone: string } | undefined)?.timezone ?? null;
}

// Each rolled dimension's value on a deleted row ('' for none, as in event_rollups).
const deletedValues = Object.entries(ROLLED_DIMENSIONS)
  .map(([dimension, column]) => `('${dimension}', COALESCE(x.${column}::text, ''))`)
  .join(", ");

/**
 * Takes out of the daily bitmaps the deleted events' actors where the (recomputed) hourly rollups of
 * that day no longer hold them: in the bitmaps of their event names and of "any event", and of their
 * value of each rolled dimension. Nothing else changes: rollups after a deletion hold a subset of
 * the actors they held, and only the deleted events' actors can have left. The bits go by masks
 * (one per bitmap: several actors may share one), and a bitmap left empty goes, as the refresh
 * stores none. Returns how many bitmaps changed.
 */
export async function rebuildDailyBitmaps(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.rollupWatermark === null) return 0;
  const timezone = await bitmapZone(client, d);
  if (timezone === null) return 0;
  const dayHours = sql`r.bucket >= (g.day::timestamp AT TIME ZONE ${timezone}) AND r.bucket < ((g.day + 1)::timestamp AT TIME ZONE ${timezone})`;
  const gone = (groups: string, join: string) => sql`
    SELECT DISTINCT (x.ts AT TIME ZONE ${timezone})::date AS day, ${trusted(groups)}, x.actor
    FROM ${trusted(d.table)} x CROSS JOIN LATERAL ${trusted(join)}
    WHERE x.received_at <= ${d.rollupWatermark}::timestamptz AND x.actor IS NOT NULL`;
  // Per bitmap (keys, chunk): a mask of the actors who left it. Each step is computed once
  // (MATERIALIZED): a plan that rescans the masks per bitmap row of the project took minutes.
  const clear = async (table: string, keys: string[], goneSql: Sql, stillThere: Sql) => {
    const match = keys.map((k) => `b.${k} = m.${k}`).join(" AND ");
    const changed = await run(
      client,
      sql`
WITH gone AS MATERIALIZED (${goneSql}),
stale AS MATERIALIZED (
  SELECT ${trusted(keys.map((k) => `g.${k}`).join(", "))}, p.number
  FROM gone g JOIN project_actors p ON ${tenant(d, "p")} AND p.actor = g.actor
  WHERE NOT EXISTS (SELECT 1 FROM event_rollups r WHERE ${tenant(d, "r")} AND ${dayHours} AND ${stillThere} AND g.actor = ANY(r.actors))
),
masks AS MATERIALIZED (${trusted(bitmapsFromNumbersSql("stale", keys))})
UPDATE ${trusted(table)} b SET bits = b.bits & ~m.bits
FROM masks m
WHERE ${tenant(d, "b")} AND b.timezone = ${timezone} AND ${trusted(match)} AND b.chunk = m.chunk
RETURNING ${trusted(keys.map((k) => `b.${k}`).join(", "))}, b.chunk, bit_count(b.bits) = 0 AS empty`,
    );
    const emptied = (changed.rows as { empty: boolean }[]).filter((row) => row.empty).length;
    if (emptied > 0)
      await run(
        client,
        sql`DELETE FROM ${trusted(table)} b WHERE ${tenant(d, "b")} AND b.timezone = ${timezone} AND bit_count(b.bits) = 0
            AND b.day = ANY(ARRAY(SELECT DISTINCT (x.ts AT TIME ZONE ${timezone})::date FROM ${trusted(d.table)} x))`,
      );
    return changed.rowCount ?? 0;
  };
  const names = await clear(
    "event_actor_bitmaps",
    ["day", "name"],
    gone("n.name", "(VALUES (x.name), ('')) n(name)"),
    sql`r.dimension = '' AND (g.name = '' OR r.name = g.name)`,
  );
  const values = await clear(
    "dimension_actor_bitmaps",
    ["day", "dimension", "value"],
    gone("v.dimension, v.value", `(VALUES ${deletedValues}) v(dimension, value)`),
    sql`r.dimension = g.dimension AND r.value = g.value`,
  );
  return names + values;
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
