// GET /api/v1/embed/{token}/stream[?range=…&filter.<dimension>=…]: server-sent events for one embed
// page. A "data" event (id = data version; skipped when Last-Event-ID already names it), then one
// whenever an ingest changes what this embed shows (computed once per distinct embed and choices,
// however many viewers), heartbeats so proxies keep it open, "expired" when the token runs out and
// "revoked" when a revocation or a secret rotation withdraws it. 429 past the token's feed budget.
import { defineRoute } from "@/lib/api/route";
import { openEmbedStream } from "@/lib/embed/stream";
import { SSE_HEADERS } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  return new Response(await openEmbedStream(request, (await params).token), { headers: SSE_HEADERS });
});
