// POST /api/v1/projects/{projectId}/members: add a member of the project's organization or change their role (owner).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { upsertMember } from "@/lib/workspace/members";

export const POST = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  return json(200, await upsertMember(user.id, (await params).projectId, await readAppBody(request)));
});
