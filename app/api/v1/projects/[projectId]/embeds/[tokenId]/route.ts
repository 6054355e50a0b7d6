// DELETE /api/v1/projects/{projectId}/embeds/{tokenId}: revoke an embed token (admin+).
import { defineRoute } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { revokeEmbedToken } from "@/lib/workspace/settings";

export const DELETE = defineRoute<{ params: Promise<{ projectId: string; tokenId: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  const { projectId, tokenId } = await params;
  await revokeEmbedToken(user.id, projectId, tokenId);
  return new Response(null, { status: 204 });
});
