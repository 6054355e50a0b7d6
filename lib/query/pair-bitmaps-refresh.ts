// Keeps the pair bitmaps current, in each step of the rollup refresh: for pairs of dimensions that
// vary within a visit (path and referrer, path and utm_source, referrer and utm_source), which actors
// did an event with both values that day. The second dimension of each pair is set on few events (a
// visit's landing page carries the referrer and the campaign), so only its non-empty values get
// bitmaps (pair_actor_bitmaps); its empty value is covered by pair_complete_bitmaps, the actors all
// of whose events with the first value carried a second one: they are the few to take out of the
// first value's bitmap. An arrival with an empty second value takes an actor out of "complete", one
// with a value puts it in when it had no event with the first value before; so the arrivals are
// read before the daily bitmaps take them in (preparePairArrivals), and applied after their actors
// are numbered (refreshPairBitmaps). A project seen for the first time, or in a new time zone, is
// rebuilt from its events, a week of event time per statement.
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql, CHUNK_BITS, CHUNK_SHIFT } from "./actor-bitmaps";
import { bitmapsRebuiltSql } from "./bitmaps-rebuilt";
import { ROLLED_DIMENSIONS } from "./rollups";
import { STEP_ARRIVALS } from "./step-arrivals";

/** The pairs kept: [first, second] query dimensions; the second is the sparse one. */
export const BITMAP_PAIRS = [
  ["path", "referrer"],
  ["path", "utm_source"],
  ["referrer", "utm_source"],
] as const;

export type BitmapPair = (typeof BITMAP_PAIRS)[number];
export const pairName = ([first, second]: readonly [string, string]) => `${first}|${second}`;

const column = (dimension: keyof typeof ROLLED_DIMENSIONS) => `COALESCE(e.${ROLLED_DIMENSIONS[dimension]}, '')`;
const pairValues = BITMAP_PAIRS.map(
  (pair) => `('${pairName(pair)}', '${pair[0]}', ${column(pair[0])}, ${column(pair[1])})`,
).join(", ");
const cellKey = "organization_id, project_id, timezone, pair, day, a_value, chunk";
const sameCell = (a: string, b: string) =>
  cellKey
    .split(", ")
    .map((c) => `${a}.${c} = ${b}.${c}`)
    .join(" AND ");

// Projects whose daily bitmaps are complete in their time zone; rebuilt when the pairs are not.
const eligibleSql = `
CREATE TEMP TABLE pair_eligible ON COMMIT DROP AS
SELECT s.organization_id, s.project_id, s.timezone, m.timezone IS DISTINCT FROM s.timezone OR ${bitmapsRebuiltSql("s")} AS rebuild
FROM rollup_daily_state s
JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
LEFT JOIN pair_state m ON m.project_id = s.project_id
WHERE s.project_id = ANY($1::uuid[]) OR m.timezone IS DISTINCT FROM s.timezone OR ${bitmapsRebuiltSql("s")}`;

