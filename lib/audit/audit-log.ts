// Reading the audit log: owners and admins of the organization, or its admin API keys, page through
// it newest first (keyset pagination on the entry id, so a page costs the same however deep it is).
// A project's log is its own entries and the organization-wide ones (members, organization keys);
// the organization's log is everything, and needs organization-wide access.
import "server-only";
import { type AdminPrincipal, assertAdminOfOrganization, projectForAdmin } from "../auth/admin-access";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import {
  type AuditAction,
  type AuditEntryView,
  type AuditPage,
  type AuditQuery,
  type AuditTargetType,
  auditQuerySchema,
} from "./schemas";

/** The API's query string: every parameter once, except `action`, which may repeat. */
export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  const single = Object.fromEntries([...params.keys()].filter((k) => k !== "action").map((k) => [k, params.get(k)]));
  return auditQuerySchema.parse({ ...single, action: params.getAll("action") });
}

async function scopeOf(admin: AdminPrincipal, { scope }: AuditQuery): Promise<Prisma.AuditEntryWhereInput> {
  if (scope.kind === "project") {
    const project = await projectForAdmin(admin, scope.id);
    return { organizationId: project.organizationId, OR: [{ projectId: project.id }, { projectId: null }] };
  }
  await assertAdminOfOrganization(admin, scope.id);
  return { organizationId: scope.id };
}

export async function listAuditEntries(admin: AdminPrincipal, query: AuditQuery): Promise<AuditPage> {
  const filters: Prisma.AuditEntryWhereInput[] = [await scopeOf(admin, query)];
  if (query.action.length > 0) filters.push({ action: { in: query.action } });
  if (query.actor_id) filters.push({ OR: [{ actorUserId: query.actor_id }, { actorKeyId: query.actor_id }] });
  if (query.cursor) filters.push({ id: { lt: BigInt(query.cursor) } });
  const rows = await getPrisma().auditEntry.findMany({
    where: { AND: filters },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map(toView),
    next_cursor: rows.length > query.limit ? String(page[page.length - 1]?.id) : null,
  };
}

function toView(row: Prisma.AuditEntryGetPayload<object>): AuditEntryView {
  return {
    id: String(row.id),
    occurred_at: row.occurredAt.toISOString(),
    organization_id: row.organizationId,
    project_id: row.projectId,
    actor: {
      kind: row.actorKind,
      user_id: row.actorUserId,
      email: row.actorEmail,
      key_id: row.actorKeyId,
      key_prefix: row.actorKeyPrefix,
    },
    action: row.action as AuditAction,
    target: { type: row.targetType as AuditTargetType, id: row.targetId },
    details: row.details as Record<string, unknown>,
    request_id: row.requestId,
  };
}

export interface AuditActorChoice {
  /** The person's user id or the key's id: the API's actor_id. */
  id: string;
  kind: "user" | "api_key";
  /** Their email, or the key's prefix. */
  label: string;
}

/** Everyone who appears as an actor in a project's log (the Audit log page's person filter), former members included. */
export async function listAuditActors(admin: AdminPrincipal, projectId: string): Promise<AuditActorChoice[]> {
  const project = await projectForAdmin(admin, projectId);
  const rows = await getPrisma().$queryRaw<{ id: string; kind: "user" | "api_key"; label: string | null }[]>`
    SELECT DISTINCT ON (COALESCE(actor_user_id, actor_key_id))
           COALESCE(actor_user_id, actor_key_id)::text AS id, actor_kind::text AS kind,
           COALESCE(actor_email, actor_key_prefix) AS label
    FROM audit_log
    WHERE organization_id = ${project.organizationId}::uuid AND actor_kind <> 'operator'
      AND (project_id = ${project.id}::uuid OR project_id IS NULL)
    ORDER BY COALESCE(actor_user_id, actor_key_id), id DESC
    LIMIT 500`;
  return rows
    .map((row) => ({ id: row.id, kind: row.kind, label: row.label ?? row.id }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
