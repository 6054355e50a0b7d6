// GET/PATCH/DELETE /api/v1/projects/{projectId}/segments/{segmentId}: read a segment (any member or a
// read key), change or delete it (analyst+; a segment still in use is a 409 listing its users).
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { authenticateReader } from "@/lib/auth/read-access";
import { requireUser } from "@/lib/auth/session";
import { deleteSegment, getSegment, updateSegment } from "@/lib/segments/segments";

type Context = { params: Promise<{ projectId: string; segmentId: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  const reader = await authenticateReader(request);
  const { projectId, segmentId } = await params;
  return json(200, await getSegment(reader, projectId, segmentId));
});

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  const { projectId, segmentId } = await params;
  return json(200, await updateSegment(user.id, projectId, segmentId, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  const { projectId, segmentId } = await params;
  await deleteSegment(user.id, projectId, segmentId);
  return new Response(null, { status: 204 });
});