// The arrivals per pair, day, first value and actor: their second values, whether all of them had
// one, and (for those) whether the actor was already in the first value's daily bitmap. The
// distinct second values are found by hashing first: array_agg(DISTINCT) sorted every arrival's
// three pair rows on their text keys in the server's collation (30 s of a step at 146k arrivals
// on a loaded machine). Their order in the array does not matter: they are only unnested.
const arrivalsSql = `
CREATE TEMP TABLE pair_arrivals ON COMMIT DROP AS
WITH arrived AS (SELECT * FROM ${STEP_ARRIVALS} e WHERE e.actor IS NOT NULL),
pairs AS (
  SELECT DISTINCT e.organization_id, e.project_id, s.timezone, (e.timestamp AT TIME ZONE s.timezone)::date AS day, v.pair, v.dimension, v.a_value, e.actor, v.b_value
  FROM arrived e
  JOIN rollup_daily_state s ON s.organization_id = e.organization_id AND s.project_id = e.project_id
  JOIN pair_state m ON m.project_id = s.project_id AND m.timezone = s.timezone
  JOIN projects p ON p.id = s.project_id AND p.timezone = s.timezone
  CROSS JOIN LATERAL (VALUES ${pairValues}) v(pair, dimension, a_value, b_value)
)
SELECT organization_id, project_id, timezone, day, pair, dimension, a_value, actor,
       array_agg(b_value) FILTER (WHERE b_value <> '') AS b_values, bool_and(b_value <> '') AS all_second, false AS had_first
FROM pairs
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

const hadFirstSql = `
UPDATE pair_arrivals a SET had_first = true
FROM project_actors n, dimension_actor_bitmaps x
WHERE a.all_second AND n.organization_id = a.organization_id AND n.project_id = a.project_id AND n.actor = a.actor
  AND x.organization_id = a.organization_id AND x.project_id = a.project_id AND x.timezone = a.timezone AND x.dimension = a.dimension
  AND x.day = a.day AND x.value = a.a_value AND x.chunk = n.number >> ${CHUNK_SHIFT} AND get_bit(x.bits, n.number & ${CHUNK_BITS - 1}) = 1`;

/** Reads this step's arrivals for the pairs, before the daily bitmaps take them in. */
export async function preparePairArrivals(client: pg.PoolClient, window: { low: string; upto: string } | null) {
  if (!window) return;
  await client.query(arrivalsSql);
  await client.query(hadFirstSql);
}

const clearRebuiltSql = ["pair_actor_bitmaps", "pair_complete_bitmaps"].map(
  (table) => `DELETE FROM ${table} x USING pair_eligible g WHERE g.rebuild AND x.project_id = g.project_id`,
);

// Weeks of local days (an actor's day must be read whole: "complete" is about all its events).
const rebuiltWeeksSql = `
SELECT g.organization_id, g.project_id, g.timezone, (span.first + w.offset_days)::text AS start
FROM pair_eligible g
CROSS JOIN LATERAL (
  SELECT (min(e.timestamp) AT TIME ZONE g.timezone)::date AS first, (max(e.timestamp) AT TIME ZONE g.timezone)::date AS last FROM events e
  WHERE e.organization_id = g.organization_id AND e.project_id = g.project_id
) span
CROSS JOIN LATERAL generate_series(0, span.last - span.first, 7) AS w(offset_days)
WHERE g.rebuild
ORDER BY 2, 4`;

// A week of a rebuilt project's events, numbered, per pair, day, first value and actor.
const rebuildWeekSql = `
CREATE TEMP TABLE pair_week ON COMMIT DROP AS
SELECT e.organization_id, e.project_id, $3::text AS timezone, (e.timestamp AT TIME ZONE $3::text)::date AS day, v.pair, v.a_value, n.number,
       array_agg(DISTINCT v.b_value) FILTER (WHERE v.b_value <> '') AS b_values, bool_and(v.b_value <> '') AS all_second
FROM events e
JOIN project_actors n ON n.organization_id = e.organization_id AND n.project_id = e.project_id AND n.actor = e.actor
CROSS JOIN LATERAL (VALUES ${pairValues}) v(pair, dimension, a_value, b_value)
WHERE e.organization_id = $1::uuid AND e.project_id = $2::uuid
  AND e.timestamp >= ($4::date::timestamp AT TIME ZONE $3::text) AND e.timestamp < (($4::date + 7)::timestamp AT TIME ZONE $3::text)
  AND e.received_at <= $5::timestamptz
