// Reports and widgets: every read checks membership, every change needs the analyst role or higher.
import "server-only";
import type { Prisma } from "../db/generated/client";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { assertRole, getRoleOrThrow } from "../auth/roles";
import type { Role } from "../workspace/schemas";
import { gridSchema, layoutSchema, reportInputSchema, widgetInputSchema, widgetPatchSchema, type Grid } from "./schemas";

const notFound = () => new ApiError("not_found", "No such report");

async function projectOrThrow(projectId: string) {
  const project = await getPrisma().project.findUnique({ where: { id: projectId } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project;
}

/** The report if the user is a member of its organization (404 otherwise), with the user's role. */
export async function getReportForUser(userId: string, reportId: string) {
  const report = await getPrisma().report.findUnique({ where: { id: reportId }, include: { widgets: { orderBy: [{ gridY: "asc" }, { gridX: "asc" }] } } });
  if (!report) throw notFound();
  const role = await getRoleOrThrow(userId, report.organizationId).catch(() => {
    throw notFound();
  });
  return { report, role };
}

async function editableReport(userId: string, reportId: string) {
  const { report, role } = await getReportForUser(userId, reportId);
  await assertRole(userId, report.organizationId, "analyst");
  return { report, role };
}

export async function listReports(userId: string, projectId: string): Promise<{ role: Role; reports: { id: string; name: string; updatedAt: Date; widgets: number }[] }> {
  const project = await projectOrThrow(projectId);
  const role = await getRoleOrThrow(userId, project.organizationId);
  const reports = await getPrisma().report.findMany({
    where: { organizationId: project.organizationId, projectId },
    orderBy: { updatedAt: "desc" },
    include: { _count: { select: { widgets: true } } },
  });
  return { role, reports: reports.map((r) => ({ id: r.id, name: r.name, updatedAt: r.updatedAt, widgets: r._count.widgets })) };
}

export async function createReport(userId: string, projectId: string, input: unknown) {
  const data = reportInputSchema.parse(input);
  const project = await projectOrThrow(projectId);
  await assertRole(userId, project.organizationId, "analyst");
  return getPrisma().report.create({ data: { organizationId: project.organizationId, projectId, name: data.name, description: data.description ?? null } });
}

export async function updateReport(userId: string, reportId: string, input: unknown) {
  const data = reportInputSchema.partial().parse(input);
  await editableReport(userId, reportId);
  return getPrisma().report.update({ where: { id: reportId }, data });
}

export async function deleteReport(userId: string, reportId: string): Promise<void> {
  await editableReport(userId, reportId);
  await getPrisma().report.delete({ where: { id: reportId } });
}

/** The first free row below the existing widgets. */
function nextGrid(widgets: { gridY: number; gridH: number }[], size: { w: number; h: number }): Grid {
  const bottom = widgets.reduce((max, w) => Math.max(max, w.gridY + w.gridH), 0);
  return gridSchema.parse({ x: 0, y: bottom, ...size });
}

export async function addWidget(userId: string, reportId: string, input: unknown) {
  const data = widgetInputSchema.parse(input);
  const { report } = await editableReport(userId, reportId);
  const grid = data.grid ?? nextGrid(report.widgets, { w: data.viz.type === "metric" ? 3 : 6, h: data.viz.type === "metric" ? 2 : 4 });
  const [widget] = await getPrisma().$transaction([
    getPrisma().widget.create({
      data: { organizationId: report.organizationId, reportId, title: data.title, query: data.query as Prisma.InputJsonValue, viz: data.viz, gridX: grid.x, gridY: grid.y, gridW: grid.w, gridH: grid.h },
    }),
    getPrisma().report.update({ where: { id: reportId }, data: { updatedAt: new Date() } }),
  ]);
  return widget;
}

async function editableWidget(userId: string, widgetId: string) {
  const widget = await getPrisma().widget.findUnique({ where: { id: widgetId } });
  if (!widget) throw new ApiError("not_found", "No such widget");
  await editableReport(userId, widget.reportId).catch((error: unknown) => {
    throw error instanceof ApiError && error.code === "not_found" ? new ApiError("not_found", "No such widget") : error;
  });
  return widget;
}

export async function updateWidget(userId: string, widgetId: string, input: unknown) {
  const data = widgetPatchSchema.parse(input);
  await editableWidget(userId, widgetId);
  return getPrisma().widget.update({
    where: { id: widgetId },
    data: {
      ...(data.title !== undefined ? { title: data.title } : {}),
      ...(data.query !== undefined ? { query: data.query as Prisma.InputJsonValue } : {}),
      ...(data.viz !== undefined ? { viz: data.viz } : {}),
      ...(data.grid ? { gridX: data.grid.x, gridY: data.grid.y, gridW: data.grid.w, gridH: data.grid.h } : {}),
    },
  });
}

export async function deleteWidget(userId: string, widgetId: string): Promise<void> {
  await editableWidget(userId, widgetId);
  await getPrisma().widget.delete({ where: { id: widgetId } });
}

export async function duplicateWidget(userId: string, widgetId: string) {
  const widget = await editableWidget(userId, widgetId);
  const siblings = await getPrisma().widget.findMany({ where: { reportId: widget.reportId }, select: { gridY: true, gridH: true } });
  const grid = nextGrid(siblings, { w: widget.gridW, h: widget.gridH });
  return getPrisma().widget.create({
    data: {
      organizationId: widget.organizationId,
      reportId: widget.reportId,
      title: `${widget.title} (copy)`,
      query: widget.query as Prisma.InputJsonValue,
      viz: widget.viz as Prisma.InputJsonValue,
      gridX: grid.x,
      gridY: grid.y,
      gridW: grid.w,
      gridH: grid.h,
    },
  });
}

/** Saves the grid after a drag or resize: all positions at once, only for this report's widgets. */
export async function saveLayout(userId: string, reportId: string, input: unknown): Promise<void> {
  const { widgets } = layoutSchema.parse(input);
  const { report } = await editableReport(userId, reportId);
  const own = new Set(report.widgets.map((w) => w.id));
  if (widgets.some((w) => !own.has(w.id))) throw new ApiError("invalid_request", "widgets: every id must be a widget of this report");
  await getPrisma().$transaction(
    widgets.map((w) => getPrisma().widget.update({ where: { id: w.id }, data: { gridX: w.grid.x, gridY: w.grid.y, gridW: w.grid.w, gridH: w.grid.h } })),
  );
}
