// The privacy upkeep inside the server process, next to partition upkeep and the rollup refresh:
// retention enforced daily where LUMEN_RETENTION is on (one process at a time, by advisory lock),
// and queued person deletions picked up every half minute (withdrawals start theirs at once; this
// catches what a stopped process left).
import "server-only";
import { getPool } from "../db/client";
import { log } from "../log";
import { every } from "../repeat";
import { runDeletionJobs } from "./deletion-jobs";
import { enforceRetention } from "./retention";

const DAY_MS = 86_400_000;
const DELETION_JOBS_MS = 30_000;

function quietly(what: string, task: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    try {
      await task();
    } catch (error) {
      log.warn(`could not ${what}`, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}

async function enforceRetentionLogged(): Promise<void> {
  const report = await enforceRetention(getPool());
  if (report && (report.partitions_dropped.length > 0 || report.projects.length > 0))
    log.info("enforced retention", { partitions_dropped: report.partitions_dropped, projects: report.projects.length });
}

export function startPrivacyUpkeep(options: { retention: boolean }): void {
  if (options.retention) every(DAY_MS, quietly("enforce retention", enforceRetentionLogged));
  every(
    DELETION_JOBS_MS,
    quietly("run person deletions", () => runDeletionJobs()),
  );
}
