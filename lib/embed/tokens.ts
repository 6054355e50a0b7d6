// Embed tokens are HS256 JWTs signed with the project's embed secret; the header's `kid` names the
// project. Lumen issues them (stored, listable, revocable by id: their jti), and customers' backends
// may sign their own with the same secret, e.g. to lock each of their users to their own rows. Those
// are not stored, so they must be short-lived: exp and iat are required, and exp - iat is bounded by
// the project's maximum lifetime; one can still be revoked by its jti (lib/embed/revocations.ts).
// After a rotation, the previous secret still verifies until its grace period ends.
import "server-only";
import { decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { normalizeOrigin } from "../auth/api-keys";
import { getPrisma } from "../db/client";
import { ApiError, type ErrorDetail } from "../errors";
import {
  type EmbedClaims,
  type EmbedClaimsInput,
  type EmbedTheme,
  embedClaimsSchema,
  embedThemeSchema,
} from "./schemas";

export type EmbedFailure = "invalid" | "expired" | "revoked" | "not_found";

/** How far ahead of this server's clock a customer's `iat` may be (their clock may run fast). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

const defaultMessages: Record<EmbedFailure, string> = {
  invalid: "This embed link is not valid.",
  expired: "This embed link has expired.",
  revoked: "This embed link has been revoked.",
  not_found: "What this embed shows no longer exists.",
};

export class EmbedTokenError extends Error {
  /**
   * @param claim which claim was refused and why, for tokens a customer's backend signed: its
   * developer reads the API's answer to fix their signer.
   */
  constructor(
    readonly reason: EmbedFailure,
    message?: string,
    readonly claim?: ErrorDetail,
  ) {
    super(message ?? defaultMessages[reason]);
  }

  /** 401 or 403, with the reason as the first detail so an open embed can tell "expired" (renew it) from the rest. */
  toApiError(): ApiError {
    const code = this.reason === "invalid" || this.reason === "expired" ? "unauthorized" : "forbidden";
    return new ApiError(code, this.message, [
      { path: "token", message: this.reason },
      ...(this.claim ? [this.claim] : []),
    ]);
  }
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs a token; expiresAt is required for tokens that are not stored (customer-signed ones, in tests and examples). */
export async function signEmbedToken(
  projectId: string,
  secret: string,
  claims: EmbedClaimsInput,
  expiresAt?: Date,
): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", kid: projectId }).setIssuedAt();
  if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
  return jwt.sign(keyOf(secret));
}

export interface VerifiedEmbed {
  /** The token as presented: streams authorise it again when access to the project changes. */
  token: string;
  organizationId: string;
  projectId: string;
  claims: EmbedClaims;
  theme: EmbedTheme;
  allowedOrigins: string[];
  /** Who signed it: Lumen (a stored token, its settings authoritative) or the customer's backend. */
  issuer: "lumen" | "customer";
  /** The stored token's id, or the customer's jti: what a revocation names. */
  jti: string | null;
  /**
   * When the token stops being accepted: its exp, or earlier when a stored expiry or the end of
   * the grace period of the secret that signed it comes first. Null: never.
   */
  expiresAt: Date | null;
}

const projectIdSchema = z.guid();

