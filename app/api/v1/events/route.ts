// POST /api/v1/events: ingest one event or a batch with a write key (header or body), CORS-enabled for browsers.
import { defineRoute, json } from "@/lib/api/route";
import { handleIngestRequest } from "@/lib/ingest/handle-ingest";

function corsHeaders(request: Request): Record<string, string> {
  return {
    "access-control-allow-origin": request.headers.get("origin") ?? "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "authorization, content-type, x-request-id",
    "access-control-expose-headers": "retry-after, x-request-id",
    "access-control-max-age": "86400",
    vary: "origin",
  };
}

// Browsers post here from customers' sites, with a write key rather than a cookie: cross-site by design.
export const POST = defineRoute(async (request) => json(202, await handleIngestRequest(request)), {
  headers: corsHeaders,
  crossSite: true,
});

export const OPTIONS = defineRoute(async () => new Response(null, { status: 204 }), {
  headers: corsHeaders,
  crossSite: true,
});
