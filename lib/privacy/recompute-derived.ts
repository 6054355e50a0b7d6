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
import { COUNT_CUBE_COLUMNS } from "../query/count-cube-refresh";
import { recomputeMixedActors } from "../query/mixed-actors-refresh";
import { BITMAP_PAIRS, pairName } from "../query/pair-bitmaps-refresh";
import { PASSIVE_EVENTS } from "../query/passive-events";
import { ROLLED_DIMENSIONS } from "../query/rollups";
import { refoldSessions } from "../query/session-refresh";
import { KEY_DIMENSIONS } from "../query/session-selectors";
import { isInteractionSql, isPageviewSql } from "../query/sessions";
import { type Sql, sql, trusted } from "../query/sql";

/** The rolled dimensions (the daily counts' columns besides the name) and their events columns. */
const countCubeDimensions = COUNT_CUBE_COLUMNS.filter((c) => c !== "name").map(
  (dimension) => [dimension, ROLLED_DIMENSIONS[dimension]] as const,
);

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
  await client.query("ANALYZE person_rollup_groups");
  const key = (alias: string) =>
    sql`r.dimension = ${trusted(alias)}.dimension AND r.bucket = ${trusted(alias)}.bucket AND r.name = ${trusted(alias)}.name AND r.value = ${trusted(alias)}.value`;
  // What of the deleted events' actors is left in those groups: their remaining folded events of
  // each (hour, name), read through the actor index (OFFSET 0 keeps each read its own index probe,
  // rather than a join the planner may answer by reading the hours' whole traffic).
  await run(
    client,
    sql`
CREATE TEMP TABLE person_rollup_kept ON COMMIT DROP AS
SELECT DISTINCT a.bucket, v.dimension, a.name, v.value, a.actor
FROM (SELECT DISTINCT bucket, name, actor FROM person_rollup_groups WHERE actor IS NOT NULL) a
CROSS JOIN LATERAL (
  SELECT e.* FROM events e
  WHERE ${tenant(d, "e")} AND e.name = a.name AND (e.actor & 63)::smallint = (a.actor & 63)::smallint
    AND e.timestamp >= a.bucket AND e.timestamp < a.bucket + interval '1 hour' AND e.actor = a.actor
    AND e.received_at <= ${d.rollupWatermark}::timestamptz
  OFFSET 0
) e
CROSS JOIN LATERAL (VALUES ${trusted(groupValues("e"))}) v(dimension, value)`,
  );
  // Each group loses the deleted events' count and, in the same row version, the actors that left it.
  await run(
    client,
    sql`
WITH changes AS MATERIALIZED (
  SELECT bucket, dimension, name, value, sum(events)::bigint AS events, array_agg(actor) FILTER (WHERE gone) AS actors
  FROM (
    SELECT g.*, g.actor IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM person_rollup_kept k
      WHERE k.bucket = g.bucket AND k.dimension = g.dimension AND k.name = g.name AND k.value = g.value AND k.actor = g.actor
    ) AS gone
    FROM person_rollup_groups g
  ) g
  GROUP BY 1, 2, 3, 4
)
UPDATE event_rollups r
SET events = r.events - c.events,
    actors = CASE WHEN c.actors IS NULL THEN r.actors ELSE ARRAY(SELECT a FROM unnest(r.actors) a WHERE a <> ALL(c.actors) ORDER BY a) END
FROM changes c
WHERE ${tenant(d, "r")} AND ${key("c")}`,
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
  await client.query("DROP TABLE person_rollup_groups, person_rollup_kept");
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

// Each rolled dimension's value on a row ('' for none, as in event_rollups).
const rolledValuesOf = (alias: string) =>
  Object.entries(ROLLED_DIMENSIONS)
    .map(([dimension, column]) => `('${dimension}', COALESCE(${alias}.${column}::text, ''))`)
    .join(", ");
const rolledColumnList = [...new Set(Object.values(ROLLED_DIMENSIONS))].map((column) => `e.${column}`).join(", ");

/**
 * Takes out of the daily bitmaps the deleted events' actors where none of their folded events of
 * that day is left with the bitmap's event name (or any, for "any event") or dimension value. What
 * is left of each (day, actor) is read once, through the actor index: the cost follows the
 * person's events, not the days' traffic. Nothing else changes: only the deleted events' actors
 * can have left a bitmap. The bits go by masks (one per bitmap: several actors may share one), and
 * a bitmap left empty goes, as the refresh stores none. Returns how many bitmaps changed.
 */
export async function rebuildDailyBitmaps(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.rollupWatermark === null) return 0;
  const timezone = await bitmapZone(client, d);
  if (timezone === null) return 0;
  await run(
    client,
    sql`
CREATE TEMP TABLE person_day_events ON COMMIT DROP AS
SELECT DISTINCT a.day, a.actor, e.name, ${trusted(rolledColumnList)}
FROM (
  SELECT DISTINCT (x.ts AT TIME ZONE ${timezone})::date AS day, x.actor FROM ${trusted(d.table)} x
  WHERE x.received_at <= ${d.rollupWatermark}::timestamptz AND x.actor IS NOT NULL
) a
CROSS JOIN LATERAL (
  SELECT e.* FROM events e
  WHERE ${tenant(d, "e")} AND (e.actor & 63)::smallint = (a.actor & 63)::smallint AND e.actor = a.actor
    AND e.timestamp >= (a.day::timestamp AT TIME ZONE ${timezone}) AND e.timestamp < ((a.day + 1)::timestamp AT TIME ZONE ${timezone})
    AND e.received_at <= ${d.rollupWatermark}::timestamptz
  OFFSET 0
) e`,
  );
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
  WHERE NOT EXISTS (SELECT 1 FROM person_day_events k WHERE k.day = g.day AND k.actor = g.actor AND ${stillThere})
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
    sql`(g.name = '' OR k.name = g.name)`,
  );
  const values = await clear(
    "dimension_actor_bitmaps",
    ["day", "dimension", "value"],
    gone("v.dimension, v.value", `(VALUES ${rolledValuesOf("x")}) v(dimension, value)`),
    sql`(g.dimension, g.value) IN (VALUES ${trusted(rolledValuesOf("k"))})`,
  );
  await client.query("DROP TABLE person_day_events");
  return names + values;
}

