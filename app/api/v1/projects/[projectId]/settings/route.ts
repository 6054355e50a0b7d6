// GET/PATCH /api/v1/projects/{projectId}/settings: project, members, keys and embeds; edit the project (admin+).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { getProjectSettings, updateProject } from "@/lib/workspace/settings";

type Context = { params: Promise<{ projectId: string }> };

export const GET = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  return json(200, await getProjectSettings(user.id, (await params).projectId));
});

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  return json(200, await updateProject(user.id, (await params).projectId, await readAppBody(request)));
});
