// Keeps event_rollups current: folds in the events that arrived since the watermark (by
// received_at), so late events land in their own (old) hour, then ORs the same events into the
// daily actor bitmaps of their local days (and finds the day's mixed actors: mixed-actors-refresh.ts),
// adds them to the daily counts (count-cube-refresh.ts) and to their actors' count slices
// (count-slices-refresh.ts) and moves actors' first seen (first-seen-refresh.ts). Folded in bounded steps, one refresher at a time (lib/query/refresh-steps.ts).
import "server-only";
import type pg from "pg";
import { bitmapsFromNumbersSql } from "./actor-bitmaps";
import { refreshEventCounts } from "./count-cube-refresh";
import { refreshCountSlices } from "./count-slices-refresh";
import { refreshFirstSeenBitmaps } from "./first-seen-bitmaps-refresh";
import { refreshFirstSeen } from "./first-seen-refresh";
import { refreshGoalBitmaps } from "./goal-bitmaps-refresh";
import { refreshMixedActors } from "./mixed-actors-refresh";
import { preparePairArrivals, refreshPairBitmaps } from "./pair-bitmaps-refresh";
import { refreshPropertyEvents } from "./property-events-refresh";
import { foldInSteps, type SteppedFold, type SteppedFoldResult } from "./refresh-steps";
import { ROLLED_DIMENSIONS } from "./rollups";
import { refreshSessions } from "./session-refresh";
import { STEP_ARRIVALS, stageStepArrivals } from "./step-arrivals";

// Every rolled dimension in one pass over the arrivals: a grouping set per dimension (and () for
// the totals), told apart by GROUPING(...), whose bit for a column is set when the set leaves it out.
const rolledColumns = Object.values(ROLLED_DIMENSIONS).map((column) => `e.${column}`);
const groupingSets = ["()", ...rolledColumns.map((column) => `(${column})`)].join(", ");
const allLeftOut = (1 << rolledColumns.length) - 1;
const dimensionOfSet = [
  `WHEN ${allLeftOut} THEN ''`,
  ...Object.keys(ROLLED_DIMENSIONS).map(
    (dimension, i) => `WHEN ${allLeftOut - (1 << (rolledColumns.length - 1 - i))} THEN '${dimension}'`,
  ),
].join(" ");

// Folds (low, high] and reports which projects gained events, for the daily bitmaps. Hashing only:
// first the distinct (group, actor) pairs with their event counts, then one row per group with
// its actors sorted (and distinct: NULL and '' are two pairs of one group). (Sorting millions of (group, actor) rows on text keys took 6x longer.) In a
// grouping set the columns it leaves out are NULL, so the COALESCE yields the grouped one's value.
const foldSql = `
WITH pairs AS (
  SELECT e.organization_id, e.project_id, date_trunc('hour', e.timestamp, 'UTC') AS bucket, e.name, e.actor,
         GROUPING(${rolledColumns.join(", ")}) AS left_out, COALESCE(${rolledColumns.join(", ")}, '') AS value, count(*) AS events
  FROM ${STEP_ARRIVALS} e
  GROUP BY e.organization_id, e.project_id, 3, e.name, e.actor, GROUPING SETS (${groupingSets})
),
groups AS (
  SELECT organization_id, project_id, CASE left_out ${dimensionOfSet} END AS dimension, bucket, name, value,
         sum(events)::bigint AS events, array_agg(actor) FILTER (WHERE actor IS NOT NULL) AS actors
  FROM pairs
  GROUP BY organization_id, project_id, left_out, bucket, name, value
),
folded AS (
  INSERT INTO event_rollups AS r (organization_id, project_id, dimension, bucket, name, value, events, actors)
  SELECT organization_id, project_id, dimension, bucket, name, value, events, COALESCE(ARRAY(SELECT DISTINCT a FROM unnest(actors) a ORDER BY a), '{}')
  FROM groups
  ON CONFLICT (organization_id, project_id, dimension, bucket, name, value) DO UPDATE
  SET events = r.events + EXCLUDED.events,
      actors = (SELECT COALESCE(array_agg(DISTINCT a ORDER BY a), '{}') FROM unnest(r.actors || EXCLUDED.actors) a)
  RETURNING r.project_id, r.dimension, r.bucket
)
UPDATE rollup_state SET watermark = $1::timestamptz WHERE id = 1
RETURNING (SELECT count(*) FROM folded)::int AS rows_written,
          (SELECT COALESCE(array_agg(DISTINCT project_id), '{}') FROM folded WHERE dimension = '')::text[] AS projects`;

