// The start of every /api/v1/embed/{token}/… request: the token verified (401/403 otherwise), the
// viewer's choices read from the query string, strictly: a malformed choice is a 400, and a choice
// the embed does not make editable a 403, never silently widened or dropped; and, for one-off reads,
// the choice set counted against the token's feed budget (429 when it has too many open; streams
// hold theirs while open: lib/embed/stream.ts).
import { chargeChoiceSet } from "./feed-budget";
import { readChoicesStrictly } from "./read-choices";
import type { ViewerChoices } from "./schemas";
import { EmbedTokenError, type VerifiedEmbed, verifyEmbedToken } from "./tokens";

export async function verifyEmbedForApi(token: string): Promise<VerifiedEmbed> {
  return verifyEmbedToken(token).catch((error: unknown) => {
    throw error instanceof EmbedTokenError ? error.toApiError() : error;
  });
}

export interface EmbedRequest {
  embed: VerifiedEmbed;
  choices: ViewerChoices;
  url: URL;
}

/** The token verified and the choices read, without touching the feed budget. */
export async function verifyEmbedRequest(request: Request, token: string): Promise<EmbedRequest> {
  const embed = await verifyEmbedForApi(token);
  const url = new URL(request.url);
  return { embed, choices: readChoicesStrictly(url.searchParams, embed.claims.editable), url };
}

/** A one-off read (data, values, CSV): verified, and its choice set charged to the token's feed budget. */
export async function readEmbedRequest(request: Request, token: string): Promise<EmbedRequest> {
  const read = await verifyEmbedRequest(request, token);
  chargeChoiceSet(read.embed, read.choices);
  return read;
}

/** Every embed API answer is for one token and one viewer: never stored by a shared cache. */
export const EMBED_API_HEADERS = { "cache-control": "private, no-store", "referrer-policy": "no-referrer" } as const;
