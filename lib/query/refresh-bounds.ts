// How far a refresh may fold, by received_at: not past any transaction that is still running, whose
// events carry received_at = its start time and would become visible only after the watermark moved
// on. Report queries' transactions are left out: they run READ ONLY on their own pools and insert
// nothing, and a slow one (up to its statement timeout) would otherwise hold every refresh back.
// The bounds are read in their own statement, before the folding statement takes its snapshot, so a
// transaction that commits in between is already visible to the fold rather than skipped.
import "server-only";
import { READ_ONLY_POOL_NAMES } from "../db/client";

/** SQL reading (low, high) for the state table's single watermark row. */
export function refreshBoundsSql(stateTable: "rollup_state" | "session_state"): string {
  const readOnly = READ_ONLY_POOL_NAMES.map((name) => `'${name}'`).join(", ");
  return `
SELECT low::text AS low, high::text AS high
FROM (
  SELECT s.watermark AS low,
         LEAST(now(), COALESCE((
           SELECT min(xact_start) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
             AND application_name NOT IN (${readOnly})
         ), now())) - interval '1 millisecond' AS high
  FROM ${stateTable} s WHERE s.id = 1
) b`;
}
