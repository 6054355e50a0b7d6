// Runs once when the Next.js server starts: fail fast on bad configuration, keep event partitions
// ahead, and keep the rollups folding in new events.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("./lib/env");
  getEnv(); // throws with a message per bad setting before the server takes traffic
  const { startPartitionUpkeep } = await import("./lib/db/maintenance");
  const { startRollupRefresh } = await import("./lib/query/refresh-schedule");
  startPartitionUpkeep();
  startRollupRefresh();
}
