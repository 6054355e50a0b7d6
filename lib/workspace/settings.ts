// Organization settings: members and roles (owner), projects and API keys (admin), embed tokens (admin).
import "server-only";
import { z } from "zod";
import { assertRole, getRoleOrThrow } from "../auth/roles";
import { createApiKey, normalizeOrigin, revokeApiKey } from "../auth/api-keys";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { hashPassword } from "../auth/password";
import { isValidTimeZone, roleSchema, userInputSchema } from "./schemas";

async function organizationOfProject(projectId: string): Promise<string> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project.organizationId;
}

export async function getProjectSettings(userId: string, projectId: string) {
  const organizationId = await organizationOfProject(projectId);
  const role = await getRoleOrThrow(userId, organizationId);
  const prisma = getPrisma();
  const [project, members, keys, embeds] = await Promise.all([
    prisma.project.findUniqueOrThrow({ where: { id: projectId } }),
    prisma.membership.findMany({ where: { organizationId }, include: { user: { select: { id: true, email: true, name: true } } }, orderBy: { createdAt: "asc" } }),
    role === "admin" || role === "owner"
      ? prisma.apiKey.findMany({ where: { organizationId, OR: [{ projectId }, { projectId: null }] }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, kind: true, prefix: true, allowedOrigins: true, createdAt: true, revokedAt: true } })
      : [],
    role === "admin" || role === "owner" ? prisma.embedToken.findMany({ where: { organizationId, projectId }, orderBy: { createdAt: "desc" } }) : [],
  ]);
  return { role, project, members: members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role })), keys, embeds };
}

export const projectPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  timezone: z.string().refine(isValidTimeZone, "must be an IANA time zone such as Europe/Paris").optional(),
  domain: z.string().trim().max(253).nullable().optional(),
});

export async function updateProject(userId: string, projectId: string, input: unknown) {
  const data = projectPatchSchema.parse(input);
  await assertRole(userId, await organizationOfProject(projectId), "admin");
  return getPrisma().project.update({ where: { id: projectId }, data });
}

export const keyInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(["write", "read", "admin"]),
  allowed_origins: z.array(z.url().transform(normalizeOrigin)).max(50).default([]),
});

export async function createProjectKey(userId: string, projectId: string, input: unknown) {
  const data = keyInputSchema.parse(input);
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "admin");
  return createApiKey({ organizationId, projectId, kind: data.kind, name: data.name, allowedOrigins: data.allowed_origins });
}

export async function revokeProjectKey(userId: string, projectId: string, keyId: string) {
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "admin");
  await revokeApiKey(organizationId, keyId);
}

export async function revokeEmbedToken(userId: string, projectId: string, tokenId: string) {
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "admin");
  const { count } = await getPrisma().embedToken.updateMany({ where: { id: tokenId, organizationId, projectId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new ApiError("not_found", "No such active embed token");
}

export const memberInputSchema = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  role: roleSchema,
  /** Needed only when the person has no Lumen user yet (they sign in with it, or with SSO). */
  password: userInputSchema.shape.password.optional(),
});

/** Adds someone to the organization (creating their user if needed) or changes their role: owner only. */
export async function upsertMember(userId: string, projectId: string, input: unknown) {
  const data = memberInputSchema.parse(input);
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "owner");
  const prisma = getPrisma();
  let user = await prisma.user.findUnique({ where: { email: data.email } });
  user ??= await prisma.user.create({ data: { email: data.email, passwordHash: data.password ? await hashPassword(data.password) : null } });
  await prisma.membership.upsert({
    where: { organizationId_userId: { organizationId, userId: user.id } },
    update: { role: data.role },
    create: { organizationId, userId: user.id, role: data.role },
  });
  return { userId: user.id, email: user.email, role: data.role };
}

export async function removeMember(userId: string, projectId: string, memberId: string) {
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "owner");
  const owners = await getPrisma().membership.count({ where: { organizationId, role: "owner" } });
  const target = await getPrisma().membership.findUnique({ where: { organizationId_userId: { organizationId, userId: memberId } } });
  if (!target) throw new ApiError("not_found", "No such member");
  if (target.role === "owner" && owners <= 1) throw new ApiError("forbidden", "An organization keeps at least one owner");
  await getPrisma().membership.delete({ where: { organizationId_userId: { organizationId, userId: memberId } } });
}
