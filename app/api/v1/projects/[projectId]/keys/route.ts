// POST /api/v1/projects/{projectId}/keys: create an API key (admin+); the response is the only time it is shown.

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { createProjectKey } from "@/lib/workspace/settings";

export const POST = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  return json(201, await createProjectKey(user.id, (await params).projectId, await readAppBody(request)));
});
