// Runs every widget of a saved report with one range and time zone.
import "server-only";
import { z } from "zod";
import { type Reader, readableProjectOrganization } from "../auth/read-access";
import { getPrisma } from "../db/client";
import { ApiError, invalidRequest } from "../errors";
import { runQuery } from "../query/run-query";
import { type QueryRange, queryDefinitionSchema, rangeSchema, segmentIdSchema, timezoneSchema } from "../query/schemas";
import type { QueryCaller } from "../query/surfaces";

export const reportDataParamsSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  tz: timezoneSchema.optional(),
  /** A segment applied to every widget, ANDed with each widget's own filters and segment. */
  segment: segmentIdSchema.optional(),
});

export interface ReportDataOptions {
  range?: QueryRange;
  timezone?: string;
  segment?: string;
}

export function parseReportDataParams(searchParams: URLSearchParams): ReportDataOptions {
  const params = reportDataParamsSchema.safeParse(Object.fromEntries(searchParams));
  if (!params.success) throw invalidRequest(params.error.issues);
  const { from, to, tz, segment } = params.data;
  if (!from && !to) return { timezone: tz, segment };
  const range = rangeSchema.safeParse({ from, to });
  if (!range.success) throw invalidRequest(range.error.issues);
  return { range: range.data, timezone: tz, segment };
}

/** A widget's refusal (over budget, timed out) names the widget: the range applies to all of them. */
function forWidget(error: unknown, index: number, title: string): unknown {
  if (!(error instanceof ApiError)) return error;
  const details = error.details?.map((d) => ({ path: `widgets[${index}].${d.path}`, message: d.message }));
  return new ApiError(error.code, `Widget "${title}": ${error.message}`, details, error.headers);
}

export async function getReportData(reader: Reader, reportId: string, options: ReportDataOptions, caller: QueryCaller) {
  const report = await getPrisma().report.findUnique({
    where: { id: reportId },
    include: { widgets: { orderBy: [{ gridY: "asc" }, { gridX: "asc" }] } },
  });
  const notFound = new ApiError("not_found", "No such report in this organization");
  if (!report) throw notFound;
  const organizationId = await readableProjectOrganization(reader, report.projectId).catch(() => {
    throw notFound;
  });
  const widgets = await Promise.all(
    report.widgets.map(async (widget, index) => {
      const query = queryDefinitionSchema.safeParse(widget.query);
      if (!query.success)
        return {
          id: widget.id,
          title: widget.title,
          error: { code: "invalid_query", message: query.error.issues[0]?.message ?? "Invalid query" },
        };
      const result = await runQuery({
        organizationId,
        projectId: report.projectId,
        query: query.data,
        ...options,
        ...caller,
      }).catch((error: unknown) => {
        throw forWidget(error, index, widget.title);
      });
      return { id: widget.id, title: widget.title, ...result };
    }),
  );
  return { report: { id: report.id, name: report.name, project_id: report.projectId }, widgets };
}
