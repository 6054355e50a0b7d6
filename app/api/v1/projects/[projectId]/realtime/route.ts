// GET /api/v1/projects/{projectId}/realtime: the realtime page's numbers (active visitors, the pages
// they are on, the last 30 minutes per minute, the latest events) for signed-in members of any role;
// who did each event only for analysts and up. 401 signed out, 404 outside the organization.
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { readRealtimeForUser } from "@/lib/realtime/realtime-snapshot";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  const snapshot = await readRealtimeForUser(user.id, (await params).projectId);
  return json(200, snapshot, { "cache-control": "no-store" });
});
