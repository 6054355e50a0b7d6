// The projects a signed-in person can see, with their role in each project's organization. Only the
// columns pages show: never the embed secret (lib/embed/signing-secret.ts).
import "server-only";
import { getPrisma } from "../db/client";
import { isUuid } from "../uuid";
import type { Role } from "./schemas";

const projectColumns = { id: true, name: true, timezone: true, organizationId: true } as const;

export async function listProjectsForUser(userId: string) {
  const memberships = await getPrisma().membership.findMany({
    where: { userId },
    include: { organization: { include: { projects: { select: projectColumns, orderBy: { createdAt: "asc" } } } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    organization: { id: m.organization.id, name: m.organization.name },
    role: m.role,
    projects: m.organization.projects,
  }));
}

/** The project and the user's role, or null when they are not a member of its organization. */
export async function getProjectForUser(
  userId: string,
  projectId: string,
): Promise<{ project: { id: string; name: string; timezone: string; organizationId: string }; role: Role } | null> {
  if (!isUuid(projectId)) return null;
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: projectColumns });
  if (!project) return null;
  const membership = await getPrisma().membership.findUnique({
    where: { organizationId_userId: { organizationId: project.organizationId, userId } },
  });
  return membership ? { project, role: membership.role } : null;
}
