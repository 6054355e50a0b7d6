// Keeps actor_count_slices: per local day, event name (and path of that name) and actor, how many
// events the actor did, stored as bit slices over actor numbers (slice i: the actors whose count
// has bit i set), so the events of a set of actors are counted from bit counts (count-slices.ts).
// Inside each step of the rollup refresh, after the daily bitmaps have numbered the step's actors
// and only for projects whose daily bitmaps are in their time zone (the sets a count is ANDed with
// come from them). A project seen for the first time, or in a new time zone, is rebuilt from its
// events a week of local days per statement; the others take in the step's arrivals.
//
// Arrivals only add to counts, and a person's deletion only takes away, so both are deltas per
// (cell, actor): the actor's stored count is read back from the slices (each cell's slices
// detoasted once, as an array), and the slices are XORed with the bits that change between the
// old count and the new one. Cost follows the (cell, actor) pairs touched, not the day's traffic.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql, CHUNK_BITS, CHUNK_SHIFT } from "./actor-bitmaps";
import { bitmapsRebuiltSql } from "./bitmaps-rebuilt";
import { STEP_ARRIVALS } from "./step-arrivals";

/** A count cell's key: a day's events of a name (by_path false, path '') or of a name and path. */
const CELL_KEYS = ["organization_id", "project_id", "timezone", "by_path", "day", "name", "path"] as const;
const cellKeys = CELL_KEYS.join(", ");
const sliceKeys = [...CELL_KEYS, "slice"];

/** Each event counts in two cells: its name's, and its name and path's ('' for none, as the daily counts). */
const COUNT_CELLS_OF = (alias: string) => `(VALUES (false, ''), (true, COALESCE(${alias}.path, ''))) c(by_path, path)`;

// Projects whose daily bitmaps are in the project's time zone (their actors are numbered), as the
// mixed actors and pairs choose theirs: those with arrivals, and those whose slices are missing, in
// another zone or whose bitmaps this step rebuilds (rebuilt too).
const eligibleSql = `
CREATE TEMP TABLE slices_eligible ON COMMIT DROP AS
  SELECT b.organization_id, b.project_id, b.timezone,
         s.timezone IS DISTINCT FROM b.timezone OR ${bitmapsRebuiltSql("b")} AS rebuild
  FROM rollup_daily_state b
  JOIN projects p ON p.id = b.project_id AND p.timezone = b.timezone
  LEFT JOIN count_slice_state s ON s.project_id = b.project_id
  WHERE b.project_id = ANY($1::uuid[]) OR s.timezone IS DISTINCT FROM b.timezone OR ${bitmapsRebuiltSql("b")}`;

const clearRebuiltSql = `DELETE FROM actor_count_slices x USING slices_eligible g WHERE g.rebuild AND x.project_id = g.project_id`;

// The weeks of local days a rebuilt project's events cover, each rebuilt by one statement.
const rebuiltWeeksSql = `
SELECT g.organization_id, g.project_id, g.timezone, w.start::date::text AS start
FROM slices_eligible g
CROSS JOIN LATERAL (
  SELECT min(e.timestamp) AS first, max(e.timestamp) AS last FROM events e
  WHERE e.organization_id = g.organization_id AND e.project_id = g.project_id
) span
CROSS JOIN LATERAL generate_series((span.first AT TIME ZONE g.timezone)::date::timestamp,
                                   (span.last AT TIME ZONE g.timezone)::date::timestamp, interval '7 days') AS w(start)
WHERE g.rebuild
ORDER BY 2, 4`;

/**
 * The (slice, number) rows of a relation of counts (…, number, n): one per bit set in n. The series
 * runs one past the highest bit by the float logarithm, which is never short by more than that.
 */
const bitsOfCounts = (relation: string, count: string) => `
  SELECT ${cellKeys}, i::smallint AS slice, number
  FROM ${relation} CROSS JOIN LATERAL generate_series(0, floor(ln(greatest(${count}, 1)::float8) / ln(2))::int + 1) i
  WHERE ${count} > 0 AND (${count} >> i) & 1 = 1`;

const insertSlices = (relation: string) => `
INSERT INTO actor_count_slices AS x (${cellKeys}, slice, chunk, bits)
${bitmapsFromNumbersSql(relation, sliceKeys)}`;

