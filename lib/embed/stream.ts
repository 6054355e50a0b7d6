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

/**
 * Subscribes first, then reads the current snapshot through the hub (one computation shared by
 * every viewer arriving together), so a change committed meanwhile still follows. If that first
 * read fails, this rejects before any byte is sent, so the route answers with an error status.
 */
export async function embedStream(embed: VerifiedEmbed, { choices, lastEventId, signal }: EmbedStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const hub = getRealtimeHub();
  const feed = { key: feedKey(embed, choices), projectId: embed.projectId, compute: () => loadEmbedSnapshot(embed, choices) };
  const pending: EmbedSnapshot[] = [];
  let deliver = (snapshot: EmbedSnapshot) => void pending.push(snapshot);
  const unsubscribe = hub.subscribe(feed, (snapshot) => deliver(snapshot));
  let initial: EmbedSnapshot;
  try {
    initial = await hub.current(feed);
  } catch (error) {
    unsubscribe();
    throw error;
  }

  const encoder = new TextEncoder();
  let sent = lastEventId ?? null;
  let closed = false;
  let cleanup = unsubscribe;
  return new ReadableStream({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The client went away under us: stop feeding it.
          close();
        }
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
      deliver = (snapshot: EmbedSnapshot) => {
        if (snapshot.version === sent) return;
        sent = snapshot.version;
        write(`id: ${snapshot.version}\nevent: data\ndata: ${snapshot.json}\n\n`);
      };
      write(`retry: ${RETRY_MS}\n\n`);
      for (const snapshot of [initial, ...pending]) deliver(snapshot);
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
      // A viewer that left while the first snapshot was being read is let go at once.
      if (signal.aborted) close();
      else signal.addEventListener("abort", close, { once: true });
    },
    cancel() {
      closed = true;
      cleanup();
    },
  });
}
