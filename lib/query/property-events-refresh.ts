// Keeps property_events current (lib/query/property-events.ts reads it): in the rollup refresh's
// step (same transaction and watermark as the hourly rollups), one row per arrival and top-level
// property, with the event's name and its value's text cut to 100 characters. Read from events, not the step's staged
// arrivals, which leave the properties out (step-arrivals.ts).
import "server-only";
import type pg from "pg";

const foldSql = `
INSERT INTO property_events (organization_id, project_id, timestamp, event_id, name, key, value)
SELECT e.organization_id, e.project_id, e.timestamp, e.event_id, e.name, left(p.key, 100), left(p.value, 100)
FROM events e
CROSS JOIN LATERAL jsonb_each_text(e.properties) p
WHERE e.received_at > $1::timestamptz AND e.received_at <= $2::timestamptz
  AND jsonb_typeof(e.properties) = 'object' AND e.properties <> '{}'::jsonb
ON CONFLICT DO NOTHING`;

/** Adds the properties of the events of (low, upto]. */
export async function refreshPropertyEvents(
  client: pg.PoolClient,
  window: { low: string; upto: string } | null,
): Promise<void> {
  if (window) await client.query(foldSql, [window.low, window.upto]);
}
