// GET /api/v1/embed/{token}/stream: server-sent events for one embed page. An initial "data" event,
// then one after each ingest that changed the project (computed once per embed, however many
// viewers), and heartbeats so proxies keep the connection open.
import { defineRoute } from "@/lib/api/route";
import { embedStream } from "@/lib/embed/stream";
import { EmbedTokenError, verifyEmbedToken } from "@/lib/embed/tokens";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  const embed = await verifyEmbedToken((await params).token).catch((error: unknown) => {
    throw error instanceof EmbedTokenError ? error.toApiError() : error;
  });
  return new Response(embedStream(embed, request.signal), {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
});
