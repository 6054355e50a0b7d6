// Keeps the mixed actors of each local day current, after the daily bitmaps in each step of the
// rollup refresh: mixed_actor_bitmaps holds the actors with more than one value of a profile
// dimension (country, device, browser, os) that day, found chunk by chunk from the per-value bitmaps
// (an actor is in two values' bitmaps when it is set in one of them and in the OR of the values
// before it); mixed_actor_days holds those actors' own events of the day as combinations of name and
// rolled dimension values, read from the day's events when an actor becomes mixed and extended by
// its later arrivals. Queries intersect per-value bitmaps for everyone else
// (lib/query/filtered-visitors.ts). Only projects whose daily bitmaps are complete in their time
// zone; a project seen for the first time, or in a new time zone, is rebuilt.
import "server-only";
import type pg from "pg";
import { CHUNK_BITS, CHUNK_SHIFT } from "./actor-bitmaps";
import { bitmapsRebuiltSql } from "./bitmaps-rebuilt";
import { COUNT_CUBE_COLUMNS } from "./count-cube-refresh";
import { ROLLED_DIMENSIONS } from "./rollups";
import { PROFILE_DIMENSIONS } from "./session-selectors";
import { STEP_ARRIVALS } from "./step-arrivals";

const profileDimensions = Object.keys(PROFILE_DIMENSIONS)
  .map((dimension) => `'${dimension}'`)
  .join(", ");
const comboColumns = COUNT_CUBE_COLUMNS.join(", ");
const comboValues = [
  "e.name",
  ...Object.values(ROLLED_DIMENSIONS).map((column) => `COALESCE(e.${column}::text, '')`),
].join(", ");
const cellKey = "organization_id, project_id, timezone, day, chunk";
const sameCell = (a: string, b: string) =>
  cellKey
    .split(", ")
    .map((column) => `${a}.${column} = ${b}.${column}`)
    .join(" AND ");

// Projects whose daily bitmaps are complete in their time zone, with arrivals or needing a rebuild.
const eligibleSql = `
CREATE TEMP TABLE mixed_eligible ON COMMIT DROP AS
SELECT s.organization_id, s.project_id, s.timezone, m.timezone IS DISTINCT FROM s.timezone OR ${bitmapsRebuiltSql("s")} AS rebuild
FROM rollup_daily_state s
JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
LEFT JOIN mixed_actor_state m ON m.project_id = s.project_id
WHERE s.project_id = ANY($1::uuid[]) OR m.timezone IS DISTINCT FROM s.timezone OR ${bitmapsRebuiltSql("s")}`;

const clearRebuiltSql = ["mixed_actor_bitmaps", "mixed_actor_days"].map(
  (table) => `DELETE FROM ${table} x USING mixed_eligible g WHERE g.rebuild AND x.project_id = g.project_id`,
);

// The (day, chunk) cells to recompute: every cell of a rebuilt project (every event has a country
// value, "" included, so country's cells are all cells), or those of the step's arrivals.
const rebuiltCellsSql = `
CREATE TEMP TABLE mixed_cells ON COMMIT DROP AS
SELECT DISTINCT x.organization_id, x.project_id, x.timezone, x.day, x.chunk
FROM mixed_eligible g
JOIN dimension_actor_bitmaps x ON x.organization_id = g.organization_id AND x.project_id = g.project_id AND x.timezone = g.timezone AND x.dimension = 'country'
WHERE g.rebuild`;

const arrivalsSql = `
CREATE TEMP TABLE mixed_arrivals ON COMMIT DROP AS
WITH arrived AS (SELECT * FROM ${STEP_ARRIVALS} e WHERE e.actor IS NOT NULL)
SELECT DISTINCT g.organization_id, g.project_id, g.timezone, (a.timestamp AT TIME ZONE g.timezone)::date AS day, a.actor, p.number
FROM arrived a
JOIN mixed_eligible g ON g.organization_id = a.organization_id AND g.project_id = a.project_id AND NOT g.rebuild
JOIN project_actors p ON p.organization_id = a.organization_id AND p.project_id = a.project_id AND p.actor = a.actor`;

const arrivalCellsSql = `
INSERT INTO mixed_cells SELECT DISTINCT organization_id, project_id, timezone, day, number >> ${CHUNK_SHIFT} FROM mixed_arrivals`;

