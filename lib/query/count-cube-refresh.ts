// Keeps event_counts_daily current, inside each step of the rollup refresh (same transaction, same
// watermark): the events that arrived in (low, upto] are added to their local day's combination of
// name and rolled dimension values. A project seen for the first time, or whose time zone changed,
// is rebuilt from its events instead (a week of event time per statement, so the grouping stays in
// memory). Unlike the daily bitmaps, nothing here is derived from the hourly rollups, so any time
// zone works, half-hour ones included.
import "server-only";
import type pg from "pg";
import { ROLLED_DIMENSIONS } from "./rollups";
import { STEP_ARRIVALS } from "./step-arrivals";

const dimensions = Object.keys(ROLLED_DIMENSIONS) as (keyof typeof ROLLED_DIMENSIONS)[];
/** The cube's columns, named after the query dimensions. */
export const COUNT_CUBE_COLUMNS = ["name", ...dimensions] as const;
const cubeColumns = COUNT_CUBE_COLUMNS.join(", ");
/** Each events row's value of every cube column ("" for none, as in event_rollups). */
const cubeValues = [
  "e.name",
  ...dimensions.map((dimension) => `COALESCE(e.${ROLLED_DIMENSIONS[dimension]}::text, '')`),
].join(", ");
const groupKeys = Array.from({ length: 4 + COUNT_CUBE_COLUMNS.length }, (_, i) => i + 1).join(", ");
const upsert = `
ON CONFLICT (organization_id, project_id, timezone, day, ${cubeColumns})
DO UPDATE SET events = c.events + EXCLUDED.events`;

// Decided once per step, as for the bitmaps (rollup-refresh.ts): the projects with arrivals, and
// those whose counts are missing or in another time zone (rebuilt).
const eligibleSql = `
CREATE TEMP TABLE counts_eligible ON COMMIT DROP AS
  SELECT p.organization_id, p.id AS project_id, p.timezone, s.timezone IS DISTINCT FROM p.timezone AS rebuild
  FROM projects p LEFT JOIN event_counts_state s ON s.project_id = p.id
  WHERE p.id = ANY($1::uuid[]) OR s.timezone IS DISTINCT FROM p.timezone`;

const clearRebuiltSql = `DELETE FROM event_counts_daily c USING counts_eligible g WHERE g.rebuild AND c.project_id = g.project_id`;

// The weeks of event time a rebuilt project's events cover, each rebuilt by one statement.
const rebuiltWeeksSql = `
SELECT g.organization_id, g.project_id, g.timezone, w.start::text AS start
FROM counts_eligible g
CROSS JOIN LATERAL (
  SELECT min(e.timestamp) AS first, max(e.timestamp) AS last FROM events e
  WHERE e.organization_id = g.organization_id AND e.project_id = g.project_id
) span
CROSS JOIN LATERAL generate_series(span.first, span.last, interval '7 days') AS w(start)
WHERE g.rebuild
ORDER BY 2, 4`;

const rebuildWeekSql = `
INSERT INTO event_counts_daily AS c (organization_id, project_id, timezone, day, ${cubeColumns}, events)
SELECT e.organization_id, e.project_id, $3::text, (e.timestamp AT TIME ZONE $3::text)::date, ${cubeValues}, count(*)
FROM events e
WHERE e.organization_id = $1::uuid AND e.project_id = $2::uuid
  AND e.timestamp >= $4::timestamptz AND e.timestamp < $4::timestamptz + interval '7 days' AND e.received_at <= $5::timestamptz
GROUP BY ${groupKeys}
${upsert}`;

// The step's arrivals (step-arrivals.ts), matched to their projects.
const foldArrivalsSql = `
WITH arrived AS (SELECT * FROM ${STEP_ARRIVALS})
INSERT INTO event_counts_daily AS c (organization_id, project_id, timezone, day, ${cubeColumns}, events)
SELECT e.organization_id, e.project_id, g.timezone, (e.timestamp AT TIME ZONE g.timezone)::date, ${cubeValues}, count(*)
FROM arrived e JOIN counts_eligible g ON g.organization_id = e.organization_id AND g.project_id = e.project_id AND NOT g.rebuild
GROUP BY ${groupKeys}
${upsert}`;

const markBuiltSql = `
INSERT INTO event_counts_state AS s (organization_id, project_id, timezone)
SELECT organization_id, project_id, timezone FROM counts_eligible WHERE rebuild
ON CONFLICT (project_id) DO UPDATE SET timezone = EXCLUDED.timezone`;

/**
 * Adds what (low, upto] brought to the daily counts of the projects in `projects`, and rebuilds
 * every project whose counts are missing or in another time zone from its events up to `upto`
 * (with `window` null, the step folded nothing: only the rebuilds, up to the unchanged watermark).
 */
export async function refreshEventCounts(
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
  if (window && projects.length > 0) await client.query(foldArrivalsSql);
  await client.query(markBuiltSql);
}
