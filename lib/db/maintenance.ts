// Background upkeep inside the server process: monthly event partitions stay created ahead of time.
import "server-only";
import { getEnv } from "../env";
import { log } from "../log";
import { refreshRollups } from "../query/rollup-refresh";
import { getPool } from "./client";
import { ensureEventPartitions, ingestionWindow } from "./partitions";

const DAY_MS = 86_400_000;
const ROLLUP_REFRESH_MS = 5_000;
/** Under a heavy ingest, a refresh waits three times as long as the last one took: at most a quarter of a core goes to folding, the rest to ingestion (queries stay exact: what is not folded yet is read raw). */
const ROLLUP_REFRESH_PACE = 3;

async function ensurePartitionsAhead(): Promise<void> {
  const { from, to } = ingestionWindow(new Date(), getEnv().LUMEN_MAX_EVENT_AGE_DAYS);
  try {
    const created = await ensureEventPartitions(getPool(), from, to);
    if (created) log.info("created event partitions", { created });
  } catch (error) {
    log.warn("could not ensure event partitions", { error: error instanceof Error ? error.message : String(error) });
  }
}

async function refreshRollupsQuietly(): Promise<void> {
  try {
    const result = await refreshRollups(getPool());
    if (result.rowsWritten) log.debug("refreshed rollups", { rows: result.rowsWritten });
  } catch (error) {
    log.warn("could not refresh rollups", { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Runs `task` every `ms`, or `pace` times its last duration when that is longer, never overlapping itself. */
function every(ms: number, task: () => Promise<void>, pace = 0): void {
  const loop = async () => {
    const started = performance.now();
    await task();
    setTimeout(loop, Math.max(ms, pace * (performance.now() - started))).unref();
  };
  void loop();
}

export function startServerMaintenance(): void {
  getEnv(); // throws with a message per bad setting before the server takes traffic
  every(DAY_MS, ensurePartitionsAhead);
  every(ROLLUP_REFRESH_MS, refreshRollupsQuietly, ROLLUP_REFRESH_PACE);
}
