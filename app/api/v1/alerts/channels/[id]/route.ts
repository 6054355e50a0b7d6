// DELETE /api/v1/alerts/channels/{id}: remove a channel, and from every rule that named it (admin+, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { deleteChannel } from "@/lib/alerts/channels";
import { defineRoute } from "@/lib/api/route";

type Context = { params: Promise<{ id: string }> };

export const DELETE = defineRoute<Context>(async (request, { params }) => {
  await deleteChannel(await readAlertActor(request), (await params).id);
  return new Response(null, { status: 204 });
});
