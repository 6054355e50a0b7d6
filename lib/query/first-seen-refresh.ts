// Keeps actor_first_seen (and its hourly counts, first_seen_hourly) current: in the rollup refresh's step (same transaction, under its lock),
// folds the events that arrived since first_seen_state's watermark. Each actor's earliest event
// (timestamp, then event id) among them is merged with its stored row, the earlier winning, so a late
// event with an old timestamp moves first seen earlier (and its first-touch attributes with it), and
// folding the same events twice changes nothing. On an existing installation the watermark starts at
// '-infinity': the first step folds the whole history (the backfill) in the same statement.
import "server-only";
import type pg from "pg";
import { applyFirstSeenMoves, createMovesSql, FIRST_SEEN_MOVES } from "./first-seen-bitmaps-refresh";
import { STEP_ARRIVALS } from "./step-arrivals";

/**
 * Actors' earliest events among (low, upto] by received_at, merged into actor_first_seen. Hash
 * grouping first (the earliest timestamp per actor: one pass, no sort of every event), then only the
 * events at those timestamps are read again and their ties broken by event id: a backfill of 10M
 * events sorts ~1M rows, not 10M. `arrivals` is where those events are read from (alias e): the
 * rollup step's staged arrivals when its window is first seen's, else the events table.
 *
 * The rows that change (a new actor, or an earlier first event) are found against the stored rows
 * before the upsert, in the same statement, so first_seen_hourly moves with them: +1 in the hour of
 * the new first seen, -1 in the hour of the one it replaces. They are recorded for the first-seen
 * bitmaps too (first-seen-bitmaps-refresh.ts), which the step's next part moves the same way.
 */
const foldSql = (arrivals: string, window: string) => `
WITH firsts AS MATERIALIZED (
  SELECT e.organization_id, e.project_id, e.actor, min(e.timestamp) AS first_seen_at
  FROM ${arrivals}
  WHERE ${window} AND e.actor IS NOT NULL
  GROUP BY 1, 2, 3
),
touches AS (
  SELECT DISTINCT ON (e.organization_id, e.project_id, e.actor)
         e.organization_id, e.project_id, e.actor, e.timestamp, e.event_id, e.referrer_host, e.utm_source, e.path
  FROM firsts f
  JOIN ${arrivals} ON e.organization_id = f.organization_id AND e.project_id = f.project_id
   AND e.timestamp = f.first_seen_at AND e.actor = f.actor
  WHERE ${window}
  ORDER BY e.organization_id, e.project_id, e.actor, e.event_id
),
changed AS MATERIALIZED (
  SELECT x.*, t.first_seen_at AS replaced_at
  FROM touches x
  LEFT JOIN actor_first_seen t
    ON t.organization_id = x.organization_id AND t.project_id = x.project_id AND t.actor = x.actor
  WHERE t.actor IS NULL OR (x.timestamp, x.event_id) < (t.first_seen_at, t.first_event_id)
),
upserted AS (
  INSERT INTO actor_first_seen AS t
    (organization_id, project_id, actor, first_seen_at, first_event_id, first_referrer, first_utm_source, first_path)
  SELECT organization_id, project_id, actor, timestamp, event_id, referrer_host, utm_source, path FROM changed
  ON CONFLICT (organization_id, project_id, actor) DO UPDATE
  SET first_seen_at = EXCLUDED.first_seen_at, first_event_id = EXCLUDED.first_event_id,
      first_referrer = EXCLUDED.first_referrer, first_utm_source = EXCLUDED.first_utm_source, first_path = EXCLUDED.first_path
  RETURNING 1
),
recorded AS (
  INSERT INTO ${FIRST_SEEN_MOVES} (organization_id, project_id, actor, at, replaced_at)
  SELECT organization_id, project_id, actor, timestamp, replaced_at FROM changed
),
counted AS (
  ${hourlyDeltaSql(`
    SELECT organization_id, project_id, timestamp AS at, 1 AS n FROM changed
    UNION ALL
    SELECT organization_id, project_id, replaced_at, -1 FROM changed WHERE replaced_at IS NOT NULL`)}
)
SELECT count(*)::int AS written FROM upserted`;

/**
 * Adds to first_seen_hourly the rows (organization_id, project_id, at, n) of `deltas`, summed per
 * UTC hour of `at`: the one writer of its counts besides the migration that filled it.
 */
function hourlyDeltaSql(deltas: string): string {
  return `INSERT INTO first_seen_hourly AS h (organization_id, project_id, hour, visitors)
  SELECT d.organization_id, d.project_id, date_trunc('hour', d.at, 'UTC'), sum(d.n)
  FROM (${deltas}) d
  GROUP BY 1, 2, 3
  HAVING sum(d.n) <> 0
  ON CONFLICT (organization_id, project_id, hour) DO UPDATE SET visitors = h.visitors + EXCLUDED.visitors`;
}

const foldEventsSql = foldSql("events e", "e.received_at > $1::timestamptz AND e.received_at <= $2::timestamptz");
const foldStepArrivalsSql = foldSql(`${STEP_ARRIVALS} e`, "true");

/**
 * Folds what arrived after first_seen_state's watermark up to the rollup step's end (or the rollup
 * watermark when the step folds nothing) and moves the watermark there. Run inside the rollup
 * refresh's step: its advisory lock makes it the only writer. Returns the rows written.
 */
