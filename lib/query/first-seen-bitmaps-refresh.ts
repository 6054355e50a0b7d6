// Keeps first_seen_bitmaps (who was first seen per UTC hour, over actor numbers) in line with
// actor_first_seen. The first-seen fold and a person's deletion record the actors whose first seen
// moved in a temporary table (FIRST_SEEN_MOVES); applying it clears each one's bit in the hour it
// left and sets it in the hour it moved to. Only numbered actors have bits: numbers are given by the
// daily bitmaps' refresh, for whole-hour time zones, and its rebuild (a new time zone) may number
// actors whose first seen did not move, so a project whose daily bitmaps were rebuilt is rebuilt
// here too, from actor_first_seen (first_seen_bitmap_state holds the time zone it was built for).
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql } from "./actor-bitmaps";
import { bitmapsRebuiltSql } from "./bitmaps-rebuilt";

/** Rows (organization_id, project_id, actor, at, replaced_at): first seen moved from replaced_at (null: none) to at (null: none). */
export const FIRST_SEEN_MOVES = "first_seen_moves";

export const createMovesSql = `CREATE TEMP TABLE IF NOT EXISTS ${FIRST_SEEN_MOVES}
  (organization_id uuid, project_id uuid, actor bigint, at timestamptz, replaced_at timestamptz) ON COMMIT DROP`;

const KEYS = ["organization_id", "project_id", "hour"] as const;
const sameCell = [...KEYS, "chunk"].map((k) => `b.${k} = x.${k}`).join(" AND ");

/** The numbered actors of the moves, by the hour of `column` (only projects whose bitmaps are built). */
const movedNumbers = (column: "at" | "replaced_at") => `
  SELECT m.organization_id, m.project_id, date_trunc('hour', m.${column}, 'UTC') AS hour, p.number
  FROM ${FIRST_SEEN_MOVES} m
  JOIN first_seen_bitmap_state s ON s.project_id = m.project_id AND s.organization_id = m.organization_id
  JOIN project_actors p ON p.organization_id = m.organization_id AND p.project_id = m.project_id AND p.actor = m.actor
  WHERE m.${column} IS NOT NULL`;

// Cleared first, then set: an actor whose first seen moved within an hour keeps its bit.
const clearSql = `
WITH left_hours AS (${movedNumbers("replaced_at")})
UPDATE first_seen_bitmaps b SET bits = b.bits & ~x.bits
FROM (${bitmapsFromNumbersSql("left_hours", KEYS)}) x
WHERE ${sameCell}`;

// A chunk of an hour left without anyone first seen has no row, as if they had never been tracked.
const dropEmptySql = `
DELETE FROM first_seen_bitmaps b
USING (SELECT DISTINCT organization_id, project_id, date_trunc('hour', replaced_at, 'UTC') AS hour FROM ${FIRST_SEEN_MOVES} WHERE replaced_at IS NOT NULL) x
WHERE b.organization_id = x.organization_id AND b.project_id = x.project_id AND b.hour = x.hour AND bit_count(b.bits) = 0`;

const setSql = `
WITH entered_hours AS (${movedNumbers("at")})
INSERT INTO first_seen_bitmaps AS b (organization_id, project_id, hour, chunk, bits)
${bitmapsFromNumbersSql("entered_hours", KEYS)}
ON CONFLICT (organization_id, project_id, hour, chunk) DO UPDATE SET bits = b.bits | EXCLUDED.bits`;

/** Applies the recorded moves to the bitmaps and empties the record. In the caller's transaction. */
export async function applyFirstSeenMoves(client: pg.PoolClient): Promise<void> {
  await client.query(createMovesSql);
  for (const statement of [clearSql, dropEmptySql, setSql]) await client.query(statement);
  await client.query(`DELETE FROM ${FIRST_SEEN_MOVES}`);
}

// Projects whose daily bitmaps are in another time zone than their first-seen bitmaps (or have
// none), or were rebuilt this step (which may number actors the first-seen bitmaps could not hold).
const rebuiltSql = `
CREATE TEMP TABLE first_seen_rebuilt ON COMMIT DROP AS
SELECT s.organization_id, s.project_id, s.timezone
FROM rollup_daily_state s LEFT JOIN first_seen_bitmap_state b ON b.project_id = s.project_id
WHERE b.timezone IS DISTINCT FROM s.timezone OR ${bitmapsRebuiltSql("s")}`;

const rebuildSql = [
  "DELETE FROM first_seen_bitmaps x USING first_seen_rebuilt r WHERE x.organization_id = r.organization_id AND x.project_id = r.project_id",
  `WITH firsts AS (
     SELECT f.organization_id, f.project_id, date_trunc('hour', f.first_seen_at, 'UTC') AS hour, p.number
     FROM first_seen_rebuilt r
     JOIN actor_first_seen f ON f.organization_id = r.organization_id AND f.project_id = r.project_id
     JOIN project_actors p ON p.organization_id = f.organization_id AND p.project_id = f.project_id AND p.actor = f.actor
   )
   INSERT INTO first_seen_bitmaps (organization_id, project_id, hour, chunk, bits)
   ${bitmapsFromNumbersSql("firsts", KEYS)}`,
  `INSERT INTO first_seen_bitmap_state AS s (organization_id, project_id, timezone)
   SELECT organization_id, project_id, timezone FROM first_seen_rebuilt
   ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`,
  "DROP TABLE first_seen_rebuilt",
];

/**
 * In the rollup refresh's step, after the daily bitmaps (which number actors) and the first-seen
 * fold (which records its moves): rebuilds the projects whose daily bitmaps were rebuilt, then
 * applies the moves (to a project just rebuilt they change nothing: it was built from them).
 */
export async function refreshFirstSeenBitmaps(client: pg.PoolClient): Promise<void> {
  await client.query(rebuiltSql);
  for (const statement of rebuildSql) await client.query(statement);
  await applyFirstSeenMoves(client);
}