// Projects whose daily bitmaps are missing or in another time zone get all their days rebuilt; the
// others take in what was just folded. Only whole-hour time zones: a local day must
// be a whole number of UTC hours to be the union of hourly rollups. Decided once per step, into a
// temporary table every later statement reads: each statement sees the commits made before it, so a
// time zone changed mid-step would otherwise clear one table in the old zone and rebuild another.
const eligibleSql = `
CREATE TEMP TABLE refresh_eligible ON COMMIT DROP AS
  SELECT p.organization_id, p.id AS project_id, p.timezone, s.timezone IS DISTINCT FROM p.timezone AS rebuild
  FROM projects p LEFT JOIN rollup_daily_state s ON s.project_id = p.id
  WHERE (p.id = ANY($1::uuid[]) OR s.timezone IS DISTINCT FROM p.timezone)
    AND extract(minute FROM now() AT TIME ZONE p.timezone) = extract(minute FROM now() AT TIME ZONE 'UTC')`;

// A project moved to another zone has no daily bitmaps until they are rebuilt there: its state goes
// (so nothing reads or extends bitmaps of the old zone), and a zone without whole-hour days gets
// none, so one moved there and back is rebuilt on its return rather than found complete.
const forgetMovedSql = `
DELETE FROM rollup_daily_state s USING projects p WHERE p.id = s.project_id AND p.timezone <> s.timezone`;

// Run first, in their own statements: a statement may not both delete and upsert the same row.
const clearRebuiltSql = ["event_actor_bitmaps", "dimension_actor_bitmaps"].map(
  (table) => `DELETE FROM ${table} d USING refresh_eligible g WHERE g.rebuild AND d.project_id = g.project_id`,
);

// Every local day of a project being rebuilt.
const rebuiltDaysSql = `
SELECT DISTINCT g.organization_id, g.project_id, g.timezone, (r.bucket AT TIME ZONE g.timezone)::date::text AS day
FROM refresh_eligible g JOIN event_rollups r ON r.organization_id = g.organization_id AND r.project_id = g.project_id AND r.dimension = ''
WHERE g.rebuild
ORDER BY day`;

/**
 * Days rebuilt per statement: a week of a busy project is a few million (day, value, actor) rows,
 * hashed in memory; 90 days in one statement spilled 6 GB to disk and ran for over 20 minutes.
 * Days go in order, so actors numbered a batch at a time get the numbers of one pass (first seen first).
 */
const REBUILD_DAYS_PER_STATEMENT = 7;

// Statements over those days, given as four parallel arrays; hourRows unnests their hours' actors.
const daysCte = `days AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[]) AS d(organization_id, project_id, timezone, day))`;
const hourRows = `
  FROM days d
  JOIN event_rollups r ON r.organization_id = d.organization_id AND r.project_id = d.project_id AND r.dimension = ''
   AND r.bucket >= (d.day::timestamp AT TIME ZONE d.timezone) AND r.bucket < ((d.day + 1)::timestamp AT TIME ZONE d.timezone)
  CROSS JOIN LATERAL unnest(r.actors) a`;

