// GET /api/v1/embed/{token}/data?range=…&filter.<dimension>=…: every widget's data once, with the
// token's locks and the viewer's editable choices. The embed polls it where server-sent events fail,
// and reads it on "refresh".
import { defineRoute, json } from "@/lib/api/route";
import { describeEmbed } from "@/lib/embed/describe";
import { loadEmbedSnapshot } from "@/lib/embed/embed-data";
import { EMBED_API_HEADERS, readEmbedRequest } from "@/lib/embed/embed-request";
import { embedPrincipal, withQueryGate } from "@/lib/query/query-gate";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  const { token } = await params;
  const { embed, choices } = await readEmbedRequest(request, token);
  const snapshot = await withQueryGate(embedPrincipal(token), "embed", ({ gate }) =>
    loadEmbedSnapshot(embed, choices, gate),
  );
  return json(
    200,
    { version: snapshot.version, embed: await describeEmbed(embed), widgets: snapshot.widgets },
    EMBED_API_HEADERS,
  );
});
