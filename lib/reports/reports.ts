// Reports and widgets: every read checks membership, every change needs the analyst role or higher.
// Every change of positions leaves a packed layout (lib/reports/layout.ts): nothing overlaps.
import "server-only";
import { randomUUID } from "node:crypto";
import { assertRole, getRoleOrThrow } from "../auth/roles";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError } from "../errors";
import { assertSegmentOfProject } from "../segments/segments";
import type { Role } from "../workspace/schemas";
import { findOverlap, firstFreeSlot, indexOf, insert, normalize, orderIndexAt, type Placed, type Size } from "./layout";
import { type Grid, layoutSchema, reportInputSchema, widgetInputSchema, widgetPatchSchema } from "./schemas";

const notFound = () => new ApiError("not_found", "No such report");

async function projectOrThrow(projectId: string) {
  const project = await getPrisma().project.findUnique({ where: { id: projectId } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project;
}

/** The report if the user is a member of its organization (404 otherwise), with the user's role. */
export async function getReportForUser(userId: string, reportId: string) {
  const report = await getPrisma().report.findUnique({
    where: { id: reportId },
    include: { widgets: { orderBy: [{ gridY: "asc" }, { gridX: "asc" }, { createdAt: "asc" }, { id: "asc" }] } },
  });
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

export async function listReports(
  userId: string,
  projectId: string,
): Promise<{ role: Role; reports: { id: string; name: string; updatedAt: Date; widgets: number }[] }> {
  const project = await projectOrThrow(projectId);
  const role = await getRoleOrThrow(userId, project.organizationId);
  const reports = await getPrisma().report.findMany({
    where: { organizationId: project.organizationId, projectId },
    orderBy: { updatedAt: "desc" },
    include: { _count: { select: { widgets: true } } },
  });
  return {
    role,
    reports: reports.map((r) => ({ id: r.id, name: r.name, updatedAt: r.updatedAt, widgets: r._count.widgets })),
  };
}

export async function createReport(userId: string, projectId: string, input: unknown) {
  const data = reportInputSchema.parse(input);
  const project = await projectOrThrow(projectId);
  await assertRole(userId, project.organizationId, "analyst");
  return getPrisma().report.create({
    data: { organizationId: project.organizationId, projectId, name: data.name, description: data.description ?? null },
  });
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

type Tx = Parameters<Parameters<ReturnType<typeof getPrisma>["$transaction"]>[0]>[0];
type GridRow = { id: string; gridX: number; gridY: number; gridW: number; gridH: number };

const placedOf = (w: GridRow): Placed => ({ id: w.id, grid: { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH } });
const gridData = (grid: Grid) => ({ gridX: grid.x, gridY: grid.y, gridW: grid.w, gridH: grid.h });
const defaultSize = (viz: { type: string }): Size => (viz.type === "metric" ? { w: 3, h: 2 } : { w: 6, h: 4 });

/**
 * Changes a report's layout with its row locked, so concurrent changes (two widgets added at once)
 * each start from the other's result. `change` gets the widgets' current grids and returns the new
 * layout for them (and for any widget it creates); only grids that moved are written.
 */
async function changeLayout<T>(
  reportId: string,
  change: (layout: Placed[], tx: Tx) => Promise<{ layout: Placed[]; result: T }>,
): Promise<T> {
  return getPrisma().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM reports WHERE id = ${reportId}::uuid FOR UPDATE`;
    const widgets = await tx.widget.findMany({
      where: { reportId },
      select: { id: true, gridX: true, gridY: true, gridW: true, gridH: true },
    });
    const before = new Map(widgets.map((w) => [w.id, placedOf(w).grid]));
    const { layout, result } = await change(widgets.map(placedOf), tx);
    for (const { id, grid } of layout) {
      const old = before.get(id);
      if (old && (old.x !== grid.x || old.y !== grid.y || old.w !== grid.w || old.h !== grid.h))
        await tx.widget.update({ where: { id }, data: gridData(grid) });
    }
    await tx.report.update({ where: { id: reportId }, data: { updatedAt: new Date() } });
    return result;
  });
}

/** Adds a widget: at the given grid's place in the order when there is one, else in the first free slot of the grid where it fits. */
export async function addWidget(userId: string, reportId: string, input: unknown) {
  const data = widgetInputSchema.parse(input);
  const { report } = await editableReport(userId, reportId);
  await assertSegmentOfProject(report, data.query.segment, "query.segment");
  const id = randomUUID();
  const size = data.grid ? { w: data.grid.w, h: data.grid.h } : defaultSize(data.viz);
  return changeLayout(reportId, async (current, tx) => {
    const index = data.grid ? orderIndexAt(current, data.grid) : firstFreeSlot(current, size).index;
    const layout = insert(current, { id, size }, index);
    const grid = layout.find((p) => p.id === id)!.grid;
    const widget = await tx.widget.create({
      data: {
        id,
        organizationId: report.organizationId,
        reportId,
        title: data.title,
        query: data.query as Prisma.InputJsonValue,
        viz: data.viz,
        ...gridData(grid),
      },
    });
    return { layout, result: widget };
  });
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
  const widget = await editableWidget(userId, widgetId);
  if (data.query?.segment) {
    const report = await getPrisma().report.findUniqueOrThrow({
      where: { id: widget.reportId },
      select: { organizationId: true, projectId: true },
    });
    await assertSegmentOfProject(report, data.query.segment, "query.segment");
  }
  const fields = {
    ...(data.title !== undefined ? { title: data.title } : {}),
    ...(data.query !== undefined ? { query: data.query as Prisma.InputJsonValue } : {}),
    ...(data.viz !== undefined ? { viz: data.viz } : {}),
  };
  const grid = data.grid;
  if (!grid) return getPrisma().widget.update({ where: { id: widgetId }, data: fields });
  // A new grid moves the widget to that place in the order; the others make room.
  return changeLayout(widget.reportId, async (current, tx) => {
    const others = current.filter((p) => p.id !== widgetId);
    const layout = insert(others, { id: widgetId, size: { w: grid.w, h: grid.h } }, orderIndexAt(others, grid));
    return { layout, result: await tx.widget.update({ where: { id: widgetId }, data: fields }) };
  });
}

/** Deletes a widget; those after it move up into its place. */
export async function deleteWidget(userId: string, widgetId: string): Promise<void> {
  const widget = await editableWidget(userId, widgetId);
  await changeLayout(widget.reportId, async (current, tx) => {
    await tx.widget.delete({ where: { id: widgetId } });
    return { layout: normalize(current.filter((p) => p.id !== widgetId)), result: undefined };
  });
}

/** A copy of the widget, placed right after it. */
export async function duplicateWidget(userId: string, widgetId: string) {
  const widget = await editableWidget(userId, widgetId);
  const id = randomUUID();
  return changeLayout(widget.reportId, async (current, tx) => {
    const layout = insert(current, { id, size: { w: widget.gridW, h: widget.gridH } }, indexOf(current, widgetId) + 1);
    const copy = await tx.widget.create({
      data: {
        id,
        organizationId: widget.organizationId,
        reportId: widget.reportId,
        title: `${widget.title} (copy)`,
        query: widget.query as Prisma.InputJsonValue,
        viz: widget.viz as Prisma.InputJsonValue,
        ...gridData(layout.find((p) => p.id === id)!.grid),
      },
    });
    return { layout, result: copy };
  });
}

/**
 * Saves the grid after a move or resize: the positions of this report's widgets at once. Widgets the
 * request leaves out (added meanwhile by someone else) keep their place in the order, and the whole
 * layout is placed again so nothing overlaps.
 */
export async function saveLayout(userId: string, reportId: string, input: unknown): Promise<void> {
  const { widgets } = layoutSchema.parse(input);
  await editableReport(userId, reportId);
  const overlap = findOverlap(widgets);
  if (overlap)
    throw new ApiError("invalid_request", `widgets: ${overlap[0]} and ${overlap[1]} overlap`, [
      { path: "widgets", message: "Two widgets overlap" },
    ]);
  await changeLayout(reportId, async (current) => {
    const own = new Set(current.map((p) => p.id));
    if (widgets.some((w) => !own.has(w.id)))
      throw new ApiError("invalid_request", "widgets: every id must be a widget of this report");
    const requested = new Map(widgets.map((w) => [w.id, w.grid]));
    return {
      layout: normalize(current.map((p) => ({ id: p.id, grid: requested.get(p.id) ?? p.grid }))),
      result: undefined,
    };
  });
}
