// Organization settings: projects and API keys (admin), embed tokens (admin); members and roles
// (owner) are in members.ts.
// The embed signing secret is never part of them: owners and admins reveal it on request
// (lib/embed/signing-secret.ts), so project rows are always read column by column here.
import "server-only";
import { z } from "zod";
import { recordAudit, settingsChanges, userActor } from "../audit/record";
import { createApiKey, normalizeOrigin, revokeApiKey } from "../auth/api-keys";
import { assertRole, getRoleOrThrow } from "../auth/roles";
import { getPrisma } from "../db/client";
import { listRevokedJtis, MAX_TOKEN_LIFETIME_CEILING_SECONDS } from "../embed/revocations";
import { embedSecretStatus } from "../embed/signing-secret";
import { ApiError } from "../errors";
import { notifyAccessChanged } from "../realtime/access-watch";
import { isValidTimeZone } from "./schemas";

/** What any member may see of a project. */
const projectColumns = {
  id: true,
  organizationId: true,
  name: true,
  timezone: true,
  domain: true,
  embedTokenMaxLifetimeSeconds: true,
  createdAt: true,
} as const;

async function organizationOfProject(projectId: string): Promise<string> {
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { organizationId: true } });
  if (!project) throw new ApiError("not_found", "No such project");
  return project.organizationId;
}

export async function getProjectSettings(userId: string, projectId: string) {
  const organizationId = await organizationOfProject(projectId);
  const role = await getRoleOrThrow(userId, organizationId);
  const prisma = getPrisma();
  const isAdmin = role === "admin" || role === "owner";
  const [project, members, keys, embeds, secret, revokedJtis] = await Promise.all([
    prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: projectColumns }),
    prisma.membership.findMany({
      where: { organizationId },
      include: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    role === "admin" || role === "owner"
      ? prisma.apiKey.findMany({
          where: { organizationId, OR: [{ projectId }, { projectId: null }] },
          orderBy: { createdAt: "desc" },
          select: {
            id: true,
            name: true,
            kind: true,
            prefix: true,
            allowedOrigins: true,
            createdAt: true,
            revokedAt: true,
          },
        })
      : [],
    isAdmin
      ? prisma.embedToken.findMany({
          where: { organizationId, projectId },
          orderBy: { createdAt: "desc" },
          // What each embed shows, so the list can say which report or widget it opens.
          include: {
            report: { select: { name: true } },
            widget: { select: { title: true, report: { select: { name: true } } } },
          },
        })
      : [],
    isAdmin
      ? prisma.project.findUniqueOrThrow({
          where: { id: projectId },
          select: { embedSecretRotatedAt: true, embedSecretPreviousExpiresAt: true },
        })
      : null,
    isAdmin ? listRevokedJtis(organizationId, projectId) : [],
  ]);
  return {
    role,
    project,
    members: members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role })),
    keys,
    embeds: embeds.map(({ report, widget, ...embed }) => ({
      ...embed,
      reportName: report?.name ?? widget?.report.name ?? null,
      widgetTitle: widget?.title ?? null,
    })),
    // Admins only: whether the secret was rotated and until when the previous one verifies (never the secret itself).
    embedSecret: secret && embedSecretStatus(secret),
    revokedJtis,
  };
}

export const projectPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  timezone: z.string().refine(isValidTimeZone, "must be an IANA time zone such as Europe/Paris").optional(),
  domain: z.string().trim().max(253).nullable().optional(),
  /** Longest exp - iat accepted from embed tokens the customer's backend signs. */
  embed_token_max_lifetime_seconds: z.number().int().min(60).max(MAX_TOKEN_LIFETIME_CEILING_SECONDS).optional(),
});

export async function updateProject(userId: string, projectId: string, input: unknown) {
  const { embed_token_max_lifetime_seconds, ...data } = projectPatchSchema.parse(input);
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "admin");
  const { project, changes } = await getPrisma().$transaction(async (tx) => {
    // Locked, so two concurrent edits each record the values they really replaced.
    await tx.$queryRaw`SELECT id FROM projects WHERE id = ${projectId}::uuid FOR NO KEY UPDATE`;
    const before = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: projectColumns });
    const project = await tx.project.update({
      where: { id: projectId },
      data: { ...data, embedTokenMaxLifetimeSeconds: embed_token_max_lifetime_seconds },
      select: projectColumns,
    });
    const changes = settingsChanges(auditedSettings(before), auditedSettings(project), {
      name: "value",
      timezone: "value",
      domain: "value",
      embed_token_max_lifetime_seconds: "value",
    });
    if (Object.keys(changes).length > 0)
      await recordAudit(tx, {
        organizationId,
        projectId,
        actor: userActor(userId),
        action: "project.settings_changed",
        target: { type: "project", id: projectId },
        details: { changes },
      });
    return { project, changes };
  });
  // A shorter maximum refuses open customer-signed tokens that now live too long: their streams end.
  if (changes.embed_token_max_lifetime_seconds) await notifyAccessChanged({ project_id: projectId });
  return project;
}

/** A project's settings as the audit log names them (the API's field names). */
function auditedSettings(project: {
  name: string;
  timezone: string;
  domain: string | null;
  embedTokenMaxLifetimeSeconds: number;
}) {
  return {
    name: project.name,
    timezone: project.timezone,
    domain: project.domain,
    embed_token_max_lifetime_seconds: project.embedTokenMaxLifetimeSeconds,
  };
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
  return createApiKey({
    organizationId,
    projectId,
    kind: data.kind,
    name: data.name,
    allowedOrigins: data.allowed_origins,
    actor: userActor(userId),
  });
}

export async function revokeProjectKey(userId: string, projectId: string, keyId: string) {
  const organizationId = await organizationOfProject(projectId);
  await assertRole(userId, organizationId, "admin");
  await revokeApiKey(organizationId, keyId, userActor(userId));
}
