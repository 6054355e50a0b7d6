// Who may manage a project's embeds, its embed signing secret and its revocations: a signed-in owner
// or admin of the project's organization, or an admin API key of that organization (the customer's
// backend), when the key is bound to no project or to this one. Anyone else sees a 404 for a project
// of another organization, as if it did not exist, and a 403 when they are a member without the role.
import { z } from "zod";
import { type AuthenticatedKey, authenticateApiKey, bearerToken } from "../auth/api-keys";
import { assertRole } from "../auth/roles";
import { requireUser } from "../auth/session";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";

export type EmbedAdmin = { userId: string } | { key: AuthenticatedKey };

/** An admin key when the request presents one (Authorization: Bearer lma_…), else the signed-in user. */
export async function readEmbedAdmin(request: Request): Promise<EmbedAdmin> {
  const presented = bearerToken(request);
  return presented ? { key: await authenticateApiKey(presented, "admin") } : { userId: (await requireUser()).id };
}

/** Throws `missing` (a 404) for another organization's project, 403 for a member below admin. */
export async function assertEmbedAdmin(
  admin: EmbedAdmin,
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

const projectIdSchema = z.guid();

/** The project (id and organization) if this admin may manage its embeds; 404 for a malformed or unknown id. */
export async function projectForEmbedAdmin(
  admin: EmbedAdmin,
  projectId: string,
): Promise<{ id: string; organizationId: string }> {
  const missing = new ApiError("not_found", "No such project");
  if (!projectIdSchema.safeParse(projectId).success) throw missing;
  const project = await getPrisma().project.findUnique({
    where: { id: projectId },
    select: { id: true, organizationId: true },
  });
  if (!project) throw missing;
  await assertEmbedAdmin(admin, project, missing);
  return project;
}
