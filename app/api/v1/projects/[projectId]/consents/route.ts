// GET /api/v1/projects/{projectId}/consents?user_id=… (or ?anonymous_id=…): that person's consent
// trail, oldest first (owner/admin signed in, or an admin API key of the organization).
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { invalidRequest } from "@/lib/errors";
import { listConsentTrail } from "@/lib/privacy/consent";
import { personQuerySchema } from "@/lib/privacy/schemas";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const admin = await readAdminPrincipal(request);
  const parsed = personQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    throw invalidRequest([{ path: ["user_id"], message: "give exactly one of user_id or anonymous_id" }]);
  const person = parsed.data.user_id ? { userId: parsed.data.user_id } : { anonymousId: parsed.data.anonymous_id! };
  return json(200, { records: await listConsentTrail(admin, (await params).projectId, person) });
});
