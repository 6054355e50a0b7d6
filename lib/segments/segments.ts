// Saved segments of a project: any member (or a read key of the organization) reads them; owners,
// admins and analysts create, edit and delete them, each change audited in its own transaction.
// A segment still in use (a widget's query, an alert rule's, a live embed's lock) is not deleted:
// a 409 lists its users. Detaching instead would silently widen what a locked embed shows and
// what an alert watches; a customer-signed token naming a deleted segment is refused (400) instead.
import "server-only";
import { recordAudit, settingsChanges, userActor } from "../audit/record";
import { type Reader, readableProjectOrganization } from "../auth/read-access";
import { assertRole, getRoleOrThrow, hasRole } from "../auth/roles";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError, type ErrorDetail } from "../errors";
import type { Filter } from "../query/schemas";
import { type SegmentView, segmentCreateSchema, segmentUpdateSchema } from "./schemas";

interface SegmentRow {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  filters: Prisma.JsonValue;
  createdAt: Date;
  updatedAt: Date;
}

function viewOf(row: SegmentRow): SegmentView {
  return {
    id: row.id,
    project_id: row.projectId,
    name: row.name,
    description: row.description,
    filters: row.filters as Filter[],
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const missingSegment = () => new ApiError("not_found", "No such segment in this project");
const nameTaken = (name: string) =>
  new ApiError("conflict", `A segment named "${name}" already exists in this project`, [
    { path: "name", message: "already used by another segment of this project" },
  ]);

type Tx = Prisma.TransactionClient;

async function assertNameFree(tx: Tx, organizationId: string, projectId: string, name: string): Promise<void> {
  const taken = await tx.segment.findFirst({ where: { organizationId, projectId, name }, select: { id: true } });
  if (taken) throw nameTaken(name);
}

/** PostgreSQL's unique violation, as Prisma reports it: two requests taking the same name at once. */
const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === "P2002";

async function projectOrganization(projectId: string): Promise<string> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project.organizationId;
}

/** The organization, when the user may change the project's segments (analyst+); another organization's project is a 404. */
async function editableProject(userId: string, projectId: string): Promise<string> {
  const organizationId = await projectOrganization(projectId);
  await assertRole(userId, organizationId, "analyst");
  return organizationId;
}

/** The project's segments, and whether the reader may change them (a read key never does). */
export async function listSegments(
  reader: Reader,
  projectId: string,
): Promise<{ segments: SegmentView[]; can_edit: boolean }> {
  const organizationId = await readableProjectOrganization(reader, projectId);
  const rows = await getPrisma().segment.findMany({
    where: { organizationId, projectId },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const canEdit = reader.kind === "user" && hasRole(await getRoleOrThrow(reader.userId, organizationId), "analyst");
  return { segments: rows.map(viewOf), can_edit: canEdit };
}

export async function getSegment(reader: Reader, projectId: string, segmentId: string): Promise<SegmentView> {
  const organizationId = await readableProjectOrganization(reader, projectId);
  const row = await getPrisma().segment.findFirst({ where: { id: segmentId, organizationId, projectId } });
  if (!row) throw missingSegment();
  return viewOf(row);
}

export async function createSegment(userId: string, projectId: string, input: unknown): Promise<SegmentView> {
  const data = segmentCreateSchema.parse(input);
  const organizationId = await editableProject(userId, projectId);
  try {
    return await getPrisma().$transaction(async (tx) => {
      await assertNameFree(tx, organizationId, projectId, data.name);
      const row = await tx.segment.create({
        data: {
          organizationId,
          projectId,
          name: data.name,
          description: data.description || null,
          filters: data.filters as Prisma.InputJsonValue,
          createdBy: userId,
        },
      });
      // Filter values are event data (a customer's id, say): the entry keeps the name and how many.
      await recordAudit(tx, {
        organizationId,
        projectId,
        actor: userActor(userId),
        action: "segment.created",
        target: { type: "segment", id: row.id },
        details: { name: row.name, filters: data.filters.length },
      });
      return viewOf(row);
    });
  } catch (error) {
    throw isUniqueViolation(error) ? nameTaken(data.name) : error;
  }
}

export async function updateSegment(
  userId: string,
  projectId: string,
  segmentId: string,
  input: unknown,
): Promise<SegmentView> {
  const data = segmentUpdateSchema.parse(input);
  const organizationId = await editableProject(userId, projectId);
  try {
    return await getPrisma().$transaction(async (tx) => {
      const before = await tx.segment.findFirst({ where: { id: segmentId, organizationId, projectId } });
      if (!before) throw missingSegment();
      if (data.name !== undefined && data.name !== before.name)
        await assertNameFree(tx, organizationId, projectId, data.name);
      const row = await tx.segment.update({
        where: { id: segmentId },
        data: {
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.description !== undefined ? { description: data.description || null } : {}),
          ...(data.filters !== undefined ? { filters: data.filters as Prisma.InputJsonValue } : {}),
        },
      });
      const version = (r: SegmentRow) => ({
        name: r.name,
        description: r.description,
        filters: JSON.stringify(r.filters),
      });
      const changes = settingsChanges(version(before), version(row), {
        name: "value",
        description: "value",
        filters: "secret",
      });
      if (Object.keys(changes).length)
        await recordAudit(tx, {
          organizationId,
          projectId,
          actor: userActor(userId),
          action: "segment.updated",
          target: { type: "segment", id: row.id },
          details: { name: row.name, changes },
        });
      return viewOf(row);
    });
  } catch (error) {
    throw isUniqueViolation(error) && data.name !== undefined ? nameTaken(data.name) : error;
  }
}

/** What names the segment: report widgets, alert rules, and Lumen-issued embeds not revoked or expired. */
async function segmentUsers(tx: Tx, organizationId: string, projectId: string, segmentId: string) {
  // One after another: the transaction's queries share its one connection.
  const widgets = await tx.$queryRaw<{ id: string; title: string; report: string }[]>`
      SELECT w.id, w.title, r.name AS report FROM widgets w
        JOIN reports r ON r.organization_id = w.organization_id AND r.id = w.report_id
       WHERE w.organization_id = ${organizationId}::uuid AND r.project_id = ${projectId}::uuid
         AND w.query->>'segment' = ${segmentId}
       ORDER BY r.name, w.title`;
  const rules = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT id, name FROM alert_rules
       WHERE organization_id = ${organizationId}::uuid AND project_id = ${projectId}::uuid
         AND definition->'query'->>'segment' = ${segmentId}
       ORDER BY name`;
  const embeds = await tx.$queryRaw<{ id: string; scope: string }[]>`
      SELECT id, scope FROM embed_tokens
       WHERE organization_id = ${organizationId}::uuid AND project_id = ${projectId}::uuid
         AND params->>'segment' = ${segmentId}
         AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       ORDER BY created_at`;
  return [
    ...widgets.map(
      (w): ErrorDetail => ({ path: `widgets.${w.id}`, message: `widget "${w.title}" of report "${w.report}"` }),
    ),
    ...rules.map((r): ErrorDetail => ({ path: `alert_rules.${r.id}`, message: `alert rule "${r.name}"` })),
    ...embeds.map((e): ErrorDetail => ({ path: `embeds.${e.id}`, message: `a ${e.scope} embed locked to it` })),
  ];
}

export async function deleteSegment(userId: string, projectId: string, segmentId: string): Promise<void> {
  const organizationId = await editableProject(userId, projectId);
  await getPrisma().$transaction(async (tx) => {
    const [segment] = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT id, name FROM segments
       WHERE id = ${segmentId}::uuid AND organization_id = ${organizationId}::uuid AND project_id = ${projectId}::uuid
       FOR UPDATE`;
    if (!segment) throw missingSegment();
    const users = await segmentUsers(tx, organizationId, projectId, segmentId);
    if (users.length)
      throw new ApiError(
        "conflict",
        `Segment "${segment.name}" is in use by ${users.length} ${users.length === 1 ? "item" : "items"}: remove it from them first`,
        users,
      );
    await tx.segment.delete({ where: { id: segmentId } });
    await recordAudit(tx, {
      organizationId,
      projectId,
      actor: userActor(userId),
      action: "segment.deleted",
      target: { type: "segment", id: segmentId },
      details: { name: segment.name },
    });
  });
}

/**
 * Refuses a saved query, alert rule or embed naming a segment its project does not have (a 400 at
 * the given path), so a missing segment is found when it is saved rather than when it runs.
 */
export async function assertSegmentOfProject(
  tenant: { organizationId: string; projectId: string },
  segmentId: string | undefined,
  path: string,
): Promise<void> {
  if (segmentId === undefined) return;
  const found = await getPrisma().segment.findFirst({
    where: { id: segmentId, organizationId: tenant.organizationId, projectId: tenant.projectId },
    select: { id: true },
  });
  if (!found)
    throw new ApiError("invalid_request", `${path}: No such segment in this project`, [
      { path, message: "No such segment in this project" },
    ]);
}
