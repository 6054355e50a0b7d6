// Runs once when the Next.js server starts: fail fast on bad configuration, keep event partitions
// ahead, keep the rollups folding in new events, keep retention and person deletions going, and
// evaluate alert rules and send their notifications.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("./lib/env");
  const env = getEnv(); // throws with a message per bad setting before the server takes traffic
  const { startPartitionUpkeep } = await import("./lib/db/maintenance");
  const { startRollupRefresh } = await import("./lib/query/refresh-schedule");
  const { startPrivacyUpkeep } = await import("./lib/privacy/privacy-schedule");
  startPartitionUpkeep();
  startRollupRefresh();
  if (env.LUMEN_ALERTS) {
    const { startAlerts } = await import("./lib/alerts/scheduler");
    startAlerts();
  }
  startPrivacyUpkeep({ retention: env.LUMEN_RETENTION });
}
