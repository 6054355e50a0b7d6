// Who may read a project's data: a read API key of its organization (Authorization: Bearer), or a
// signed-in member of that organization (any role). Anything else looks like a missing project.
import "server-only";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { authenticateApiKey, bearerToken } from "./api-keys";
import { getRoleOrThrow } from "./roles";
import { getSessionUser } from "./session";

export type Reader =
  | { kind: "key"; organizationId: string; projectId: string | null }
  | { kind: "user"; userId: string };

export async function authenticateReader(request: Request): Promise<Reader> {
  const token = bearerToken(request);
  if (token) {
    const key = await authenticateApiKey(token, "read");
    return { kind: "key", organizationId: key.organizationId, projectId: key.projectId };
  }
  const user = await getSessionUser();
  if (!user) throw new ApiError("unauthorized", "Sign in, or send a read API key as Authorization: Bearer <key>");
  return { kind: "user", userId: user.id };
}

const notFound = () => new ApiError("not_found", "No such project in this organization");

/** The organization of a project the reader may read, or a 404. */
export async function readableProjectOrganization(reader: Reader, projectId: string): Promise<string> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw notFound();
  if (reader.kind === "key") {
    if (project.organizationId !== reader.organizationId || (reader.projectId && reader.projectId !== projectId))
      throw notFound();
  } else {
    await getRoleOrThrow(reader.userId, project.organizationId).catch(() => {
      throw notFound();
    });
  }
  return project.organizationId;
}
