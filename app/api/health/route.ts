// GET /api/health: liveness plus a database round trip; 503 when the database is unreachable.
import { defineRoute, json } from "@/lib/api/route";
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export const GET = defineRoute(async () => {
  const db = await checkDatabase();
  return json(db === "up" ? 200 : 503, { status: db === "up" ? "ok" : "degraded", db }, { "cache-control": "no-store" });
});
