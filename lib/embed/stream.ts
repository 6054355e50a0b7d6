// The server-sent events stream of one embed page: every widget in one stream. Event ids are data
// versions, so a viewer that reconnects with Last-Event-ID is sent data only if it changed meanwhile,
// and a tick that changed nothing this feed shows sends nothing.
import { getRealtimeHub } from "../realtime/hub";
import type { ViewerChoices } from "./schemas";
import { effectiveParams, loadEmbedSnapshot, type EmbedSnapshot } from "./embed-data";
import type { VerifiedEmbed } from "./tokens";

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;
/** setTimeout's longest delay; a stream open that long finds out about its expiry on reconnecting. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

export function embedStream(embed: VerifiedEmbed, { choices, lastEventId, signal }: EmbedStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = lastEventId ?? null;
  let closed = false;
  let cleanup = () => undefined as void;
  return new ReadableStream({
    async start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const send = (snapshot: EmbedSnapshot) => {
        if (snapshot.version === sent) return;
        sent = snapshot.version;
        write(`id: ${snapshot.version}\nevent: data\ndata: ${snapshot.json}\n\n`);
      };
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      // Subscribed before the first read, so a change landing in between still triggers an update.
      const unsubscribe = getRealtimeHub().subscribe({ key: feedKey(embed, choices), projectId: embed.projectId, compute: () => loadEmbedSnapshot(embed, choices) }, send);
      write(`retry: ${RETRY_MS}\n\n`);
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
      // The token stops working at its expiry: say so, and end the stream (the page asks its host for a new token).
      const untilExpiry = embed.expiresAt ? embed.expiresAt.getTime() - Date.now() : Infinity;
      const expiry =
        untilExpiry <= MAX_TIMER_MS
          ? setTimeout(() => {
              write("event: expired\ndata: {}\n\n");
              close();
            }, Math.max(0, untilExpiry))
          : undefined;
      cleanup = () => {
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
      };
      signal.addEventListener("abort", close);
      send(await loadEmbedSnapshot(embed, choices));
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}