// A cell's mixed actors: per profile dimension, the bits set in a value's bitmap and in the OR of
// the values before it (window over the values), ORed over values and dimensions.
const recomputeCellsSql = [
  `DELETE FROM mixed_actor_bitmaps m USING mixed_cells c WHERE ${sameCell("m", "c")}`,
  `INSERT INTO mixed_actor_bitmaps (${cellKey}, bits)
SELECT ${cellKey}, bits FROM (
  SELECT ${cellKey}, bit_or(bits & earlier) AS bits
  FROM (
    SELECT x.organization_id, x.project_id, x.timezone, x.day, x.chunk, x.bits,
           bit_or(x.bits) OVER (PARTITION BY x.organization_id, x.project_id, x.timezone, x.day, x.chunk, x.dimension
                                ORDER BY x.value ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
    FROM mixed_cells c
    JOIN dimension_actor_bitmaps x ON ${sameCell("x", "c")} AND x.dimension IN (${profileDimensions})
  ) w
  WHERE earlier IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
) m
WHERE bit_count(bits) > 0`,
];

// The actors whose events to (re)read: every mixed actor of a rebuilt project (its bitmaps' set
// bits, found by splitting the bit string at each 1), or the arrivals' actors that became mixed.
const rebuiltCandidatesSql = `
CREATE TEMP TABLE mixed_candidates ON COMMIT DROP AS
SELECT m.organization_id, m.project_id, m.timezone, m.day, n.number, a.actor
FROM mixed_eligible g
JOIN mixed_actor_bitmaps m ON m.organization_id = g.organization_id AND m.project_id = g.project_id AND m.timezone = g.timezone
CROSS JOIN LATERAL (
  SELECT (m.chunk << ${CHUNK_SHIFT}) + (sum(length(r.run) + 1) OVER (ORDER BY r.ord) - 1)::int AS number, r.ord, count(*) OVER () AS runs
  FROM unnest(string_to_array(m.bits::text, '1')) WITH ORDINALITY r(run, ord)
) n
JOIN project_actors a ON a.organization_id = m.organization_id AND a.project_id = m.project_id AND a.number = n.number
WHERE g.rebuild AND n.ord < n.runs`;

// The arrivals' actors mixed now, in two parts: those already mixed that day before the step (their
// rows hold the day's events up to the step's start), and the rest, whose day is read.
const mixedArrivalsSql = (known: boolean) => `
SELECT a.organization_id, a.project_id, a.timezone, a.day, a.number, a.actor
FROM mixed_arrivals a
JOIN mixed_actor_bitmaps m ON m.organization_id = a.organization_id AND m.project_id = a.project_id AND m.timezone = a.timezone
 AND m.day = a.day AND m.chunk = a.number >> ${CHUNK_SHIFT}
WHERE get_bit(m.bits, a.number & ${CHUNK_BITS - 1}) = 1
  AND ${known ? "" : "NOT "}EXISTS (
    SELECT FROM mixed_actor_days d
    WHERE d.organization_id = a.organization_id AND d.project_id = a.project_id AND d.timezone = a.timezone AND d.day = a.day AND d.number = a.number)`;

const arrivalCandidatesSql = `INSERT INTO mixed_candidates ${mixedArrivalsSql(false)}`;

const knownMixedSql = `CREATE TEMP TABLE mixed_known ON COMMIT DROP AS ${mixedArrivalsSql(true)}`;

// An actor mixed before the step gains only its arrivals' combinations: reading the whole day for
// it took 0.7 s per step on a day of 28k events, 6 s once the day reached 336k (2,800 events/s).
const knownArrivalCombosSql = `
INSERT INTO mixed_actor_days (organization_id, project_id, timezone, day, number, ${comboColumns})
SELECT DISTINCT k.organization_id, k.project_id, k.timezone, k.day, k.number, ${comboValues}
FROM mixed_known k
JOIN ${STEP_ARRIVALS} e ON e.organization_id = k.organization_id AND e.project_id = k.project_id AND e.actor = k.actor
 AND e.timestamp >= (k.day::timestamp AT TIME ZONE k.timezone) AND e.timestamp < ((k.day + 1)::timestamp AT TIME ZONE k.timezone)
ON CONFLICT DO NOTHING`;

// Their events of each such day, read a day at a time and matched by actor. None of them has rows
// yet: a rebuilt project's were cleared, and an arrival's actor with rows is a known one.
const candidateDaysSql = `
INSERT INTO mixed_actor_days (organization_id, project_id, timezone, day, number, ${comboColumns})
SELECT DISTINCT c.organization_id, c.project_id, c.timezone, c.day, c.number, ${comboValues}
FROM (SELECT DISTINCT organization_id, project_id, timezone, day FROM mixed_candidates) d
CROSS JOIN LATERAL (
  SELECT e.* FROM events e
  WHERE e.organization_id = d.organization_id AND e.project_id = d.project_id AND e.received_at <= $1::timestamptz
    AND e.timestamp >= (d.day::timestamp AT TIME ZONE d.timezone) AND e.timestamp < ((d.day + 1)::timestamp AT TIME ZONE d.timezone)
) e
JOIN mixed_candidates c ON c.organization_id = d.organization_id AND c.project_id = d.project_id AND c.timezone = d.timezone AND c.day = d.day AND c.actor = e.actor`;

