// Embed tokens are HS256 JWTs signed with the project's embed secret; the header's `kid` names the
// project. Lumen issues them (stored, listable, revocable: jti), and customers' backends may sign
// their own with the same secret, e.g. to lock each of their users to their own rows.
import "server-only";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { normalizeOrigin } from "../auth/api-keys";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { embedClaimsSchema, embedThemeSchema, type EmbedClaims, type EmbedClaimsInput, type EmbedTheme } from "./schemas";

export type EmbedFailure = "invalid" | "expired" | "revoked" | "not_found";

export class EmbedTokenError extends Error {
  constructor(readonly reason: EmbedFailure) {
    super(
      {
        invalid: "This embed link is not valid.",
        expired: "This embed link has expired.",
        revoked: "This embed link has been revoked.",
        not_found: "What this embed shows no longer exists.",
      }[reason],
    );
  }

  /** 401 or 403, with the reason as a detail so an open embed can tell "expired" (renew it) from the rest. */
  toApiError(): ApiError {
    const code = this.reason === "invalid" || this.reason === "expired" ? "unauthorized" : "forbidden";
    return new ApiError(code, this.message, [{ path: "token", message: this.reason }]);
  }
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signEmbedToken(projectId: string, secret: string, claims: EmbedClaimsInput, expiresAt?: Date): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", kid: projectId }).setIssuedAt();
  if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
  return jwt.sign(keyOf(secret));
}

export interface VerifiedEmbed {
  organizationId: string;
  projectId: string;
  claims: EmbedClaims;
  theme: EmbedTheme;
  allowedOrigins: string[];
  expiresAt: Date | null;
}

export async function verifyEmbedToken(token: string): Promise<VerifiedEmbed> {
  let projectId: string | undefined;
  try {
    projectId = decodeProtectedHeader(token).kid;
  } catch {
    throw new EmbedTokenError("invalid");
  }
  if (!projectId || !/^[0-9a-f-]{36}$/i.test(projectId)) throw new EmbedTokenError("invalid");
  const project = await getPrisma().project.findUnique({ where: { id: projectId }, select: { id: true, organizationId: true, embedSecret: true, domain: true } });
  if (!project) throw new EmbedTokenError("invalid");
  let payload: unknown;
  let exp: number | undefined;
  try {
    const verified = await jwtVerify(token, keyOf(project.embedSecret), { algorithms: ["HS256"] });
    payload = verified.payload;
    exp = verified.payload.exp;
  } catch (error) {
    throw new EmbedTokenError(error instanceof joseErrors.JWTExpired ? "expired" : "invalid");
  }
  const parsed = embedClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new EmbedTokenError("invalid");
  let claims = parsed.data;
  let allowedOrigins = (claims.allowed_origins ?? []).map(normalizeOrigin);
  if (claims.jti) {
    const stored = await getPrisma().embedToken.findFirst({ where: { id: claims.jti, projectId } });
    if (!stored) throw new EmbedTokenError("invalid");
    if (stored.revokedAt) throw new EmbedTokenError("revoked");
    allowedOrigins = stored.allowedOrigins;
    // The stored copy is authoritative for what Lumen issued.
    claims = embedClaimsSchema.parse({ resource: claims.resource, params: stored.params, editable: stored.editable, theme: stored.theme, downloads: stored.downloads, jti: stored.id });
  }
  await assertResourceInProject(claims.resource, project.id);
  return {
    organizationId: project.organizationId,
    projectId: project.id,
    claims,
    theme: embedThemeSchema.parse(claims.theme),
    allowedOrigins,
    expiresAt: exp ? new Date(exp * 1000) : null,
  };
}

async function assertResourceInProject(resource: EmbedClaims["resource"], projectId: string): Promise<void> {
  const prisma = getPrisma();
  const owner =
    resource.type === "report"
      ? await prisma.report.findUnique({ where: { id: resource.id }, select: { projectId: true } })
      : (await prisma.widget.findUnique({ where: { id: resource.id }, select: { report: { select: { projectId: true } } } }))?.report;
  if (!owner) throw new EmbedTokenError("not_found");
  if (owner.projectId !== projectId) throw new EmbedTokenError("invalid");
}
