// The server-sent events stream of one embed page: every widget in one stream. Event ids are data
// versions, so a viewer that reconnects with Last-Event-ID is sent data only if it changed meanwhile,
// and a tick that changed nothing this feed shows sends nothing.
import { openFeedStream } from "../realtime/sse";
import type { ViewerChoices } from "./schemas";
import { effectiveParams, loadEmbedSnapshot, type EmbedSnapshot } from "./embed-data";
import type { VerifiedEmbed } from "./tokens";

/** Viewers of the same resource with the same locks and the same choices see the same data, so they share one feed. */
export function feedKey(embed: VerifiedEmbed, choices: ViewerChoices): string {
  const { range, filters, timezone } = effectiveParams(embed, choices);
  return JSON.stringify(["embed", embed.projectId, embed.claims.resource, range ?? null, filters, timezone ?? null]);
}

export interface EmbedStreamOptions {
  choices: ViewerChoices;
  /** The version the viewer already has (Last-Event-ID). */
  lastEventId?: string | null;
  signal: AbortSignal;
}

/**
 * The embed's feed as a server-sent events stream (lib/realtime/sse): the first snapshot is shared
 * by viewers arriving together, a failed first read rejects (the route answers with an error
 * status), and the stream ends with an "expired" event when the token does.
 */
export function embedStream(embed: VerifiedEmbed, { choices, lastEventId, signal }: EmbedStreamOptions): Promise<ReadableStream<Uint8Array>> {
  return openFeedStream(
    { key: feedKey(embed, choices), projectId: embed.projectId, compute: () => loadEmbedSnapshot(embed, choices) },
    {
      signal,
      lastEventId,
      serialize: (snapshot: EmbedSnapshot) => ({ id: snapshot.version, data: snapshot.json }),
      ...(embed.expiresAt ? { maxAgeMs: embed.expiresAt.getTime() - Date.now(), endEvent: "expired" } : {}),
    },
  );
}