// --- Daily counts (event_counts_daily) ------------------------------------------------------------

/**
 * Takes the deleted events (those folded: arrived up to the rollup watermark) out of the daily
 * counts of the time zone they are complete in: each combination of name and rolled dimension
 * values loses their count, and one left with none goes, as the refresh stores none. Returns how
 * many combinations changed.
 */
export async function recomputeDailyCounts(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.rollupWatermark === null) return 0;
  const columns = trusted(COUNT_CUBE_COLUMNS.join(", "));
  const key = trusted(COUNT_CUBE_COLUMNS.map((c) => `c.${c} = x.${c}`).join(" AND "));
  const cells = await run(
    client,
    sql`
CREATE TEMP TABLE person_count_cells ON COMMIT DROP AS
SELECT s.timezone, (x.ts AT TIME ZONE s.timezone)::date AS day,
       ${trusted(["x.name", ...countCubeDimensions.map(([dimension, column]) => `COALESCE(x.${column}::text, '') AS ${dimension}`)].join(", "))},
       count(*) AS events
FROM ${trusted(d.table)} x JOIN event_counts_state s ON s.project_id = ${d.projectId}::uuid
WHERE x.received_at <= ${d.rollupWatermark}::timestamptz
GROUP BY 1, 2, ${columns}`,
  );
  if (cells.rowCount) {
    const cell = sql`${tenant(d, "c")} AND c.timezone = x.timezone AND c.day = x.day AND ${key}`;
    await run(
      client,
      sql`UPDATE event_counts_daily c SET events = c.events - x.events FROM person_count_cells x WHERE ${cell}`,
    );
    await run(client, sql`DELETE FROM event_counts_daily c USING person_count_cells x WHERE ${cell} AND c.events <= 0`);
  }
  await client.query("DROP TABLE person_count_cells");
  return cells.rowCount ?? 0;
}

