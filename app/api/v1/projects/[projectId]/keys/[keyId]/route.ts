// DELETE /api/v1/projects/{projectId}/keys/{keyId}: revoke an API key (admin+).
import { defineRoute } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { revokeProjectKey } from "@/lib/workspace/settings";

export const DELETE = defineRoute<{ params: Promise<{ projectId: string; keyId: string }> }>(
  async (_request, { params }) => {
    const user = await requireUser();
    const { projectId, keyId } = await params;
    await revokeProjectKey(user.id, projectId, keyId);
    return new Response(null, { status: 204 });
  },
);
