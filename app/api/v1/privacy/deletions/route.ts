// POST /api/v1/privacy/deletions { project_id, user_id | anonymous_id }: queues the deletion of a
// tracked person's data (202 with the job; the person's job still waiting if there is one).
// GET /api/v1/privacy/deletions?project_id=…[&limit&cursor]: the project's jobs, newest first.
// Owners and admins signed in, or an admin API key of the organization.
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { listDeletionJobs, requestPersonDeletion } from "@/lib/privacy/deletion-requests";

export const dynamic = "force-dynamic";

export const POST = defineRoute(async (request) => {
  const admin = await readAdminPrincipal(request);
  const { job } = await requestPersonDeletion(admin, await readAppBody(request));
  return json(202, job, { location: `/api/v1/privacy/deletions/${job.id}` });
});

export const GET = defineRoute(async (request) => {
  const admin = await readAdminPrincipal(request);
  return json(200, await listDeletionJobs(admin, Object.fromEntries(new URL(request.url).searchParams)));
});
