// GET /api/v1/projects/{projectId}/retention/preview: the dry run of the project's retention, what
// enforcing it now would delete (owner/admin signed in, or an admin API key of the organization).
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { previewRetention } from "@/lib/privacy/settings";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  return json(200, await previewRetention(await readAdminPrincipal(request), (await params).projectId));
});
