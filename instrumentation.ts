// Runs once when the Next.js server starts: fail fast on bad configuration, keep event partitions ahead.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerMaintenance } = await import("./lib/db/maintenance");
  startServerMaintenance();
}
