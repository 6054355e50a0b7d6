// GET /api/v1/projects: the signed-in user's organizations, their role in each and its projects.
// POST /api/v1/projects { name, timezone?, domain?, organization_id? }: create a project (owner or
// admin of the organization; 201 with the project).
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { createProjectForUser } from "@/lib/workspace/projects";
import { listProjectsForUser } from "@/lib/workspace/projects-for-user";

export const GET = defineRoute(async () => {
  const user = await requireUser();
  return json(200, { organizations: await listProjectsForUser(user.id) });
});

export const POST = defineRoute(async (request) => {
  const user = await requireUser();
  return json(201, await createProjectForUser(user.id, await readAppBody(request)));
});