// One week of local days ($4, its first) of a rebuilt project, from its events up to the watermark:
// counted per actor hash first, then numbered (one lookup per actor and cell, not per event).
const rebuildWeekSql = `
WITH by_actor AS (
  SELECT c.by_path, (e.timestamp AT TIME ZONE $3::text)::date AS day, e.name, c.path, e.actor, count(*) AS n
  FROM events e
  CROSS JOIN LATERAL ${COUNT_CELLS_OF("e")}
  WHERE e.organization_id = $1::uuid AND e.project_id = $2::uuid AND e.received_at <= $5::timestamptz AND e.actor IS NOT NULL
    AND e.timestamp >= ($4::date::timestamp AT TIME ZONE $3::text) AND e.timestamp < (($4::date + 7)::timestamp AT TIME ZONE $3::text)
  GROUP BY 1, 2, 3, 4, 5
),
counts AS (
  SELECT $1::uuid AS organization_id, $2::uuid AS project_id, $3::text AS timezone, a.by_path, a.day, a.name, a.path, p.number, a.n
  FROM by_actor a JOIN project_actors p ON p.organization_id = $1::uuid AND p.project_id = $2::uuid AND p.actor = a.actor
),
bits AS (${bitsOfCounts("counts", "n")})
${insertSlices("bits")}`;

