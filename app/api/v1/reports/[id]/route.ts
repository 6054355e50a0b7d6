// GET/PATCH/DELETE /api/v1/reports/{id}: a report with its widgets; rename or delete it (analyst+).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { deleteReport, getReportForUser, updateReport } from "@/lib/reports/reports";

type Context = { params: Promise<{ id: string }> };

export const GET = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  return json(200, await getReportForUser(user.id, (await params).id));
});

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  return json(200, await updateReport(user.id, (await params).id, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  await deleteReport(user.id, (await params).id);
  return new Response(null, { status: 204 });
});
