// GET /api/v1/projects/{projectId}/installation: has the project received an event, and its latest
// (name, time), for members of any role: the "verify installation" check in settings.
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { getInstallationStatus } from "@/lib/workspace/projects";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  return json(200, await getInstallationStatus(user.id, (await params).projectId), { "cache-control": "no-store" });
});
