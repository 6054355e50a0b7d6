// GET /api/v1/alerts/{id}/history: a rule's recent evaluations, transitions and notifications with
// every delivery attempt (any member, or an admin key).

import { readAlertActor } from "@/lib/alerts/access";
import { ruleHistory } from "@/lib/alerts/rules";
import { defineRoute, json } from "@/lib/api/route";

type Context = { params: Promise<{ id: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, await ruleHistory(await readAlertActor(request), (await params).id));
});