// --- Mixed actors and pair bitmaps (mixed_actor_*, pair_*) --------------------------------------

/** The deleted events' actors per local day of the bitmaps' zone, with their numbers (the bits they hold). */
async function deletedActorDays(client: pg.PoolClient, d: DeletedEvents, timezone: string): Promise<number> {
  const made = await run(
    client,
    sql`
CREATE TEMP TABLE person_actor_days ON COMMIT DROP AS
SELECT DISTINCT p.organization_id, p.project_id, ${timezone}::text AS timezone, (x.ts AT TIME ZONE ${timezone})::date AS day, x.actor, p.number
FROM ${trusted(d.table)} x JOIN project_actors p ON ${tenant(d, "p")} AND p.actor = x.actor
WHERE x.received_at <= ${d.rollupWatermark}::timestamptz AND x.actor IS NOT NULL`,
  );
  return made.rowCount ?? 0;
}

/**
 * After the daily bitmaps lost the deleted events' actors: the mixed actors of the cells those
 * actors' bits are in are found again from the per-value bitmaps, and their own rows of each day
 * (mixed_actor_days) read again from the events left, if they are still mixed that day.
 */
async function recomputeMixed(client: pg.PoolClient, d: DeletedEvents, timezone: string): Promise<number> {
  const { rows } = await run(
    client,
    sql`SELECT EXISTS (SELECT 1 FROM mixed_actor_state s WHERE s.project_id = ${d.projectId}::uuid AND s.timezone = ${timezone}) AS built`,
  );
  if (!(rows[0] as { built: boolean }).built) return 0;
  return recomputeMixedActors(client, "person_actor_days", d.rollupWatermark!);
}

// Each deleted row's (pair, first dimension, first value, second value), as the pair refresh keys them.
const pairValuesOf = (alias: string) =>
  BITMAP_PAIRS.map(
    (pair) =>
      `('${pairName(pair)}', COALESCE(${alias}.${ROLLED_DIMENSIONS[pair[0]]}, ''), COALESCE(${alias}.${ROLLED_DIMENSIONS[pair[1]]}, ''))`,
  ).join(", ");

/**
 * Brings the pair bitmaps of the deleted events' (day, pair, first value, actor) in line with the
 * events of that actor left that day: the actor stays in a second value's bitmap if one of them
 * still has both values, and is in "complete" exactly when some have the first value and all of
 * those a second one (a deleted event without a second value may put it back in).
 */