// Given a CTE `seen` (organization_id, project_id, actor, first_seen): the actors that have no
// number yet each get their project's next one, earliest first (one refresher at a time: the
// lock). The projects' top numbers are read once (inlined, the planner re-read them per actor).
const numberSeenSql = `
fresh AS (
  SELECT s.* FROM seen s
  WHERE NOT EXISTS (SELECT 1 FROM project_actors p WHERE p.organization_id = s.organization_id AND p.project_id = s.project_id AND p.actor = s.actor)
),
tops AS MATERIALIZED (
  SELECT p.organization_id, p.project_id, max(p.number) AS top
  FROM project_actors p WHERE (p.organization_id, p.project_id) IN (SELECT DISTINCT organization_id, project_id FROM fresh)
  GROUP BY 1, 2
)
INSERT INTO project_actors (organization_id, project_id, actor, number)
SELECT f.organization_id, f.project_id, f.actor,
       COALESCE(t.top, -1) + row_number() OVER (PARTITION BY f.organization_id, f.project_id ORDER BY f.first_seen, f.actor)
FROM fresh f LEFT JOIN tops t ON t.organization_id = f.organization_id AND t.project_id = f.project_id`;

const numberActorsSql = `
WITH ${daysCte},
seen AS (SELECT d.organization_id, d.project_id, a AS actor, min(r.bucket) AS first_seen ${hourRows} GROUP BY 1, 2, 3),
${numberSeenSql}`;

// Given a CTE `hashes` (organization_id, project_id, timezone, day, name, actor): their numbers,
// as bitmaps per day and name (the statement may add ON CONFLICT; the target is aliased x).
const insertBitmapsOfHashesSql = `
members AS (
  SELECT h.organization_id, h.project_id, h.timezone, h.day, h.name, p.number
  FROM hashes h JOIN project_actors p ON p.organization_id = h.organization_id AND p.project_id = h.project_id AND p.actor = h.actor
)
INSERT INTO event_actor_bitmaps AS x (organization_id, project_id, timezone, day, name, chunk, bits)
${bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "day", "name"])}`;

// Given a CTE `hashes` (organization_id, project_id, timezone, day, dimension, value, actor): their
// numbers, as bitmaps per day and dimension value (the target is aliased x).
function insertDimensionBitmapsOfHashesSql(): string {
  return `
members AS (
  SELECT h.organization_id, h.project_id, h.timezone, h.day, h.dimension, h.value, p.number
  FROM hashes h JOIN project_actors p ON p.organization_id = h.organization_id AND p.project_id = h.project_id AND p.actor = h.actor
)
INSERT INTO dimension_actor_bitmaps AS x (organization_id, project_id, timezone, day, dimension, value, chunk, bits)
${bitmapsFromNumbersSql("members", ["organization_id", "project_id", "timezone", "day", "dimension", "value"])}`;
}

// The (day, name, actor) triples first, on their own: joined to project_actors only then, by actor.
const bitmapsSql = `
WITH ${daysCte},
hashes AS MATERIALIZED (
  SELECT DISTINCT d.organization_id, d.project_id, d.timezone COLLATE "C" AS timezone, d.day, n.name COLLATE "C" AS name, a AS actor
  ${hourRows}
  CROSS JOIN LATERAL (VALUES (r.name), ('')) n(name)
),
${insertBitmapsOfHashesSql}`;

// The same days per rolled dimension value, from the hourly rollups of every dimension but ''.
const dimensionBitmapsSql = `
WITH ${daysCte},
hashes AS MATERIALIZED (
  SELECT DISTINCT a AS actor, d.organization_id, d.project_id, d.timezone COLLATE "C" AS timezone, d.day, r.dimension COLLATE "C" AS dimension, r.value COLLATE "C" AS value
  FROM days d
  JOIN event_rollups r ON r.organization_id = d.organization_id AND r.project_id = d.project_id AND r.dimension <> ''
   AND r.bucket >= (d.day::timestamp AT TIME ZONE d.timezone) AND r.bucket < ((d.day + 1)::timestamp AT TIME ZONE d.timezone)
  CROSS JOIN LATERAL unnest(r.actors) a
),
${insertDimensionBitmapsOfHashesSql()}`;

