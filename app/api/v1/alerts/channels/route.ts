// GET /api/v1/alerts/channels?project_id=: a project's alert channels (settings for admin+ only);
// POST /api/v1/alerts/channels: create one (admin+, or an admin key); a webhook's secret is in this answer only.

import { readAlertActor } from "@/lib/alerts/access";
import { createChannel, listChannels } from "@/lib/alerts/channels";
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";

export const GET = defineRoute(async (request) => {
  const actor = await readAlertActor(request);
  return json(200, await listChannels(actor, new URL(request.url).searchParams.get("project_id")));
});

export const POST = defineRoute(async (request) => {
  const actor = await readAlertActor(request);
  return json(201, await createChannel(actor, await readAppBody(request)));
});
