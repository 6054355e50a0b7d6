// POST /api/v1/alerts/channels/{id}/test: send a test notification now; answers { ok, status_code, error } (admin+, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { testChannel } from "@/lib/alerts/channels";
import { defineRoute, json } from "@/lib/api/route";

type Context = { params: Promise<{ id: string }> };

export const POST = defineRoute<Context>(async (request, { params }) => {
  return json(200, await testChannel(await readAlertActor(request), (await params).id));
});
