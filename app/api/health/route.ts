// GET /api/health: liveness plus a database round trip; 503 when the database is unreachable. Also
// this process's live-update counters (aggregates only: no project or viewer is named), so
// operators and bench/embed.ts can see how many feeds and viewers it carries and how many
// recomputations it has run.
import { defineRoute, json } from "@/lib/api/route";
import { checkDatabase } from "@/lib/db/health";
import { getRealtimeHub } from "@/lib/realtime/hub";

export const dynamic = "force-dynamic";

export const GET = defineRoute(async () => {
  const db = await checkDatabase();
  return json(
    db === "up" ? 200 : 503,
    { status: db === "up" ? "ok" : "degraded", db, realtime: getRealtimeHub().stats() },
    { "cache-control": "no-store" },
  );
});