/** The project a token names in its header, without verifying anything; null for anything that is not a token. */
export function projectIdOfToken(token: string): string | null {
  try {
    const parsed = projectIdSchema.safeParse(decodeProtectedHeader(token).kid);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

interface ProjectSecrets {
  embedSecret: string;
  embedSecretPrevious: string | null;
  embedSecretPreviousExpiresAt: Date | null;
}

/** The payload, and until when the secret that signed it is accepted (null: the current secret). */
async function verifySignature(
  token: string,
  project: ProjectSecrets,
  now: Date,
): Promise<{ payload: JWTPayload; secretValidUntil: Date | null }> {
  const attempt = async (secret: string) =>
    (await jwtVerify(token, keyOf(secret), { algorithms: ["HS256"], currentDate: now })).payload;
  try {
    return { payload: await attempt(project.embedSecret), secretValidUntil: null };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new EmbedTokenError("expired");
    if (!(error instanceof joseErrors.JWSSignatureVerificationFailed) || !project.embedSecretPrevious)
      throw new EmbedTokenError("invalid");
  }
  let payload: JWTPayload;
  try {
    payload = await attempt(project.embedSecretPrevious);
  } catch (error) {
    throw new EmbedTokenError(error instanceof joseErrors.JWTExpired ? "expired" : "invalid");
  }
  const until = project.embedSecretPreviousExpiresAt;
  if (!until || until <= now)
    throw new EmbedTokenError("expired", "This embed link has expired: the secret that signed it was rotated.");
  return { payload, secretValidUntil: until };
}

/** The rules for tokens a customer's backend signs, which Lumen cannot revoke by id: short-lived, with a known start. */
function assertCustomerLifetime(payload: JWTPayload, maxLifetimeSeconds: number, now: Date): void {
  if (payload.exp === undefined) {
    throw new EmbedTokenError("invalid", "Embed tokens your backend signs must carry an expiry (exp).", {
      path: "token.exp",
      message: "required",
    });
  }
  if (payload.iat === undefined) {
    throw new EmbedTokenError(
      "invalid",
      "Embed tokens your backend signs must carry the time they were issued (iat).",
      { path: "token.iat", message: "required" },
    );
  }
  if (payload.iat > now.getTime() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
    throw new EmbedTokenError(
      "invalid",
      "This embed token was issued in the future (iat): check the signing server's clock.",
      { path: "token.iat", message: "in the future" },
    );
  }
  if (payload.exp - payload.iat > maxLifetimeSeconds) {
    throw new EmbedTokenError(
      "invalid",
      `This embed token lives longer than the project allows: exp - iat must be at most ${maxLifetimeSeconds} seconds.`,
      {
        path: "token.exp",
        message: `exp - iat exceeds ${maxLifetimeSeconds} seconds`,
      },
    );
  }
}

function earliest(...dates: (Date | null)[]): Date | null {
  const set = dates.filter((d): d is Date => d !== null);
  return set.length ? new Date(Math.min(...set.map((d) => d.getTime()))) : null;
}

export async function verifyEmbedToken(token: string, now = new Date()): Promise<VerifiedEmbed> {
  const projectId = projectIdOfToken(token);
  if (!projectId) throw new EmbedTokenError("invalid");
  const prisma = getPrisma();
  const project = await prisma.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      organizationId: true,
      embedSecret: true,
      embedSecretPrevious: true,
      embedSecretPreviousExpiresAt: true,
      embedTokenMaxLifetimeSeconds: true,
    },
  });
  if (!project) throw new EmbedTokenError("invalid");
  const { payload, secretValidUntil } = await verifySignature(token, project, now);
  const parsed = embedClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new EmbedTokenError("invalid");
  let claims = parsed.data;
  let allowedOrigins = (claims.allowed_origins ?? []).map(normalizeOrigin);
  const exp = payload.exp === undefined ? null : new Date(payload.exp * 1000);
  let expiresAt = earliest(exp, secretValidUntil);
  const jti = claims.jti ?? null;
  const stored =
    jti && z.guid().safeParse(jti).success
      ? await prisma.embedToken.findFirst({ where: { id: jti, projectId } })
      : null;
  if (stored) {
    if (stored.revokedAt) throw new EmbedTokenError("revoked");
    if (stored.expiresAt && stored.expiresAt <= now) throw new EmbedTokenError("expired");
    expiresAt = earliest(expiresAt, stored.expiresAt);
    allowedOrigins = stored.allowedOrigins;
    // The stored copy is authoritative for what Lumen issued.
    claims = embedClaimsSchema.parse({
      resource: claims.resource,
      params: stored.params,
      editable: stored.editable,
      theme: stored.theme,
      downloads: stored.downloads,
      jti: stored.id,
    });
  } else {
    assertCustomerLifetime(payload, project.embedTokenMaxLifetimeSeconds, now);
    if (jti) {
      const revoked = await prisma.embedTokenRevocation.findUnique({
        where: { organizationId_projectId_jti: { organizationId: project.organizationId, projectId, jti } },
        select: { jti: true },
      });
      if (revoked) throw new EmbedTokenError("revoked");
    }
  }
  await assertResourceInProject(claims.resource, project.id);
  return {
    token,
    organizationId: project.organizationId,
    projectId: project.id,
    claims,
    theme: embedThemeSchema.parse(claims.theme),
    allowedOrigins,
    issuer: stored ? "lumen" : "customer",
    jti,
    expiresAt,
  };
}

async function assertResourceInProject(resource: EmbedClaims["resource"], projectId: string): Promise<void> {
  const prisma = getPrisma();
  const owner =
    resource.type === "report"
      ? await prisma.report.findUnique({ where: { id: resource.id }, select: { projectId: true } })
      : (
          await prisma.widget.findUnique({
            where: { id: resource.id },
            select: { report: { select: { projectId: true } } },
          })
        )?.report;
  if (!owner) throw new EmbedTokenError("not_found");
  if (owner.projectId !== projectId) throw new EmbedTokenError("invalid");
}
