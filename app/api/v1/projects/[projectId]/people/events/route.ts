// GET /api/v1/projects/{projectId}/people/events?user_id=…|anonymous_id=…[&limit=1..200][&cursor=…]:
// one person's events with their properties, newest first, { events, next_cursor } (pass next_cursor
// as cursor for older ones). Same roles as the profile: analysts and up; viewers 403.
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { peopleTenantForUser, readPersonTimeline } from "@/lib/people/people";
import { parseTimelineParams } from "@/lib/people/people-params";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  const { person, ...page } = parseTimelineParams(new URL(request.url).searchParams);
  const tenant = await peopleTenantForUser(user.id, (await params).projectId);
  return json(200, await readPersonTimeline(tenant, person, page), { "cache-control": "no-store" });
});
