// DELETE /api/v1/projects/{projectId}/embed-secret/previous: end the previous embed secret's grace
// period now (owner/admin, or an admin API key): tokens it signed are refused and their streams end.
import { defineRoute } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { retirePreviousEmbedSecret } from "@/lib/embed/signing-secret";

export const DELETE = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  await retirePreviousEmbedSecret(await readAdminPrincipal(request), (await params).projectId);
  return new Response(null, { status: 204 });
});
