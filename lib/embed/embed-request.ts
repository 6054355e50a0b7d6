// The start of every /api/v1/embed/{token}/… request: the token verified (401/403 otherwise) and the
// viewer's choices read from the query string, strictly: a malformed choice is a 400, and a choice
// the embed does not make editable a 403, never silently widened or dropped.
import { readChoicesStrictly } from "./read-choices";
import type { ViewerChoices } from "./schemas";
import { EmbedTokenError, verifyEmbedToken, type VerifiedEmbed } from "./tokens";

export async function verifyEmbedForApi(token: string): Promise<VerifiedEmbed> {
  return verifyEmbedToken(token).catch((error: unknown) => {
    throw error instanceof EmbedTokenError ? error.toApiError() : error;
  });
}

export async function readEmbedRequest(request: Request, token: string): Promise<{ embed: VerifiedEmbed; choices: ViewerChoices; url: URL }> {
  const embed = await verifyEmbedForApi(token);
  const url = new URL(request.url);
  return { embed, choices: readChoicesStrictly(url.searchParams, embed.claims.editable), url };
}

/** Every embed API answer is for one token and one viewer: never stored by a shared cache. */
export const EMBED_API_HEADERS = { "cache-control": "private, no-store", "referrer-policy": "no-referrer" } as const;
