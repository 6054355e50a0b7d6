// Background upkeep of the event table inside the server process: monthly partitions stay created ahead of time.
import "server-only";
import { getEnv } from "../env";
import { log } from "../log";
import { every } from "../repeat";
import { getPool } from "./client";
import { ensureEventPartitions, ingestionWindow } from "./partitions";

const DAY_MS = 86_400_000;

async function ensurePartitionsAhead(): Promise<void> {
  const { from, to } = ingestionWindow(new Date(), getEnv().LUMEN_MAX_EVENT_AGE_DAYS);
  try {
    const created = await ensureEventPartitions(getPool(), from, to);
    if (created) log.info("created event partitions", { created });
  } catch (error) {
    log.warn("could not ensure event partitions", { error: error instanceof Error ? error.message : String(error) });
  }
}

export function startPartitionUpkeep(): void {
  every(DAY_MS, ensurePartitionsAhead);
}
