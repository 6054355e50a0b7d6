// GET /api/v1/reports/{id}/data?from&to&tz: run every widget of a saved report (member or read key).
import { z } from "zod";
import { defineRoute, json } from "@/lib/api/route";
import { authenticateReader } from "@/lib/auth/read-access";
import { ApiError } from "@/lib/errors";
import { getReportData, parseReportDataParams } from "@/lib/reports/report-data";

export const GET = defineRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const reader = await authenticateReader(request);
  const id = z.guid().safeParse((await params).id);
  if (!id.success) throw new ApiError("not_found", "No such report in this organization");
  const data = await getReportData(reader, id.data, parseReportDataParams(new URL(request.url).searchParams));
  return json(200, data, { "cache-control": "no-store" });
});