GROUP BY 1, 2, 3, 4, 5, 6, 7`;

const insertPairsSql = (relation: string) => `
WITH members AS (
  SELECT organization_id, project_id, timezone, pair, day, a_value, b.value AS b_value, number
  FROM ${relation} CROSS JOIN LATERAL unnest(b_values) AS b(value)
)
INSERT INTO pair_actor_bitmaps AS x (organization_id, project_id, timezone, pair, day, a_value, b_value, chunk, bits)
${bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "pair", "day", "a_value", "b_value"])}
ON CONFLICT (organization_id, project_id, timezone, pair, day, a_value, b_value, chunk) DO UPDATE SET bits = x.bits | EXCLUDED.bits`;

const insertCompleteSql = (members: string) => `
WITH members AS (${members})
INSERT INTO pair_complete_bitmaps (${cellKey.replace(", chunk", "")}, chunk, bits)
${bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "pair", "day", "a_value"])}`;

// The arrivals with their actors' numbers (given them by the daily bitmaps' statements).
const numberedArrivalsSql = `
CREATE TEMP TABLE pair_numbered ON COMMIT DROP AS
SELECT a.organization_id, a.project_id, a.timezone, a.day, a.pair, a.a_value, n.number, a.b_values, a.all_second, a.had_first
FROM pair_arrivals a
JOIN pair_eligible g ON g.project_id = a.project_id AND NOT g.rebuild
JOIN project_actors n ON n.organization_id = a.organization_id AND n.project_id = a.project_id AND n.actor = a.actor`;

// "Complete" cells the arrivals touch are recomputed from their members: those before (the set
// bits, found by splitting the bit string at each 1) without arrivals lacking a second value, and
// arrivals that all had one and had no event with the first value before.
const touchedCompleteSql = `
CREATE TEMP TABLE pair_complete_members ON COMMIT DROP AS
WITH cells AS (SELECT DISTINCT organization_id, project_id, timezone, pair, day, a_value, number >> ${CHUNK_SHIFT} AS chunk FROM pair_numbered),
before AS (
  SELECT c.organization_id, c.project_id, c.timezone, c.pair, c.day, c.a_value, n.number
  FROM cells c
  JOIN pair_complete_bitmaps x ON ${sameCell("x", "c")}
  CROSS JOIN LATERAL (
    SELECT (x.chunk << ${CHUNK_SHIFT}) + (sum(length(r.run) + 1) OVER (ORDER BY r.ord) - 1)::int AS number, r.ord, count(*) OVER () AS runs
    FROM unnest(string_to_array(x.bits::text, '1')) WITH ORDINALITY r(run, ord)
  ) n
  WHERE n.ord < n.runs
)
SELECT b.* FROM before b
WHERE NOT EXISTS (
  SELECT 1 FROM pair_numbered a
  WHERE a.organization_id = b.organization_id AND a.project_id = b.project_id AND a.pair = b.pair AND a.day = b.day
    AND a.a_value = b.a_value AND a.number = b.number AND NOT a.all_second
)
UNION
SELECT organization_id, project_id, timezone, pair, day, a_value, number FROM pair_numbered WHERE all_second AND NOT had_first`;

const clearTouchedCompleteSql = `
DELETE FROM pair_complete_bitmaps x
USING (SELECT DISTINCT organization_id, project_id, timezone, pair, day, a_value, number >> ${CHUNK_SHIFT} AS chunk FROM pair_numbered) c
WHERE ${sameCell("x", "c")}`;

const markBuiltSql = `
INSERT INTO pair_state AS s (organization_id, project_id, timezone)
SELECT organization_id, project_id, timezone FROM pair_eligible WHERE rebuild
ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`;

/**
 * After the daily bitmaps took in (low, upto]: ORs the arrivals into the pair bitmaps and recomputes
 * the "complete" cells they touch, or rebuilds a project whose pairs are missing or in another time
 * zone from its events up to the watermark.
 */
export async function refreshPairBitmaps(
  client: pg.PoolClient,
  projects: string[],
  window: { low: string; upto: string } | null,
): Promise<void> {
  await client.query(eligibleSql, [projects]);
  for (const statement of clearRebuiltSql) await client.query(statement);
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
    await client.query(insertPairsSql("pair_week"));
    await client.query(
      insertCompleteSql(
        "SELECT organization_id, project_id, timezone, pair, day, a_value, number FROM pair_week WHERE all_second",
      ),
    );
    await client.query("DROP TABLE pair_week");
  }
  if (window) {
    await client.query(numberedArrivalsSql);
    await client.query(insertPairsSql("pair_numbered"));
    await client.query(touchedCompleteSql);
    await client.query(clearTouchedCompleteSql);
    await client.query(insertCompleteSql("SELECT * FROM pair_complete_members"));
  }
  await client.query(markBuiltSql);
}
