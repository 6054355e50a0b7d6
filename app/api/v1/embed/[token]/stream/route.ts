// GET /api/v1/embed/{token}/stream[?range=…&filter.<dimension>=…]: server-sent events for one embed
// page. A "data" event (id = data version; skipped when Last-Event-ID already names it), then one
// whenever an ingest changes what this embed shows (computed once per distinct embed and choices,
// however many viewers), heartbeats so proxies keep it open, and "expired" when the token runs out.
import { defineRoute } from "@/lib/api/route";
import { readEmbedRequest } from "@/lib/embed/embed-request";
import { embedStream } from "@/lib/embed/stream";
import { SSE_HEADERS } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  const { embed, choices, url } = await readEmbedRequest(request, (await params).token);
  // EventSource resends the last id as a header on its own reconnects; the page's own reconnects (with backoff) use the parameter.
  const lastEventId = request.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  return new Response(await embedStream(embed, { choices, lastEventId: lastEventId?.slice(0, 64), signal: request.signal }), {
    headers: SSE_HEADERS,
  });
});
