// GET/POST /api/v1/projects/{projectId}/embed-revocations: the jtis of customer-signed embed tokens
// revoked one by one, and { jti } to revoke one (owner/admin, or an admin API key). A revoked token
// is refused from then on, and its open streams end within a second.

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { listRevokedJtisForAdmin, revokeCustomerJti } from "@/lib/embed/revocations";

type Context = { params: Promise<{ projectId: string }> };

export const dynamic = "force-dynamic";

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, {
    revoked: await listRevokedJtisForAdmin(await readAdminPrincipal(request), (await params).projectId),
  });
});

export const POST = defineRoute<Context>(async (request, { params }) => {
  const admin = await readAdminPrincipal(request);
  return json(201, await revokeCustomerJti(admin, (await params).projectId, await readAppBody(request)));
});