// The other projects take in only what this step folded, (low, upto] by received_at: new actors
// get numbers, and their bits are ORed into their days' bitmaps, so a refresh costs what arrived,
// not what the day already holds. The arrivals are the step's (step-arrivals.ts). Each arrival
// is looked up by its actor as it is (repeats fold into the bitmap's words: a DISTINCT over a day's
// (actor, dimension, value) took longer than the bitmaps), and text keys compare bytewise (COLLATE "C").
const arrivalsCte = `
arrived_events AS (SELECT * FROM ${STEP_ARRIVALS} e WHERE e.actor IS NOT NULL),
growing AS MATERIALIZED (SELECT * FROM refresh_eligible g WHERE NOT g.rebuild),
arrived AS (
  SELECT g.organization_id, g.project_id, g.timezone COLLATE "C" AS timezone, (e.timestamp AT TIME ZONE g.timezone)::date AS day, e.name COLLATE "C" AS name, e.actor, e.timestamp,
         ${rolledColumns.join(", ")}
  FROM growing g JOIN arrived_events e ON e.organization_id = g.organization_id AND e.project_id = g.project_id
)`;

const numberArrivalsSql = `
WITH ${arrivalsCte},
seen AS (SELECT organization_id, project_id, actor, min(timestamp) AS first_seen FROM arrived GROUP BY 1, 2, 3),
${numberSeenSql}`;

const bitmapArrivalsSql = `
WITH ${arrivalsCte},
hashes AS (
  SELECT a.actor, a.organization_id, a.project_id, a.timezone, a.day, n.name
  FROM arrived a CROSS JOIN LATERAL (VALUES (a.name), ('')) n(name)
),
${insertBitmapsOfHashesSql}
ON CONFLICT (organization_id, project_id, timezone, day, name, chunk) DO UPDATE SET bits = x.bits | EXCLUDED.bits`;

// Each arrival's value of every rolled dimension ('' for none, as in event_rollups).
const rolledValues = Object.entries(ROLLED_DIMENSIONS)
  .map(([dimension, column]) => `('${dimension}', COALESCE(a.${column}::text, ''))`)
  .join(", ");

const dimensionBitmapArrivalsSql = `
WITH ${arrivalsCte},
hashes AS (
  SELECT a.actor, a.organization_id, a.project_id, a.timezone, a.day, v.dimension COLLATE "C" AS dimension, v.value COLLATE "C" AS value
  FROM arrived a CROSS JOIN LATERAL (VALUES ${rolledValues}) v(dimension, value)
),
${insertDimensionBitmapsOfHashesSql()}
ON CONFLICT (organization_id, project_id, timezone, dimension, day, value, chunk) DO UPDATE SET bits = x.bits | EXCLUDED.bits`;

const markBuiltSql = `
INSERT INTO rollup_daily_state AS s (organization_id, project_id, timezone)
SELECT organization_id, project_id, timezone FROM refresh_eligible g WHERE rebuild
ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`;

/**
 * The bitmap statements look each actor up in project_actors by its key. Without statistics that
 * know the table's size (a new installation, a burst of new actors before autovacuum comes by) the
 * planner may instead walk a project's every number per actor: measured 6.5 s for 28k actors. So
 * the refresh that grew the table by a tenth or more analyzes it (a 30,000-row sample) first.
 */
async function analyzeActorsIfGrown(client: pg.PoolClient, numbered: number): Promise<void> {
  if (numbered === 0) return;
  const { rows } = await client.query<{ reltuples: number }>(
    "SELECT reltuples FROM pg_class WHERE oid = 'project_actors'::regclass",
  );
  const known = rows[0]?.reltuples ?? -1;
  if (known < 0 || numbered > known / 10) await client.query("ANALYZE project_actors");
}

/** Rebuilds every day of projects whose bitmaps are missing or in another time zone; ORs in what (low, upto] brought for the others. */
async function refreshBitmaps(
  client: pg.PoolClient,
  projects: string[],
  arrivals: { low: string; upto: string } | null,
): Promise<void> {
  await client.query(forgetMovedSql);
  await client.query(eligibleSql, [projects]);
  for (const statement of clearRebuiltSql) await client.query(statement);
  const { rows } = await client.query<{ organization_id: string; project_id: string; timezone: string; day: string }>(
    rebuiltDaysSql,
  );
  for (let i = 0; i < rows.length; i += REBUILD_DAYS_PER_STATEMENT) {
    const batch = rows.slice(i, i + REBUILD_DAYS_PER_STATEMENT);
    const days = [
      batch.map((r) => r.organization_id),
      batch.map((r) => r.project_id),
      batch.map((r) => r.timezone),
      batch.map((r) => r.day),
    ];
    await analyzeActorsIfGrown(client, (await client.query(numberActorsSql, days)).rowCount ?? 0);
    await client.query(bitmapsSql, days);
    await client.query(dimensionBitmapsSql, days);
  }
  if (arrivals && projects.length > 0) {
    await analyzeActorsIfGrown(client, (await client.query(numberArrivalsSql)).rowCount ?? 0);
    await client.query(bitmapArrivalsSql);
    await client.query(dimensionBitmapArrivalsSql);
  }
  await client.query(markBuiltSql);
}