async function recomputePairs(client: pg.PoolClient, d: DeletedEvents, timezone: string): Promise<number> {
  const { rows } = await run(
    client,
    sql`SELECT EXISTS (SELECT 1 FROM pair_state s WHERE s.project_id = ${d.projectId}::uuid AND s.timezone = ${timezone}) AS built`,
  );
  if (!(rows[0] as { built: boolean }).built) return 0;
  await run(
    client,
    sql`
CREATE TEMP TABLE person_pair_deleted ON COMMIT DROP AS
SELECT DISTINCT a.day, v.pair, v.a_value, v.b_value, a.actor, a.number
FROM ${trusted(d.table)} x
JOIN person_actor_days a ON a.actor = x.actor AND a.day = (x.ts AT TIME ZONE ${timezone})::date
CROSS JOIN LATERAL (VALUES ${trusted(pairValuesOf("x"))}) v(pair, a_value, b_value)
WHERE x.received_at <= ${d.rollupWatermark}::timestamptz`,
  );
  await run(
    client,
    sql`
CREATE TEMP TABLE person_pair_left ON COMMIT DROP AS
SELECT c.day, c.pair, c.a_value, c.number,
       COALESCE(array_agg(DISTINCT l.b_value) FILTER (WHERE l.b_value <> ''), '{}') AS b_values,
       count(l.b_value) > 0 AND bool_and(l.b_value <> '') AS complete
FROM (SELECT DISTINCT day, pair, a_value, actor, number FROM person_pair_deleted) c
LEFT JOIN LATERAL (
  SELECT v.b_value FROM events e CROSS JOIN LATERAL (VALUES ${trusted(pairValuesOf("e"))}) v(pair, a_value, b_value)
  WHERE ${tenant(d, "e")} AND (e.actor & 63)::smallint = (c.actor & 63)::smallint AND e.actor = c.actor
    AND e.timestamp >= (c.day::timestamp AT TIME ZONE ${timezone}) AND e.timestamp < ((c.day + 1)::timestamp AT TIME ZONE ${timezone})
    AND e.received_at <= ${d.rollupWatermark}::timestamptz AND v.pair = c.pair AND v.a_value = c.a_value
  OFFSET 0
) l ON true
GROUP BY 1, 2, 3, 4`,
  );
  const pairKeys = ["day", "pair", "a_value", "b_value"];
  const completeKeys = ["day", "pair", "a_value"];
  const masked = (keys: string[], alias: string) =>
    trusted([...keys.map((k) => `${alias}.${k} = m.${k}`), `${alias}.chunk = m.chunk`].join(" AND "));
  const cleared = await run(
    client,
    sql`
WITH stale AS MATERIALIZED (
  SELECT DISTINCT x.day, x.pair, x.a_value, x.b_value, x.number
  FROM person_pair_deleted x JOIN person_pair_left l ON l.day = x.day AND l.pair = x.pair AND l.a_value = x.a_value AND l.number = x.number
  WHERE x.b_value <> '' AND NOT (x.b_value = ANY(l.b_values))
),
masks AS MATERIALIZED (${trusted(bitmapsFromNumbersSql("stale", pairKeys))})
UPDATE pair_actor_bitmaps b SET bits = b.bits & ~m.bits
FROM masks m
WHERE ${tenant(d, "b")} AND b.timezone = ${timezone} AND ${masked(pairKeys, "b")}`,
  );
  const unset = await run(
    client,
    sql`
WITH stale AS MATERIALIZED (SELECT day, pair, a_value, number FROM person_pair_left WHERE NOT complete),
masks AS MATERIALIZED (${trusted(bitmapsFromNumbersSql("stale", completeKeys))})
UPDATE pair_complete_bitmaps b SET bits = b.bits & ~m.bits
FROM masks m
WHERE ${tenant(d, "b")} AND b.timezone = ${timezone} AND ${masked(completeKeys, "b")}`,
  );
  const set = await run(
    client,
    sql`
WITH members AS MATERIALIZED (SELECT day, pair, a_value, number FROM person_pair_left WHERE complete),
masks AS MATERIALIZED (${trusted(bitmapsFromNumbersSql("members", completeKeys))})
INSERT INTO pair_complete_bitmaps AS b (organization_id, project_id, timezone, day, pair, a_value, chunk, bits)
SELECT ${d.organizationId}::uuid, ${d.projectId}::uuid, ${timezone}, day, pair, a_value, chunk, bits FROM masks
ON CONFLICT (organization_id, project_id, timezone, pair, day, a_value, chunk) DO UPDATE SET bits = b.bits | EXCLUDED.bits`,
  );
  for (const table of ["pair_actor_bitmaps", "pair_complete_bitmaps"])
    await run(
      client,
      sql`DELETE FROM ${trusted(table)} b WHERE ${tenant(d, "b")} AND b.timezone = ${timezone} AND bit_count(b.bits) = 0
          AND b.day = ANY(ARRAY(SELECT DISTINCT day FROM person_pair_left))`,
    );
  await client.query("DROP TABLE person_pair_deleted, person_pair_left");
  return (cleared.rowCount ?? 0) + (unset.rowCount ?? 0) + (set.rowCount ?? 0);
}

/**
 * The tables built beside the daily bitmaps for drill-down filters (lib/query/filtered-visitors.ts):
 * brought in line after rebuildDailyBitmaps took the deleted events' actors out. Returns how many
 * bitmaps or actors changed.
 */
