// GET /api/v1/privacy/deletions/{id}: where a person's deletion job is (pending, running, done or
// failed), with the events it deleted and its times; for whoever may administer its project.
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { getDeletionJob } from "@/lib/privacy/deletion-requests";

type Context = { params: Promise<{ id: string }> };

export const dynamic = "force-dynamic";

export const GET = defineRoute<Context>(async (request, { params }) => {
  return json(200, await getDeletionJob(await readAdminPrincipal(request), (await params).id));
});
