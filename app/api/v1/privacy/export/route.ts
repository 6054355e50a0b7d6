// GET /api/v1/privacy/export?project_id=…&user_id=…|anonymous_id=…: a tracked person's events as
// NDJSON, streamed (GDPR access and portability), for an admin API key of the organization or a
// signed-in owner/admin; recorded in the audit log before the first row is sent.
import { defineRoute } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { exportPersonForAdmin, personExportQuerySchema } from "@/lib/privacy/export";

export const dynamic = "force-dynamic";

export const GET = defineRoute(async (request) => {
  const query = personExportQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { filename, body } = await exportPersonForAdmin(await readAdminPrincipal(request), query);
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