export async function recomputeFilteredBitmaps(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.rollupWatermark === null) return 0;
  const timezone = await bitmapZone(client, d);
  if (timezone === null) return 0;
  if ((await deletedActorDays(client, d, timezone)) === 0) {
    await client.query("DROP TABLE person_actor_days");
    return 0;
  }
  const changed = (await recomputeMixed(client, d, timezone)) + (await recomputePairs(client, d, timezone));
  await client.query("DROP TABLE person_actor_days");
  return changed;
}

// --- Session rollups (session_fragments, session_counts, session_key_values, session_spans) -------

/**
 * Recomputes the sessions that held deleted events (those folded: arrived up to the session
 * watermark): their parts come out of the counts, their fragments are folded again from the events
 * left within the time their fragments spanned (session-refresh.ts's own statements), and the
 * counts take them back. A session left without events disappears. Only the sessions' own time is
 * read, not whole hours: a deletion's cost follows the person's sessions, not the hours' traffic.
 */
export async function recomputeSessions(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  if (d.sessionWatermark === null) return 0;
  const touched = await run(
    client,
    sql`CREATE TEMP TABLE person_sessions ON COMMIT DROP AS
        SELECT DISTINCT ${d.organizationId}::uuid AS organization_id, ${d.projectId}::uuid AS project_id, session_id
        FROM ${trusted(d.table)}
        WHERE session_id IS NOT NULL AND received_at <= ${d.sessionWatermark}::timestamptz`,
  );
  if (!touched.rowCount) {
    await client.query("DROP TABLE person_sessions");
    return 0;
  }
  // The sessions this batch empties need no reading: every pageview and interaction their fragments
  // count is among the deleted rows, and no passive event other than a pageview (session_start,
  // page_leave, scroll: counted in neither) is left in their time, found through the name index.
  // Usually all of a person's sessions but those a batch boundary cuts: the reading below is then
  // a few sessions' time per batch, not every day the person was active.
  const remainder = PASSIVE_EVENTS.filter((name) => name !== "pageview");
  await run(
    client,
    sql`CREATE TEMP TABLE person_sessions_emptied ON COMMIT DROP AS
        SELECT f.session_id
        FROM (
          SELECT f.session_id, sum(f.pageviews) AS pageviews, sum(f.interactions) AS interactions,
                 min(f.first_at) AS first_at, max(f.last_at) AS last_at
          FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
          WHERE ${tenant(d, "f")}
          GROUP BY 1
        ) f
        JOIN (
          SELECT x.session_id, count(*) FILTER (WHERE ${isPageviewSql(sql`x.name`)}) AS pageviews,
                 count(*) FILTER (WHERE ${isInteractionSql(sql`x.name`)}) AS interactions
          FROM ${trusted(d.table)} x
          WHERE x.session_id IS NOT NULL AND x.received_at <= ${d.sessionWatermark}::timestamptz
          GROUP BY 1
        ) x ON x.session_id = f.session_id AND x.pageviews = f.pageviews AND x.interactions = f.interactions
        WHERE NOT EXISTS (
          SELECT 1 FROM events e
          WHERE ${tenant(d, "e")} AND e.name = ANY(${remainder}::text[])
            AND e.timestamp >= f.first_at AND e.timestamp <= f.last_at AND e.session_id = f.session_id
            AND e.received_at <= ${d.sessionWatermark}::timestamptz
        )`,
  );
  // Where what is left of the other sessions can be: from their first to their last folded event,
  // as disjoint ranges (each event is read once however many of the sessions overlap it).
  await run(
    client,
    sql`CREATE TEMP TABLE person_session_times ON COMMIT DROP AS
        SELECT lower(r) AS low, upper(r) AS high
        FROM unnest((
          SELECT range_agg(tstzrange(f.first_at, f.last_at, '[]'))
          FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
          WHERE ${tenant(d, "f")} AND f.session_id NOT IN (SELECT session_id FROM person_sessions_emptied)
        )) r`,
  );
  const longest = await heldLongestSpan(client, d);
  await refoldSessions(
    client,
    "person_sessions",
    sql`person_session_times h JOIN events e ON ${tenant(d, "e")} AND e.timestamp >= h.low AND e.timestamp <= h.high`,
    sql`e.session_id IN (SELECT session_id FROM person_sessions) AND e.received_at <= ${d.sessionWatermark}::timestamptz`,
  );
  if (longest !== null) await shortenLongestSpan(client, d, longest);
  // Key values (pages, referrers, sources) no session part is counted under any more go: their text
  // may be the person's own (a profile page). Every key of a fragment is counted in part 0 with no
  // profile (the primary key's prefix), so that row says whether any session still has it.
  await run(
    client,
    sql`
DELETE FROM session_key_values v
USING (
  SELECT DISTINCT k.dimension, k.value FROM ${trusted(d.table)} x
  CROSS JOIN LATERAL (VALUES ${trusted(
    Object.entries(KEY_DIMENSIONS)
      .map(([dimension, column]) => `('${dimension}', COALESCE(x.${column}, ''))`)
      .join(", "),
  )}) k(dimension, value)
) g
WHERE ${tenant(d, "v")} AND v.dimension = g.dimension AND v.value = g.value
  AND NOT EXISTS (
    SELECT 1 FROM session_counts c
    WHERE ${tenant(d, "c")} AND c.part = 0 AND c.profile_dimension = '' AND c.profile_value = '' AND c.key_id = v.id
  )`,
  );
  await client.query("DROP TABLE person_sessions, person_sessions_emptied, person_session_times");
  return touched.rowCount;
}

