// Which pages may frame /embed/{token}: the embed's allowed origins (and Lumen itself), or any page
// when it names none.
// Runs in proxy.ts before the page renders, so it is one indexed read and no signature check: a
// token whose claims were tampered with is refused by the page itself, which then shows no data.
import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { normalizeOrigin } from "../auth/api-keys";
import { getPool } from "../db/client";
import { embedClaimsSchema } from "./schemas";
import { projectIdOfToken } from "./tokens";

const ANY = "*";
/** When the lookup itself fails, nobody may frame the page rather than everybody. */
const NOBODY = "'none'";

function decodeClaims(token: string) {
  try {
    const projectId = projectIdOfToken(token);
    const claims = embedClaimsSchema.safeParse(decodeJwt(token));
    return claims.success && projectId ? { projectId, claims: claims.data } : null;
  } catch {
    return null;
  }
}

/** Lumen's own pages stay allowed next to the embed's origins: the Embed dialog previews it. */
export function frameAncestorsValue(origins: readonly string[]): string {
  return origins.length ? ["'self'", ...origins].join(" ") : ANY;
}

export async function embedFrameAncestors(token: string): Promise<string> {
  const decoded = decodeClaims(token);
  if (!decoded) return ANY; // not a token at all: the page shows its error, which any host may show
  const { projectId, claims } = decoded;
  const signed = (claims.allowed_origins ?? []).map(normalizeOrigin);
  // A jti naming a stored token is Lumen's (its stored origins rule); any other jti is the customer's own.
  if (!claims.jti || !z.guid().safeParse(claims.jti).success) return frameAncestorsValue(signed);
  try {
    const { rows } = await getPool().query<{ allowed_origins: string[] }>(
      "SELECT allowed_origins FROM embed_tokens WHERE id = $1::uuid AND project_id = $2::uuid",
      [claims.jti, projectId],
    );
    return frameAncestorsValue(rows[0]?.allowed_origins ?? signed);
  } catch {
    return NOBODY;
  }
}
