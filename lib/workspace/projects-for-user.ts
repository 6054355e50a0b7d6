// The projects a signed-in person can see, with their role in each project's organization.
import "server-only";
import { getPrisma } from "../db/client";
import type { Role } from "./schemas";

export async function listProjectsForUser(userId: string) {
  const memberships = await getPrisma().membership.findMany({
    where: { userId },
    include: { organization: { include: { projects: { orderBy: { createdAt: "asc" } } } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({ organization: { id: m.organization.id, name: m.organization.name }, role: m.role, projects: m.organization.projects }));
}

/** The project and the user's role, or null when they are not a member of its organization. */
export async function getProjectForUser(userId: string, projectId: string): Promise<{ project: { id: string; name: string; timezone: string; organizationId: string }; role: Role } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(projectId)) return null;
  const project = await getPrisma().project.findUnique({ where: { id: projectId } });
  if (!project) return null;
  const membership = await getPrisma().membership.findUnique({ where: { organizationId_userId: { organizationId: project.organizationId, userId } } });
  return membership ? { project, role: membership.role } : null;
}
