// PATCH /api/v1/alerts/channels/{id}: rename a channel, change its URL or recipients, or rotate a
// webhook's secret; DELETE: remove it, and from every rule that named it (admin+, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { deleteChannel, updateChannel } from "@/lib/alerts/channels";
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";

type Context = { params: Promise<{ id: string }> };

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const actor = await readAlertActor(request);
  return json(200, await updateChannel(actor, (await params).id, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (request, { params }) => {
  await deleteChannel(await readAlertActor(request), (await params).id);
  return new Response(null, { status: 204 });
});
