// A project's embed signing secret: whoever holds it can sign any embed of the project, so only
// owners and admins (or an admin API key) read it, and only here, on request. It can be rotated:
// the previous secret keeps verifying for a grace period (default 24 h) while the customer's
// backend switches, or not at all ("now"); its end, or retiring it early, closes the streams of
// the tokens it signed (lib/embed/stream.ts). Nothing else returns the secret: settings and project
// reads select their columns without it.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { actorOfAdmin, recordAudit } from "../audit/record";
import { type AdminPrincipal, projectForAdmin } from "../auth/admin-access";
import { getPrisma } from "../db/client";
import { notifyAccessChanged } from "../realtime/access-watch";

export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 30 * 86_400;

export const rotateSecretSchema = z.object({
  /** How long the previous secret keeps verifying; 0 ends it now. */
  grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).default(DEFAULT_GRACE_SECONDS),
});

/** What owners and admins see of the secret without revealing it (settings). */
export interface EmbedSecretStatus {
  rotated_at: string | null;
  /** Until when tokens signed with the previous secret still verify; null when there is none (or it has ended). */
  previous_valid_until: string | null;
}

export interface RevealedEmbedSecret extends EmbedSecretStatus {
  secret: string;
}

interface SecretColumns {
  embedSecret: string;
  embedSecretRotatedAt: Date | null;
  embedSecretPreviousExpiresAt: Date | null;
}

const secretColumns = { embedSecret: true, embedSecretRotatedAt: true, embedSecretPreviousExpiresAt: true } as const;

export function embedSecretStatus(project: Omit<SecretColumns, "embedSecret">, now = new Date()): EmbedSecretStatus {
  const until = project.embedSecretPreviousExpiresAt;
  return {
    rotated_at: project.embedSecretRotatedAt?.toISOString() ?? null,
    previous_valid_until: until && until > now ? until.toISOString() : null,
  };
}

function revealed(project: SecretColumns): RevealedEmbedSecret {
  return { secret: project.embedSecret, ...embedSecretStatus(project) };
}

/** Same shape as the secrets projects are created with: 64 hex characters (256 bits). */
function newSecret(): string {
  return randomBytes(32).toString("hex");
}

/** Read in the transaction that records the reveal: no secret leaves unrecorded. */
export async function revealEmbedSecret(admin: AdminPrincipal, projectId: string): Promise<RevealedEmbedSecret> {
  const project = await projectForAdmin(admin, projectId);
  return getPrisma().$transaction(async (tx) => {
    const row = await tx.project.findUniqueOrThrow({ where: { id: project.id }, select: secretColumns });
    await recordAudit(tx, {
      organizationId: project.organizationId,
      projectId: project.id,
      actor: actorOfAdmin(admin),
      action: "embed_secret.revealed",
      target: { type: "embed_secret", id: project.id },
    });
    return revealed(row);
  });
}

/** A new secret; the current one becomes the previous, verifying for the grace period (the one before is dropped). */
export async function rotateEmbedSecret(
  admin: AdminPrincipal,
  projectId: string,
  input: unknown,
): Promise<RevealedEmbedSecret> {
  const { grace_seconds } = rotateSecretSchema.parse(input);
  const project = await projectForAdmin(admin, projectId);
  // The app's clock, the one verification compares with. One statement, so two rotations at once
  // cannot both keep the same previous secret.
  const now = Date.now();
  const previousValidUntil = new Date(now + grace_seconds * 1000);
  const row = await getPrisma().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<SecretColumns[]>`
      UPDATE projects
      SET embed_secret_previous = embed_secret,
          embed_secret = ${newSecret()},
          embed_secret_previous_expires_at = ${previousValidUntil},
          embed_secret_rotated_at = ${new Date(now)}
      WHERE id = ${project.id}::uuid
      RETURNING embed_secret AS "embedSecret", embed_secret_rotated_at AS "embedSecretRotatedAt", embed_secret_previous_expires_at AS "embedSecretPreviousExpiresAt"`;
    await recordAudit(tx, {
      organizationId: project.organizationId,
      projectId: project.id,
      actor: actorOfAdmin(admin),
      action: "embed_secret.rotated",
      target: { type: "embed_secret", id: project.id },
      details: { grace_seconds, previous_valid_until: previousValidUntil.toISOString() },
    });
    return row;
  });
  // Streams of tokens signed with the secret dropped now (or at once, without grace) end; the others learn their new end.
  await notifyAccessChanged({ project_id: project.id });
  return revealed(row!);
}

/** Ends the previous secret's grace period now (the customer's backend has switched). */
export async function retirePreviousEmbedSecret(admin: AdminPrincipal, projectId: string): Promise<void> {
  const project = await projectForAdmin(admin, projectId);
  const retired = await getPrisma().$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({
      where: { id: project.id, embedSecretPreviousExpiresAt: { gt: new Date() } },
      data: { embedSecretPreviousExpiresAt: new Date() },
    });
    if (count > 0)
      await recordAudit(tx, {
        organizationId: project.organizationId,
        projectId: project.id,
        actor: actorOfAdmin(admin),
        action: "embed_secret.previous_retired",
        target: { type: "embed_secret", id: project.id },
      });
    return count > 0;
  });
  if (retired) await notifyAccessChanged({ project_id: project.id });
}
