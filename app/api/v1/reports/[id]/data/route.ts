// GET /api/v1/reports/{id}/data?from&to&tz&segment: run every widget of a saved report (member or read key),
// in the reader's turn (lib/query/query-gate.ts).
import { z } from "zod";
import { defineRoute, json } from "@/lib/api/route";
import { authenticateReader } from "@/lib/auth/read-access";
import { ApiError } from "@/lib/errors";
import { principalOfReader, withQueryGate } from "@/lib/query/query-gate";
import { getReportData, parseReportDataParams } from "@/lib/reports/report-data";

export const GET = defineRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const reader = await authenticateReader(request);
  const id = z.guid().safeParse((await params).id);
  if (!id.success) throw new ApiError("not_found", "No such report in this organization");
  const options = parseReportDataParams(new URL(request.url).searchParams);
  const { principal, surface } = principalOfReader(reader, request);
  const data = await withQueryGate(principal, surface, (caller) => getReportData(reader, id.data, options, caller));
  return json(200, data, { "cache-control": "no-store" });
});
