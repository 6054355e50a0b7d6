// GET /api/v1/alerts?project_id=: a project's alert rules (any member, or an admin key);
// POST /api/v1/alerts: create one (analyst+, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { createRule, listRules } from "@/lib/alerts/rules";
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";

export const GET = defineRoute(async (request) => {
  const actor = await readAlertActor(request);
  return json(200, await listRules(actor, new URL(request.url).searchParams.get("project_id")));
});

export const POST = defineRoute(async (request) => {
  const actor = await readAlertActor(request);
  return json(201, await createRule(actor, await readAppBody(request)));
});
