// GET /api/v1/alerts/notifications?project_id=: the in-app notification list, newest first (any member, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { listInAppNotifications } from "@/lib/alerts/channels";
import { defineRoute, json } from "@/lib/api/route";

export const GET = defineRoute(async (request) => {
  const actor = await readAlertActor(request);
  return json(200, await listInAppNotifications(actor, new URL(request.url).searchParams.get("project_id")));
});
