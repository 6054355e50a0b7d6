// Revoking embed tokens: one Lumen issued (by its stored id), or one the customer's backend signed
// (by its jti, kept in a per-project list). Either way the token is refused from then on and its
// streams, open in any process, end within a second (lib/realtime/access-watch.ts).
import { z } from "zod";
import { actorOfAdmin, recordAudit } from "../audit/record";
import { type AdminPrincipal, projectForAdmin } from "../auth/admin-access";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { notifyAccessChanged } from "../realtime/access-watch";
import { jtiSchema } from "./schemas";
import { MAX_CLOCK_SKEW_SECONDS } from "./tokens";

/** The longest maximum lifetime a project may set for customer-signed tokens (7 days, like long signed URLs). */
export const MAX_TOKEN_LIFETIME_CEILING_SECONDS = 7 * 86_400;

export const revokeJtiSchema = z.object({ jti: jtiSchema });

export interface RevokedJti {
  jti: string;
  revoked_at: string;
  /** After this no token carrying the jti can still be valid, and the entry is dropped. */
  expires_at: string;
}

const tokenIdSchema = z.guid();

/** Revokes an embed Lumen issued. */
export async function revokeIssuedEmbed(admin: AdminPrincipal, projectId: string, tokenId: string): Promise<void> {
  const project = await projectForAdmin(admin, projectId);
  const missing = new ApiError("not_found", "No such active embed token");
  if (!tokenIdSchema.safeParse(tokenId).success) throw missing;
  await getPrisma().$transaction(async (tx) => {
    const { count } = await tx.embedToken.updateMany({
      where: { id: tokenId, organizationId: project.organizationId, projectId: project.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw missing;
    await recordAudit(tx, {
      organizationId: project.organizationId,
      projectId: project.id,
      actor: actorOfAdmin(admin),
      action: "embed.revoked",
      target: { type: "embed", id: tokenId },
    });
  });
  await notifyAccessChanged({ project_id: project.id, jti: tokenId });
}

function toRevokedJti(row: { jti: string; revokedAt: Date; expiresAt: Date }): RevokedJti {
  return { jti: row.jti, revoked_at: row.revokedAt.toISOString(), expires_at: row.expiresAt.toISOString() };
}

/**
 * Revokes every customer-signed token carrying this jti. The entry outlives any such token: one
 * issued up to now lives at most the largest maximum lifetime a project can set, plus clock skew.
 */
export async function revokeCustomerJti(admin: AdminPrincipal, projectId: string, input: unknown): Promise<RevokedJti> {
  const { jti } = revokeJtiSchema.parse(input);
  const project = await projectForAdmin(admin, projectId);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + (MAX_TOKEN_LIFETIME_CEILING_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000);
  const where = { organizationId: project.organizationId, projectId: project.id };
  const row = await getPrisma().$transaction(async (tx) => {
    await tx.embedTokenRevocation.deleteMany({ where: { ...where, expiresAt: { lte: now } } });
    const row = await tx.embedTokenRevocation.upsert({
      where: { organizationId_projectId_jti: { ...where, jti } },
      update: { expiresAt },
      create: { ...where, jti, revokedAt: now, expiresAt },
    });
    await recordAudit(tx, {
      ...where,
      actor: actorOfAdmin(admin),
      action: "embed.jti_revoked",
      target: { type: "embed_jti", id: jti },
    });
    return row;
  });
  await notifyAccessChanged({ project_id: project.id, jti });
  return toRevokedJti(row);
}

/** The project's revoked jtis still in force, newest first. */
export async function listRevokedJtis(organizationId: string, projectId: string, limit = 200): Promise<RevokedJti[]> {
  const rows = await getPrisma().embedTokenRevocation.findMany({
    where: { organizationId, projectId, expiresAt: { gt: new Date() } },
    orderBy: { revokedAt: "desc" },
    take: limit,
  });
  return rows.map(toRevokedJti);
}

export async function listRevokedJtisForAdmin(admin: AdminPrincipal, projectId: string): Promise<RevokedJti[]> {
  const project = await projectForAdmin(admin, projectId);
  return listRevokedJtis(project.organizationId, project.id);
}