// The step's arrivals as deltas per cell and actor (numbered by the daily bitmaps' refresh, before).
const arrivalDeltasSql = `
CREATE TEMP TABLE slice_deltas ON COMMIT DROP AS
SELECT g.organization_id, g.project_id, g.timezone AS timezone, c.by_path, (e.timestamp AT TIME ZONE g.timezone)::date AS day,
       e.name AS name, c.path AS path, p.number, count(*) AS delta
FROM ${STEP_ARRIVALS} e
JOIN slices_eligible g ON g.organization_id = e.organization_id AND g.project_id = e.project_id AND NOT g.rebuild
JOIN project_actors p ON p.organization_id = e.organization_id AND p.project_id = e.project_id AND p.actor = e.actor
CROSS JOIN LATERAL ${COUNT_CELLS_OF("e")}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

const cellMatch = (a: string, b: string) => CELL_KEYS.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");

// Given slice_deltas (cell keys, number, delta): each actor's stored count, read from its cell's
// slices (aggregated into an array: detoasted once per cell and chunk, not once per actor), and
// the slices XORed with the bits that differ between it and the count plus the delta (never below
// zero: only folded events are ever taken out). The slices an XOR leaves empty are recorded, and
// deleted by the next statement (the refresh stores none). Returns how many slices changed.
const applyDeltasSql = `
WITH touched AS MATERIALIZED (
  SELECT DISTINCT ${cellKeys}, number >> ${CHUNK_SHIFT} AS chunk FROM slice_deltas
),
stored AS MATERIALIZED (
  SELECT t.*, s.slices, s.ids FROM touched t
  CROSS JOIN LATERAL (
    SELECT array_agg(x.bits ORDER BY x.slice) AS slices, array_agg(x.slice ORDER BY x.slice) AS ids
    FROM actor_count_slices x WHERE ${cellMatch("x", "t")} AND x.chunk = t.chunk
  ) s
  WHERE s.slices IS NOT NULL
),
counted AS (
  SELECT d.*, COALESCE((
    SELECT sum(get_bit(st.slices[k], (d.number & ${CHUNK_BITS - 1})::int)::bigint << st.ids[k])
    FROM generate_subscripts(st.slices, 1) k)::bigint, 0) AS old
  FROM slice_deltas d LEFT JOIN stored st ON ${cellMatch("st", "d")} AND st.chunk = d.number >> ${CHUNK_SHIFT}
),
changed AS (SELECT ${cellKeys}, number, old # greatest(old + delta, 0) AS flipped FROM counted),
flips AS (${bitsOfCounts("changed", "flipped")}),
updated AS (
  ${insertSlices("flips")}
  ON CONFLICT (${cellKeys}, chunk, slice) DO UPDATE SET bits = x.bits # EXCLUDED.bits
  RETURNING ${CELL_KEYS.map((k) => `x.${k}`).join(", ")}, x.chunk, x.slice, bit_count(x.bits) = 0 AS empty
),
emptied AS (INSERT INTO slices_emptied SELECT ${cellKeys}, chunk, slice FROM updated WHERE empty)
SELECT count(*)::int AS changed FROM updated`;

const deleteEmptiedSql = `
DELETE FROM actor_count_slices x USING slices_emptied m
WHERE ${cellMatch("x", "m")} AND x.chunk = m.chunk AND x.slice = m.slice AND bit_count(x.bits) = 0`;

/**
 * Adds the deltas of a temporary table `slice_deltas` (the cell keys, number, delta: an actor's
 * events gained, or lost when negative) to the stored counts, and drops the table. What a step's
 * arrivals and a person's deletion both do.
 */
async function applySliceDeltas(client: pg.PoolClient): Promise<number> {
  await client.query(
    `CREATE TEMP TABLE slices_emptied ON COMMIT DROP AS SELECT ${cellKeys}, chunk, slice FROM actor_count_slices WITH NO DATA`,
  );
  const applied = await client.query<{ changed: number }>(applyDeltasSql);
  await client.query(deleteEmptiedSql);
  await client.query("DROP TABLE slice_deltas, slices_emptied");
  return applied.rows[0]?.changed ?? 0;
}

const markBuiltSql = `
INSERT INTO count_slice_state AS s (organization_id, project_id, timezone)
SELECT organization_id, project_id, timezone FROM slices_eligible WHERE rebuild
ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`;

/**
 * Adds what (low, upto] brought to the slices of the projects in `projects`, and rebuilds every
 * project whose slices are missing or in another time zone from its events up to `upto` (with
 * `window` null, the step folded nothing: only the rebuilds, up to the unchanged watermark).
 */
export async function refreshCountSlices(
  client: pg.PoolClient,
  projects: string[],
  window: { low: string; upto: string } | null,
): Promise<void> {
  await client.query(eligibleSql, [projects]);
  await client.query(clearRebuiltSql);
  const upto =
    window?.upto ??
    (await client.query<{ watermark: string }>("SELECT watermark::text AS watermark FROM rollup_state WHERE id = 1"))
      .rows[0]!.watermark;
  const { rows: weeks } = await client.query<{
    organization_id: string;
    project_id: string;
    timezone: string;
    start: string;
  }>(rebuiltWeeksSql);
  for (const week of weeks) {
    await client.query(rebuildWeekSql, [week.organization_id, week.project_id, week.timezone, week.start, upto]);
  }
  if (window && projects.length > 0) {
    await client.query(arrivalDeltasSql);
    await applySliceDeltas(client);
  }
  await client.query(markBuiltSql);
  await client.query("DROP TABLE slices_eligible");
}

/**
 * After a person's deletion took events out (`deleted.table`: ts, received_at, actor, name and path
 * of each): the folded ones (arrived up to the rollup watermark) come off their actors' counts in
 * the time zone the slices are complete for, as negative deltas. Under the rollup lock, so no fold
 * runs meanwhile. Returns how many slices changed.
 */
export async function removeDeletedFromCountSlices(
  client: pg.PoolClient,
  deleted: { organizationId: string; projectId: string; rollupWatermark: string | null; table: string },
): Promise<number> {
  const { organizationId, projectId, rollupWatermark, table } = deleted;
  if (rollupWatermark === null) return 0;
  const made = await client.query(
    `
CREATE TEMP TABLE slice_deltas ON COMMIT DROP AS
SELECT p.organization_id, p.project_id, s.timezone, c.by_path, (x.ts AT TIME ZONE s.timezone)::date AS day,
       x.name, c.path, p.number, -count(*) AS delta
FROM ${table} x
JOIN count_slice_state s ON s.organization_id = $1::uuid AND s.project_id = $2::uuid
JOIN project_actors p ON p.organization_id = $1::uuid AND p.project_id = $2::uuid AND p.actor = x.actor
CROSS JOIN LATERAL ${COUNT_CELLS_OF("x")}
WHERE x.received_at <= $3::timestamptz
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
    [organizationId, projectId, rollupWatermark],
  );
  if (!made.rowCount) {
    await client.query("DROP TABLE slice_deltas");
    return 0;
  }
  return applySliceDeltas(client);
}
