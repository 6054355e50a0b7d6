// Keeps event_rollups current: folds in the events that arrived since the watermark (by
// received_at), so late events land in their own (old) hour. One refresher at a time (advisory lock).
import type pg from "pg";
import { ROLLED_DIMENSIONS } from "./rollups";

const dimensionRows = [`('', NULL::text)`, ...Object.entries(ROLLED_DIMENSIONS).map(([dimension, column]) => `('${dimension}', e.${column})`)].join(", ");

// The new watermark must not pass any transaction still running: its events carry received_at =
// its start time and would become visible only after the watermark moved on.
const refreshSql = `
WITH bounds AS (
  SELECT s.watermark AS low,
         LEAST(now(), COALESCE((SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL), now())) - interval '1 millisecond' AS high
  FROM rollup_state s WHERE s.id = 1
),
folded AS (
  INSERT INTO event_rollups AS r (organization_id, project_id, dimension, bucket, name, value, events, actors)
  SELECT e.organization_id, e.project_id, d.dimension, date_trunc('hour', e.timestamp, 'UTC'), e.name, COALESCE(d.value, ''),
         count(*), COALESCE(array_agg(DISTINCT hashtextextended(COALESCE(e.user_id, e.anonymous_id), 0)) FILTER (WHERE COALESCE(e.user_id, e.anonymous_id) IS NOT NULL), '{}')
  FROM events e CROSS JOIN LATERAL (VALUES ${dimensionRows}) AS d(dimension, value), bounds b
  WHERE e.received_at > b.low AND e.received_at <= b.high
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (organization_id, project_id, dimension, bucket, name, value) DO UPDATE
  SET events = r.events + EXCLUDED.events,
      actors = (SELECT COALESCE(array_agg(DISTINCT a ORDER BY a), '{}') FROM unnest(r.actors || EXCLUDED.actors) a)
  RETURNING 1
)
UPDATE rollup_state SET watermark = b.high FROM bounds b
WHERE rollup_state.id = 1 AND b.high > b.low
RETURNING (SELECT count(*) FROM folded)::int AS rows_written, b.high AS watermark`;

export interface RefreshResult {
  rowsWritten: number;
  watermark: Date | null;
  skipped: boolean;
}

export async function refreshRollups(pool: pg.Pool): Promise<RefreshResult> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows: locked } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext('lumen_rollup_refresh')) AS ok");
    if (!locked[0]?.ok) {
      await client.query("ROLLBACK");
      return { rowsWritten: 0, watermark: null, skipped: true };
    }
    const { rows } = await client.query<{ rows_written: number; watermark: Date }>(refreshSql);
    await client.query("COMMIT");
    return { rowsWritten: rows[0]?.rows_written ?? 0, watermark: rows[0]?.watermark ?? null, skipped: false };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
