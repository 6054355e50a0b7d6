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
import { ROLLED_DIMENSIONS } from "../query/rollups";
import { refoldSessions } from "../query/session-refresh";
import { KEY_DIMENSIONS } from "../query/session-selectors";
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

// --- Session rollups (session_fragments, session_counts) -----------------------------------------

/**
 * Recomputes the sessions that held deleted events (those folded: arrived up to the session
 * watermark): their parts come out of the counts, their fragments are folded again from the events
 * left in the hours they had events in (session-refresh.ts's own statements), and the counts take
 * them back. A session left without events disappears.
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
  // The hours the sessions had events in: where what is left of them can be.
  await run(
    client,
    sql`CREATE TEMP TABLE person_session_hours ON COMMIT DROP AS
        SELECT DISTINCT f.hour FROM session_fragments f JOIN person_sessions t ON t.session_id = f.session_id
        WHERE ${tenant(d, "f")}`,
  );
  await refoldSessions(
    client,
    "person_sessions",
    sql`person_session_hours h JOIN events e ON ${tenant(d, "e")} AND e.timestamp >= h.hour AND e.timestamp < h.hour + interval '1 hour'`,
    sql`e.session_id IN (SELECT session_id FROM person_sessions) AND e.received_at <= ${d.sessionWatermark}::timestamptz`,
  );
  // Key values (pages, referrers, sources) no session part is counted under any more go: their text
  // may be the person's own (a profile page), and every key of a fragment is counted.
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
  AND NOT EXISTS (SELECT 1 FROM session_counts c WHERE ${tenant(d, "c")} AND c.key_id = v.id)`,
  );
  await client.query("DROP TABLE person_sessions, person_session_hours");
  return touched.rowCount;
}
