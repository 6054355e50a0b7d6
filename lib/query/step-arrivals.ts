// A rollup refresh step's arrivals, read from events once: every part of the step (hourly rollups,
// daily and pair bitmaps, mixed actors, daily counts, first seen) used to read (low, upto] from
// events again, through the received_at BRIN index, some of them materialising whole rows with
// their properties. Now the step copies the columns those parts read into one temporary table, in
// the step's transaction, and each part reads that. A part that needs another column adds it here.
import "server-only";
import type pg from "pg";
import { ROLLED_DIMENSIONS } from "./rollups";

/** The temporary table holding the step's arrivals (dropped at the step's commit). */
export const STEP_ARRIVALS = "refresh_arrivals";

const columns = [
  "organization_id",
  "project_id",
  "event_id",
  "name",
  "timestamp",
  "actor",
  ...new Set(Object.values(ROLLED_DIMENSIONS)),
].join(", ");

const stageSql = `
CREATE TEMP TABLE ${STEP_ARRIVALS} ON COMMIT DROP AS
SELECT ${columns} FROM events WHERE received_at > $1::timestamptz AND received_at <= $2::timestamptz`;

/**
 * Copies the events of (low, upto] into STEP_ARRIVALS and gives the planner its size (a temporary
 * table has no statistics until analyzed: the parts' groupings would otherwise be planned for a
 * guess). Returns how many events arrived.
 */
export async function stageStepArrivals(client: pg.PoolClient, window: { low: string; upto: string }): Promise<number> {
  const staged = await client.query(stageSql, [window.low, window.upto]);
  await client.query(`ANALYZE ${STEP_ARRIVALS}`);
  return staged.rowCount ?? 0;
}
