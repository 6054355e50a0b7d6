// Who may administer a project or an organization through the API (embeds, the embed signing secret
// and revocations, the audit log, a person's data): a signed-in owner or admin of the organization,
// or an admin API key of that organization (the customer's backend). A key bound to a project
// administers that project only. Anyone else sees a 404 for another organization's project, as if it
// did not exist, and a 403 when they are a member without the role.
import "server-only";
import { z } from "zod";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { type AuthenticatedKey, authenticateApiKey, bearerToken } from "./api-keys";
import { assertRole } from "./roles";
import { requireUser } from "./session";

export type AdminPrincipal = { userId: string } | { key: AuthenticatedKey };

/** An admin key when the request presents one (Authorization: Bearer lma_…), else the signed-in user. */
export async function readAdminPrincipal(request: Request): Promise<AdminPrincipal> {
  const presented = bearerToken(request);
  return presented ? { key: await authenticateApiKey(presented, "admin") } : { userId: (await requireUser()).id };
}

/** Throws `missing` (a 404) for another organization's project, 403 for a member below admin. */
export async function assertAdminOfProject(
  admin: AdminPrincipal,
  project: { id: string; organizationId: string },
  missing: ApiError,
): Promise<void> {
  if ("key" in admin) {
    const { organizationId, projectId } = admin.key;
    if (organizationId !== project.organizationId || (projectId && projectId !== project.id)) throw missing;
    return;
  }
  await assertRole(admin.userId, project.organizationId, "admin").catch((error: unknown) => {
    throw error instanceof ApiError && error.code === "not_found" ? missing : error;
  });
}

/** The whole organization: owners and admins, and admin keys bound to no project (403 for one bound to a project). */
export async function assertAdminOfOrganization(admin: AdminPrincipal, organizationId: string): Promise<void> {
  const missing = new ApiError("not_found", "No such organization");
  if ("key" in admin) {
    if (admin.key.organizationId !== organizationId) throw missing;
    if (admin.key.projectId)
      throw new ApiError("forbidden", "This admin key is bound to one project: ask about that project instead");
    return;
  }
  await assertRole(admin.userId, organizationId, "admin");
}

const projectIdSchema = z.guid();

/** The project (id and organization) if this admin may manage it; 404 for a malformed or unknown id. */
export async function projectForAdmin(
  admin: AdminPrincipal,
  projectId: string,
): Promise<{ id: string; organizationId: string }> {
  const missing = new ApiError("not_found", "No such project");
  if (!projectIdSchema.safeParse(projectId).success) throw missing;
  const project = await getPrisma().project.findUnique({
    where: { id: projectId },
    select: { id: true, organizationId: true },
  });
  if (!project) throw missing;
  await assertAdminOfProject(admin, project, missing);
  return project;
}
