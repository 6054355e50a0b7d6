// DELETE /api/v1/projects/{projectId}/embeds/{tokenId}: revoke an embed Lumen issued (owner/admin, or
// an admin API key); its open streams end within a second, in every process.
import { defineRoute } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { revokeIssuedEmbed } from "@/lib/embed/revocations";

export const DELETE = defineRoute<{ params: Promise<{ projectId: string; tokenId: string }> }>(
  async (request, { params }) => {
    const { projectId, tokenId } = await params;
    await revokeIssuedEmbed(await readAdminPrincipal(request), projectId, tokenId);
    return new Response(null, { status: 204 });
  },
);
