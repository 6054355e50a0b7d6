// PATCH/DELETE /api/v1/projects/{projectId}/goals/{goalId}: rename a goal or change what completes
// it ({ name?, definition? }), or delete it (analyst+, admin keys).
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { authorizeGoalManager, deleteGoal, updateGoal } from "@/lib/goals/goals";

type Context = { params: Promise<{ projectId: string; goalId: string }> };

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const { projectId, goalId } = await params;
  const manager = await authorizeGoalManager(request, projectId);
  return json(200, await updateGoal(manager, goalId, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (request, { params }) => {
  const { projectId, goalId } = await params;
  await deleteGoal(await authorizeGoalManager(request, projectId), goalId);
  return new Response(null, { status: 204 });
});
