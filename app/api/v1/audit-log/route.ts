// GET /api/v1/audit-log?organization_id=…|project_id=…[&action=…][&actor_id=…][&limit=1..200][&cursor=…]:
// the audit log, newest first, for owners and admins (session) or an admin API key; analysts and
// viewers get 403. Answers { entries, next_cursor }; pass next_cursor as cursor for older entries.
import { defineRoute, json } from "@/lib/api/route";
import { listAuditEntries, parseAuditQuery } from "@/lib/audit/audit-log";
import { readAdminPrincipal } from "@/lib/auth/admin-access";

export const dynamic = "force-dynamic";

export const GET = defineRoute(async (request) => {
  const query = parseAuditQuery(new URL(request.url).searchParams);
  const page = await listAuditEntries(await readAdminPrincipal(request), query);
  return json(200, page, { "cache-control": "no-store" });
});
