// DELETE /api/v1/projects/{projectId}/members/{userId}: remove a member (owner; the last owner stays).
import { defineRoute } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { removeMember } from "@/lib/workspace/members";

export const DELETE = defineRoute<{ params: Promise<{ projectId: string; userId: string }> }>(
  async (_request, { params }) => {
    const user = await requireUser();
    const { projectId, userId } = await params;
    await removeMember(user.id, projectId, userId);
    return new Response(null, { status: 204 });
  },
);
