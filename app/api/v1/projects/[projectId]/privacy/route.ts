// GET/PATCH /api/v1/projects/{projectId}/privacy: the project's scrubbing, dropped property keys,
// consent purge and retention (owner/admin signed in, or an admin API key of the organization).
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { getPrivacySettings, updatePrivacySettings } from "@/lib/privacy/settings";

type Context = { params: Promise<{ projectId: string }> };

export const dynamic = "force-dynamic";

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, await getPrivacySettings(await readAdminPrincipal(request), (await params).projectId));
});

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const admin = await readAdminPrincipal(request);
  return json(200, await updatePrivacySettings(admin, (await params).projectId, await readAppBody(request)));
});
