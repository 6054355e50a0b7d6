// GET /api/v1/embed/{token}/csv?widget=ID[&range=…&filter.<dimension>=…]: one widget's data as a CSV
// download, with the same locks and choices as the embed shows; 403 unless the embed allows downloads.
import { defineRoute } from "@/lib/api/route";
import { embedCsvQuerySchema, embedWidgetCsv } from "@/lib/embed/embed-csv";
import { EMBED_API_HEADERS, readEmbedRequest } from "@/lib/embed/embed-request";
import { embedPrincipal, withQueryGate } from "@/lib/query/query-gate";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  const { token } = await params;
  const { embed, choices, url } = await readEmbedRequest(request, token);
  const { widget } = embedCsvQuerySchema.parse({ widget: url.searchParams.get("widget") ?? undefined });
  const { fileName, csv } = await withQueryGate(embedPrincipal(token), "embed", ({ gate }) =>
    embedWidgetCsv(embed, widget, choices, gate),
  );
  return new Response(csv, {
    headers: {
      ...EMBED_API_HEADERS,
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
    },
  });
});
