// The server-sent events stream of one embed page: every widget in one stream.
import { getRealtimeHub } from "../realtime/hub";
import { loadEmbedWidgets, type EmbedWidgetData } from "./embed-data";
import type { VerifiedEmbed } from "./tokens";

const HEARTBEAT_MS = 15_000;

/** Embeds with the same resource and locks see the same data, so they share one feed. */
function feedKey(embed: VerifiedEmbed): string {
  return JSON.stringify(["embed", embed.projectId, embed.claims.resource, embed.claims.params]);
}

export function embedStream(embed: VerifiedEmbed, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let id = 0;
  let cleanup = () => undefined as void;
  return new ReadableStream({
    async start(controller) {
      const send = (widgets: EmbedWidgetData[]) => controller.enqueue(encoder.encode(`id: ${++id}\nevent: data\ndata: ${JSON.stringify({ widgets })}\n\n`));
      // Subscribed before the first read, so a change landing in between still triggers an update.
      const unsubscribe = getRealtimeHub().subscribe({ key: feedKey(embed), projectId: embed.projectId, compute: () => loadEmbedWidgets(embed) }, send);
      // Reconnecting clients (Last-Event-ID) simply get the current data first, like new ones.
      controller.enqueue(encoder.encode("retry: 2000\n\n"));
      send(await loadEmbedWidgets(embed));
      const heartbeat = setInterval(() => controller.enqueue(encoder.encode(": heartbeat\n\n")), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
}
