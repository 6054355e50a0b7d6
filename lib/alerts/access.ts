// Who may do what with a project's alerts, decided on the server for every request:
//   - an admin API key of the project's organization (bound to no project or to this one), and
//     signed-in owners and admins: everything (rules, channels, tests);
//   - analysts: read, create rules, and edit, mute or delete the rules they created;
//   - viewers: read.
// Channel settings (URLs, addresses) are shown to managers only, and a webhook's secret only once.
// Another organization's project looks missing (404); a member without the role gets a 403.
import "server-only";
import { type AuthenticatedKey, authenticateApiKey, bearerToken } from "../auth/api-keys";
import { getRoleOrThrow, hasRole } from "../auth/roles";
import { requireUser } from "../auth/session";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { isUuid } from "../uuid";
import type { Role } from "../workspace/schemas";

export type AlertActor = { key: AuthenticatedKey } | { userId: string };

export interface ProjectAccess {
  organizationId: string;
  projectId: string;
  /** The signed-in user, or null for an admin key. */
  userId: string | null;
  /** An admin key counts as admin. */
  role: Role;
}

/** An admin key when the request presents one (Authorization: Bearer lma_…), else the signed-in user. */
export async function readAlertActor(request: Request): Promise<AlertActor> {
  const presented = bearerToken(request);
  return presented ? { key: await authenticateApiKey(presented, "admin") } : { userId: (await requireUser()).id };
}

const missingProject = () => new ApiError("not_found", "No such project");

export async function projectAccess(actor: AlertActor, projectId: unknown): Promise<ProjectAccess> {
  if (!isUuid(projectId)) throw missingProject();
  const project = await getPrisma().project.findUnique({
    where: { id: projectId },
    select: { id: true, organizationId: true },
  });
  if (!project) throw missingProject();
  if ("key" in actor) {
    const { organizationId, projectId: keyProject } = actor.key;
    if (organizationId !== project.organizationId || (keyProject && keyProject !== project.id)) throw missingProject();
    return { organizationId, projectId: project.id, userId: null, role: "admin" };
  }
  const role = await getRoleOrThrow(actor.userId, project.organizationId).catch(() => {
    throw missingProject();
  });
  return { organizationId: project.organizationId, projectId: project.id, userId: actor.userId, role };
}

export function canManageAlerts(access: ProjectAccess): boolean {
  return hasRole(access.role, "admin");
}

export function assertCanManageAlerts(access: ProjectAccess): void {
  if (!canManageAlerts(access))
    throw new ApiError("forbidden", `Managing alert channels needs the admin role or higher; you are ${access.role}`);
}

export function assertCanCreateRule(access: ProjectAccess): void {
  if (!hasRole(access.role, "analyst"))
    throw new ApiError("forbidden", `Creating alert rules needs the analyst role or higher; you are ${access.role}`);
}

export function canEditRule(access: ProjectAccess, createdBy: string | null): boolean {
  return canManageAlerts(access) || (access.role === "analyst" && createdBy !== null && createdBy === access.userId);
}

export function assertCanEditRule(access: ProjectAccess, createdBy: string | null): void {
  if (!canEditRule(access, createdBy))
    throw new ApiError(
      "forbidden",
      access.role === "analyst"
        ? "Analysts may change only the alert rules they created"
        : `Changing alert rules needs the analyst role or higher; you are ${access.role}`,
    );
}
