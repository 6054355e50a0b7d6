// GET /api/v1/projects/{projectId}/stream: server-sent events with the overview's realtime numbers
// ("active now", events in the last minute) for signed-in members of any role: the current values,
// then new ones after each ingest that touched the project (shared by all its viewers) and every
// 30 s. Honours Last-Event-ID; closes after 10 minutes so the client reconnects and is re-authorised.
import { defineRoute } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { openProjectLiveStream } from "@/lib/realtime/project-live";
import { SSE_HEADERS } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  const stream = await openProjectLiveStream(user.id, (await params).projectId, {
    signal: request.signal,
    lastEventId: request.headers.get("last-event-id"),
  });
  return new Response(stream, { headers: SSE_HEADERS });
});
