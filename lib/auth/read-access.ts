// Who may read reports: a read API key of the organization (and, with the analyst app, a signed-in member).
import { authenticateApiKey, bearerToken } from "./api-keys";
import { ApiError } from "../errors";

export interface ReadAccess {
  organizationId: string;
  /** A key scoped to one project reads only that project. */
  projectId: string | null;
}

export async function authorizeRead(request: Request): Promise<ReadAccess> {
  const key = await authenticateApiKey(bearerToken(request), "read");
  return { organizationId: key.organizationId, projectId: key.projectId };
}

export function assertCanReadProject(access: ReadAccess, projectId: string): void {
  if (access.projectId && access.projectId !== projectId) throw new ApiError("not_found", "No such project in this organization");
}
