// GET /api/v1/projects/{projectId}/embed-secret: reveal the project's embed signing secret (owner/admin,
// or an admin API key), with when it was last rotated and until when the previous one verifies.
// The only place the secret is ever returned, besides the answer to a rotation.
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { revealEmbedSecret } from "@/lib/embed/signing-secret";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const revealed = await revealEmbedSecret(await readAdminPrincipal(request), (await params).projectId);
  return json(200, revealed, { "cache-control": "no-store" });
});
