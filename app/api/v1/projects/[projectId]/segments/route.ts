// GET/POST /api/v1/projects/{projectId}/segments: list the project's saved segments (any member, or
// a read key of the organization), create one (analyst+).
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { authenticateReader } from "@/lib/auth/read-access";
import { requireUser } from "@/lib/auth/session";
import { createSegment, listSegments } from "@/lib/segments/segments";

type Context = { params: Promise<{ projectId: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  const reader = await authenticateReader(request);
  return json(200, await listSegments(reader, (await params).projectId));
});

export const POST = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  const { projectId } = await params;
  return json(201, await createSegment(user.id, projectId, await readAppBody(request)));
});