// The same, for a few actors (a person's deletion): each one's events of the day through the actor
// index (its bucket and hash), not the whole day's events.
const candidateActorDaysSql = `
INSERT INTO mixed_actor_days (organization_id, project_id, timezone, day, number, ${comboColumns})
SELECT DISTINCT c.organization_id, c.project_id, c.timezone, c.day, c.number, ${comboValues}
FROM mixed_candidates c
CROSS JOIN LATERAL (
  SELECT e.* FROM events e
  WHERE e.organization_id = c.organization_id AND e.project_id = c.project_id
    AND (e.actor & 63)::smallint = (c.actor & 63)::smallint AND e.actor = c.actor AND e.received_at <= $1::timestamptz
    AND e.timestamp >= (c.day::timestamp AT TIME ZONE c.timezone) AND e.timestamp < ((c.day + 1)::timestamp AT TIME ZONE c.timezone)
  OFFSET 0
) e`;

const markBuiltSql = `
INSERT INTO mixed_actor_state AS s (organization_id, project_id, timezone)
SELECT organization_id, project_id, timezone FROM mixed_eligible WHERE rebuild
ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`;

/**
 * After the daily bitmaps took in (low, upto] (or were rebuilt): recomputes the mixed actors of the
 * cells the arrivals touched and rereads the events of those that are mixed, or rebuilds a project
 * whose mixed actors are missing or in another time zone.
 */
export async function refreshMixedActors(
  client: pg.PoolClient,
  projects: string[],
  window: { low: string; upto: string } | null,
): Promise<void> {
  await client.query(eligibleSql, [projects]);
  for (const statement of clearRebuiltSql) await client.query(statement);
  await client.query(rebuiltCellsSql);
  if (window) {
    await client.query(arrivalsSql);
    await client.query(arrivalCellsSql);
  }
  await client.query("ANALYZE mixed_cells");
  for (const statement of recomputeCellsSql) await client.query(statement);
  await client.query(rebuiltCandidatesSql);
  if (window) {
    await client.query(knownMixedSql);
    await client.query("ANALYZE mixed_known");
    await client.query(knownArrivalCombosSql);
    await client.query(arrivalCandidatesSql);
  }
  const upto =
    window?.upto ??
    (await client.query<{ watermark: string }>("SELECT watermark::text AS watermark FROM rollup_state WHERE id = 1"))
      .rows[0]!.watermark;
  // Unanalyzed, the candidates were estimated at 750 rows and the day's events read once per
  // candidate rather than once per day: 150 candidates of a 336k-event day took 79 s (1.7 s after).
  await client.query("ANALYZE mixed_candidates");
  await client.query(candidateDaysSql, [upto]);
  await client.query(markBuiltSql);
}

/**
 * After actors' bits left the per-value bitmaps (a person's deletion, lib/privacy/recompute-derived.ts):
 * recomputes the mixed actors of the cells those actors' numbers fall in, and rereads the events
 * (up to `upto`) of those still mixed that day. `actorDays` is a table of (organization_id,
 * project_id, timezone, day, actor, number). Returns how many (day, actor) it looked at.
 */
export async function recomputeMixedActors(client: pg.PoolClient, actorDays: string, upto: string): Promise<number> {
  await client.query(`
    CREATE TEMP TABLE mixed_cells ON COMMIT DROP AS
    SELECT DISTINCT organization_id, project_id, timezone, day, number >> ${CHUNK_SHIFT} AS chunk FROM ${actorDays}`);
  for (const statement of recomputeCellsSql) await client.query(statement);
  await client.query(`
    DELETE FROM mixed_actor_days m USING ${actorDays} c
    WHERE m.organization_id = c.organization_id AND m.project_id = c.project_id AND m.timezone = c.timezone AND m.day = c.day AND m.number = c.number`);
  await client.query(`
    CREATE TEMP TABLE mixed_candidates ON COMMIT DROP AS
    SELECT a.organization_id, a.project_id, a.timezone, a.day, a.number, a.actor
    FROM ${actorDays} a
    JOIN mixed_actor_bitmaps m ON m.organization_id = a.organization_id AND m.project_id = a.project_id AND m.timezone = a.timezone
     AND m.day = a.day AND m.chunk = a.number >> ${CHUNK_SHIFT}
    WHERE get_bit(m.bits, a.number & ${CHUNK_BITS - 1}) = 1`);
  await client.query(candidateActorDaysSql, [upto]);
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${actorDays}`);
  await client.query("DROP TABLE mixed_cells, mixed_candidates");
  return rows[0]!.n;
}