/** What a part of the step is given: the projects that gained events, and the step's window (null: none). */
interface StepFolded {
  projects: string[];
  window: { low: string; upto: string } | null;
}

/**
 * The tables derived in each step after the hourly rollups, in order; each reads the step's
 * arrivals from STEP_ARRIVALS (step-arrivals.ts), but for property_events. A new derived table adds
 * its part here.
 */
const STEP_PARTS: ((client: pg.PoolClient, step: StepFolded) => Promise<unknown>)[] = [
  // The pairs need to know who was in the daily bitmaps before these arrivals.
  (client, { window }) => preparePairArrivals(client, window),
  (client, { projects, window }) => refreshBitmaps(client, projects, window),
  (client, { projects, window }) => refreshMixedActors(client, projects, window),
  (client, { projects, window }) => refreshPairBitmaps(client, projects, window),
  (client, { projects, window }) => refreshEventCounts(client, projects, window),
  // After the numbering and the daily bitmaps' time zone (refreshBitmaps).
  (client, { projects, window }) => refreshCountSlices(client, projects, window),
  // Every project's (first seen needs no whole-hour time zone); the first step also backfills.
  (client, { window }) => refreshFirstSeen(client, window),
  // After the numbering (refreshBitmaps) and first seen's moves.
  (client) => refreshFirstSeenBitmaps(client),
  // After the numbering and the daily bitmaps' time zone (refreshBitmaps).
  (client, { projects, window }) => refreshGoalBitmaps(client, projects, window),
  // Reads the step's events with their properties, which the staged arrivals leave out.
  (client, { window }) => refreshPropertyEvents(client, window),
];

const rollupFold: SteppedFold = {
  stateTable: "rollup_state",
  lock: "lumen_rollup_refresh",
  // Each event becomes one row per rolled dimension: let the grouping hash in memory.
  workMem: "256MB",
  // A step the planner expects to outgrow hash memory groups by sorting instead: 575k events folded
  // in 89 s that way, against 8.7 s for 125k hashed (a backfill, 2-core machine).
  stepEvents: { low: 80_000, high: 200_000 },
  async fold(client, window) {
    let folded = { rows_written: 0, projects: [] as string[] };
    if (window) {
      await stageStepArrivals(client, window);
      folded = (await client.query<{ rows_written: number; projects: string[] }>(foldSql, [window.upto])).rows[0]!;
    }
    // Also with nothing new to fold: a project whose time zone changed still needs its days rebuilt.
    for (const part of STEP_PARTS) await part(client, { projects: folded.projects, window });
    return folded.rows_written;
  },
};

/**
 * Folds in what arrived since the last refresh, into the hourly rollups and daily bitmaps and, at
 * the same time on another connection, into the session rollups (lib/query/session-refresh.ts: its
 * own lock and watermark, nothing shared with this fold). The background job skips a part another
 * refresh is running; `wait` blocks for it instead, so everything committed before the call is
 * folded when it returns (what a caller that just wrote events needs).
 */
export async function refreshRollups(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<SteppedFoldResult> {
  // The fold stops 1 ms before its transaction began (received_at is rounded to the millisecond),
  // so a write committed just before this call could start less than that earlier and be left for
  // the next refresh: a caller that waits gets a refresh starting at least 2 ms after its call.
  if (options.wait) await new Promise((resolve) => setTimeout(resolve, 2));
  const [result] = await Promise.all([foldInSteps(pool, rollupFold, options), refreshSessions(pool, options)]);
  return result;
}
