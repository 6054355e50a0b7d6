// Keeps event_rollups current: folds in the events that arrived since the watermark (by
// received_at), so late events land in their own (old) hour. One refresher at a time (advisory lock).
import type pg from "pg";
import { ROLLED_DIMENSIONS } from "./rollups";

const dimensionRows = [`('', NULL::text)`, ...Object.entries(ROLLED_DIMENSIONS).map(([dimension, column]) => `('${dimension}', e.${column})`)].join(", ");

// The new watermark must not pass any transaction still running: its events carry received_at =
// its start time and would become visible only after the watermark moved on. The bounds are read in
// their own statement, before the folding statement takes its snapshot, so a transaction that
// commits in between is already visible to the fold rather than skipped.
const boundsSql = `
SELECT low::text AS low, high::text AS high, high > low AS advance
FROM (
  SELECT s.watermark AS low,
         LEAST(now(), COALESCE((SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL), now())) - interval '1 millisecond' AS high
  FROM rollup_state s WHERE s.id = 1
) b`;

const foldSql = `
WITH folded AS (
  INSERT INTO event_rollups AS r (organization_id, project_id, dimension, bucket, name, value, events, actors)
  SELECT e.organization_id, e.project_id, d.dimension, date_trunc('hour', e.timestamp, 'UTC'), e.name, COALESCE(d.value, ''),
         count(*), COALESCE(array_agg(DISTINCT hashtextextended(COALESCE(e.user_id, e.anonymous_id), 0)) FILTER (WHERE COALESCE(e.user_id, e.anonymous_id) IS NOT NULL), '{}')
  FROM events e CROSS JOIN LATERAL (VALUES ${dimensionRows}) AS d(dimension, value)
  WHERE e.received_at > $1::timestamptz AND e.received_at <= $2::timestamptz
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organization_id, project_id, dimension, bucket, name, value) DO UPDATE
  SET events = r.events + EXCLUDED.events,
      actors = (SELECT COALESCE(array_agg(DISTINCT a ORDER BY a), '{}') FROM unnest(r.actors || EXCLUDED.actors) a)
  RETURNING 1
)
UPDATE rollup_state SET watermark = $2::timestamptz WHERE id = 1
RETURNING (SELECT count(*) FROM folded)::int AS rows_written`;

export interface RefreshResult {
  rowsWritten: number;
  watermark: Date | null;
  skipped: boolean;
}

/**
 * Folds in what arrived since the last refresh. The background job skips when another refresh is
 * running; `wait` blocks for it instead, so everything committed before the call is folded when
 * it returns (what a caller that just wrote events needs).
 */
export async function refreshRollups(pool: pg.Pool, options: { wait?: boolean } = {}): Promise<RefreshResult> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const lock = options.wait ? "pg_advisory_xact_lock" : "pg_try_advisory_xact_lock";
    const { rows: locked } = await client.query<{ ok: boolean | string }>(`SELECT ${lock}(hashtext('lumen_rollup_refresh'))::text <> 'false' AS ok`);
    if (!locked[0]?.ok) {
      await client.query("ROLLBACK");
      return { rowsWritten: 0, watermark: null, skipped: true };
    }
    // Each event becomes one row per rolled dimension: let the grouping hash in memory.
    await client.query("SET LOCAL work_mem = '256MB'");
    const { rows: bounds } = await client.query<{ low: string; high: string; advance: boolean }>(boundsSql);
    const { low, high, advance } = bounds[0]!;
    const rows = advance ? (await client.query<{ rows_written: number }>(foldSql, [low, high])).rows : [];
    await client.query("COMMIT");
    return { rowsWritten: rows[0]?.rows_written ?? 0, watermark: new Date(advance ? high : low), skipped: false };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