/**
 * session_spans' longest span of the project, when one of the touched sessions spans that long (it
 * may be the only one: the refold never shortens the bound itself); null otherwise.
 */
async function heldLongestSpan(client: pg.PoolClient, d: DeletedEvents): Promise<number | null> {
  const { rows } = await run(
    client,
    sql`SELECT s.longest_hours FROM session_spans s
        WHERE s.project_id = ${d.projectId}::uuid AND EXISTS (
          SELECT 1 FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
          WHERE ${tenant(d, "f")} AND f.spans AND f.hour = f.first_hour
            AND f.last_hour - f.first_hour >= s.longest_hours * interval '1 hour'
        )`,
  );
  return (rows[0] as { longest_hours: number } | undefined)?.longest_hours ?? null;
}

/**
 * After the refold: if no session of the project spans `longest` hours any more, the bound becomes
 * the longest span left (no row without one), as a refresh from scratch would store it. The first
 * check usually stops at the first session it reads.
 */
async function shortenLongestSpan(client: pg.PoolClient, d: DeletedEvents, longest: number): Promise<void> {
  const spanning = sql`FROM session_fragments f WHERE ${tenant(d, "f")} AND f.spans AND f.hour = f.first_hour`;
  const { rows } = await run(
    client,
    sql`SELECT EXISTS (SELECT 1 ${spanning} AND f.last_hour - f.first_hour >= ${longest}::int * interval '1 hour') AS kept`,
  );
  if ((rows[0] as { kept: boolean }).kept) return;
  const { rows: left } = await run(
    client,
    sql`SELECT max(extract(epoch FROM f.last_hour - f.first_hour) / 3600)::int AS hours ${spanning}`,
  );
  const hours = (left[0] as { hours: number | null }).hours;
  if (hours === null) await run(client, sql`DELETE FROM session_spans s WHERE s.project_id = ${d.projectId}::uuid`);
  else
    await run(
      client,
      sql`UPDATE session_spans s SET longest_hours = ${hours} WHERE s.project_id = ${d.projectId}::uuid`,
    );
}

// --- Where properties are (property_events) -------------------------------------------------------

/** Removes the deleted events' rows (by primary key: their time and id). */
export async function deletePropertyEvents(client: pg.PoolClient, d: DeletedEvents): Promise<number> {
  const { rowCount } = await run(
    client,
    sql`DELETE FROM property_events p USING ${trusted(d.table)} x
        WHERE ${tenant(d, "p")} AND p.timestamp = x.ts AND p.event_id = x.event_id`,
  );
  return rowCount ?? 0;
}
