// When the server folds new events into the rollups: in the app process, one refresher at a time
// across processes (rollup-refresh.ts takes the lock), as often as its lag asks and its speed allows.
import "server-only";
import { getPool } from "../db/client";
import { log } from "../log";
import { repeat } from "../repeat";
import { refreshRollups } from "./rollup-refresh";

const REFRESH_MS = 5_000;
/** A refresh that yields waits three times as long as the last one took: folding takes at most a quarter of its connection's time. */
const YIELD_PACE = 3;
/** How far behind the rollups may fall before a refresh that can catch up stops yielding. */
const LAG_TARGET_MS = 10_000;

export interface RefreshOutcome {
  durationMs: number;
  /** How far the watermark is behind now, after a refresh that folded events; null when it folded none. */
  lagMs: number | null;
  /** How far the watermark moved: the span of arrivals this refresh folded; null when not known. */
  foldedMs: number | null;
}

/**
 * The wait before the next refresh. Folding costs CPU that ingestion also needs, and what is not
 * folded yet is read raw (answers stay exact; queries slow as the tail grows). A refresh that took
 * less time than the span of arrivals it folded can catch up: its wait shrinks as the lag nears
 * LAG_TARGET_MS, to none past it (at the seed's peak of 2,800 events/s, yielding throughout left the
 * lag growing on a 2-core machine half idle; chasing it held it near 11 s: bench/README.md). One
 * that took longer is outrun by ingestion (a burst at full throughput): folding without a pause
 * would still fall behind and slowed ingestion by a third, so it yields, and catches up after.
 */
export function refreshWait({ durationMs, lagMs, foldedMs }: RefreshOutcome): number {
  const yielding = Math.max(REFRESH_MS, YIELD_PACE * durationMs);
  // Yield too when a refresh folded nothing (another process holds the lock, or an open write
  // transaction bounds the fold: refresh-steps.ts), when its span is unknown (the first), or when
  // it was outrun: running again at once would not close the lag.
  if (lagMs === null || foldedMs === null || durationMs >= foldedMs) return yielding;
  return Math.min(yielding, Math.max(0, LAG_TARGET_MS - lagMs));
}

/** The watermark reached by a refresh that folded events, else null. */
async function refreshRollupsQuietly(): Promise<Date | null> {
  try {
    const result = await refreshRollups(getPool());
    if (!result.rowsWritten) return null;
    log.debug("refreshed rollups", { rows: result.rowsWritten });
    return result.watermark;
  } catch (error) {
    log.warn("could not refresh rollups", { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

export function startRollupRefresh(): void {
  let previous: Date | null = null;
  repeat(refreshRollupsQuietly, (watermark, durationMs) => {
    const outcome: RefreshOutcome = {
      durationMs,
      lagMs: watermark ? Date.now() - watermark.getTime() : null,
      foldedMs: watermark && previous ? watermark.getTime() - previous.getTime() : null,
    };
    if (watermark) previous = watermark;
    return refreshWait(outcome);
  });
}
