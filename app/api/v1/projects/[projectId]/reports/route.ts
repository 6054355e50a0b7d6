// GET/POST /api/v1/projects/{projectId}/reports: list a project's reports, create one (analyst+),
// optionally from a template ({ template: "traffic" | "signup_funnel" | "weekly_retention" | "user_paths" }).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { createReport, listReports } from "@/lib/reports/reports";
import { createReportFromTemplate } from "@/lib/reports/templates";

type Context = { params: Promise<{ projectId: string }> };

export const GET = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  return json(200, await listReports(user.id, (await params).projectId));
});

export const POST = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  const { projectId } = await params;
  const body = (await readAppBody(request)) as { template?: unknown };
  const report =
    body.template !== undefined
      ? await createReportFromTemplate(user.id, projectId, body.template)
      : await createReport(user.id, projectId, body);
  return json(201, report);
});