export async function refreshFirstSeen(
  client: pg.PoolClient,
  step: { low: string; upto: string } | null,
): Promise<number> {
  const { rows } = await client.query<{ low: string; upto: string; behind: boolean; same: boolean }>(
    `SELECT s.watermark::text AS low, u.upto::text AS upto, s.watermark < u.upto AS behind,
            s.watermark = $2::timestamptz AND u.upto = $1::timestamptz AS same
     FROM first_seen_state s, (SELECT COALESCE($1::timestamptz, r.watermark) AS upto FROM rollup_state r WHERE r.id = 1) u
     WHERE s.id = 1`,
    [step?.upto ?? null, step?.low ?? null],
  );
  const state = rows[0];
  if (!state?.behind) return 0;
  await client.query(createMovesSql);
  // In step with the rollups (every refresh after the first), the step's arrivals are first seen's.
  const folded = state.same
    ? await client.query<{ written: number }>(foldStepArrivalsSql)
    : await client.query<{ written: number }>(foldEventsSql, [state.low, state.upto]);
  await client.query("UPDATE first_seen_state SET watermark = $1::timestamptz WHERE id = 1", [state.upto]);
  const written = folded.rows[0]?.written ?? 0;
  await analyzeIfGrown(client, written);
  return written;
}

/**
 * Reports count new visitors from a range of the first_seen_at index: statistics that do not know
 * the table grew (a backfill, a burst of new visitors before autovacuum comes by) may walk it
 * instead, so a fold that grew it by a tenth or more analyzes it (a 30,000-row sample).
 */
async function analyzeIfGrown(client: pg.PoolClient, written: number): Promise<void> {
  if (written === 0) return;
  const { rows } = await client.query<{ reltuples: number }>(
    "SELECT reltuples FROM pg_class WHERE oid = 'actor_first_seen'::regclass",
  );
  const known = rows[0]?.reltuples ?? -1;
  if (known < 0 || written > known / 10) await client.query("ANALYZE actor_first_seen");
}

/**
 * After a person's deletion took events out (the temporary table `deleted`, with their actors): each
 * of those actors' rows is recomputed from the events of theirs that remain, so first seen and first
 * touch are as if the deleted events had never been tracked, and an actor with none left has no row;
 * first_seen_hourly and first_seen_bitmaps lose the old rows and gain the new ones. Under the rollup lock (the deletion's batch holds it), so no fold runs meanwhile. Returns the actors
 * recomputed.
 */
export async function recomputeFirstSeen(
  client: pg.PoolClient,
  deleted: { organizationId: string; projectId: string; table: string },
): Promise<number> {
  const tenant = [deleted.organizationId, deleted.projectId];
  await client.query(createMovesSql);
  // A statement may not both delete and upsert the same row: the deletion goes first, on its own.
  const gone = await client.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM actor_first_seen f
       WHERE f.organization_id = $1 AND f.project_id = $2
         AND f.actor IN (SELECT actor FROM ${deleted.table} WHERE actor IS NOT NULL)
       RETURNING f.organization_id, f.project_id, f.actor, f.first_seen_at
     ), recorded AS (
       INSERT INTO ${FIRST_SEEN_MOVES} (organization_id, project_id, actor, replaced_at)
       SELECT organization_id, project_id, actor, first_seen_at FROM gone
     ), counted AS (
       ${hourlyDeltaSql("SELECT organization_id, project_id, first_seen_at AS at, -1 AS n FROM gone")}
     )
     SELECT count(*)::int AS n FROM gone`,
    tenant,
  );
  // Their remaining events through the actor index (its actor bucket), as the deletion's search does.
  const rebuilt = await client.query<{ n: number }>(
    `WITH touched AS (SELECT DISTINCT actor FROM ${deleted.table} WHERE actor IS NOT NULL),
     rebuilt AS (
       INSERT INTO actor_first_seen
         (organization_id, project_id, actor, first_seen_at, first_event_id, first_referrer, first_utm_source, first_path)
       SELECT DISTINCT ON (e.actor) e.organization_id, e.project_id, e.actor, e.timestamp, e.event_id, e.referrer_host, e.utm_source, e.path
       FROM touched t
       JOIN events e ON e.organization_id = $1 AND e.project_id = $2
        AND (e.actor & 63)::smallint = (t.actor & 63)::smallint AND e.actor = t.actor
       ORDER BY e.actor, e.timestamp, e.event_id
       RETURNING organization_id, project_id, actor, first_seen_at
     ), recorded AS (
       INSERT INTO ${FIRST_SEEN_MOVES} (organization_id, project_id, actor, at)
       SELECT organization_id, project_id, actor, first_seen_at FROM rebuilt
     ), counted AS (
       ${hourlyDeltaSql("SELECT organization_id, project_id, first_seen_at AS at, 1 AS n FROM rebuilt")}
     )
     SELECT count(*)::int AS n FROM rebuilt`,
    tenant,
  );
  // An hour whose only new visitors were the person's holds nothing now: no row, as if never tracked.
  await client.query(
    "DELETE FROM first_seen_hourly WHERE organization_id = $1 AND project_id = $2 AND visitors = 0",
    tenant,
  );
  await applyFirstSeenMoves(client);
  return Math.max(gone.rows[0]?.n ?? 0, rebuilt.rows[0]?.n ?? 0);
}
