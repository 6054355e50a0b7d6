// GET/POST /api/v1/projects/{projectId}/goals: list a project's goals (read keys, any member), create
// one (analyst+, admin keys): { name, definition: { type: "event", event, conditions? } | { type: "page", path } }.
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { authorizeGoalManager, createGoal, listGoals } from "@/lib/goals/goals";

type Context = { params: Promise<{ projectId: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, await listGoals(request, (await params).projectId), { "cache-control": "no-store" });
});

export const POST = defineRoute<Context>(async (request, { params }) => {
  const manager = await authorizeGoalManager(request, (await params).projectId);
  return json(201, await createGoal(manager, await readAppBody(request)));
});
