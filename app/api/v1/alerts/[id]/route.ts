// GET/PATCH/DELETE /api/v1/alerts/{id}: read a rule (any member), change or mute it (its analyst
// creator, admin+, or an admin key: { muted_until } mutes), delete it (the same).

import { readAlertActor } from "@/lib/alerts/access";
import { deleteRule, getRule, updateRule } from "@/lib/alerts/rules";
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";

type Context = { params: Promise<{ id: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, await getRule(await readAlertActor(request), (await params).id));
});

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const actor = await readAlertActor(request);
  return json(200, await updateRule(actor, (await params).id, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (request, { params }) => {
  await deleteRule(await readAlertActor(request), (await params).id);
  return new Response(null, { status: 204 });
});
