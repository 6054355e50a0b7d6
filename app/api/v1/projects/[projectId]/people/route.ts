// GET /api/v1/projects/{projectId}/people?user_id=…|anonymous_id=…: one person's profile (first and
// last seen, device, browser, OS, country, first source, sessions), matched exactly. Owners, admins
// and analysts; viewers 403, signed out 401, outside the organization 404; 404 when nobody matches.
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { peopleTenantForUser, readPersonProfile } from "@/lib/people/people";
import { parsePersonParams } from "@/lib/people/people-params";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  const person = parsePersonParams(new URL(request.url).searchParams);
  const tenant = await peopleTenantForUser(user.id, (await params).projectId);
  return json(200, await readPersonProfile(tenant, person), { "cache-control": "no-store" });
});
