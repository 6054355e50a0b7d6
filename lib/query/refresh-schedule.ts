// When the server folds new events into the rollups: every few seconds, in the app process, one
// refresher at a time across processes (rollup-refresh.ts takes the lock).
import "server-only";
import { getPool } from "../db/client";
import { log } from "../log";
import { every } from "../repeat";
import { refreshRollups } from "./rollup-refresh";

const ROLLUP_REFRESH_MS = 5_000;
/** Under a heavy ingest, a refresh waits three times as long as the last one took: at most a quarter of a core goes to folding, the rest to ingestion (queries stay exact: what is not folded yet is read raw). */
const ROLLUP_REFRESH_PACE = 3;

async function refreshRollupsQuietly(): Promise<void> {
  try {
    const result = await refreshRollups(getPool());
    if (result.rowsWritten) log.debug("refreshed rollups", { rows: result.rowsWritten });
  } catch (error) {
    log.warn("could not refresh rollups", { error: error instanceof Error ? error.message : String(error) });
  }
}

export function startRollupRefresh(): void {
  every(ROLLUP_REFRESH_MS, refreshRollupsQuietly, ROLLUP_REFRESH_PACE);
}
