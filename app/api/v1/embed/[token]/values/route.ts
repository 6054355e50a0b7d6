// GET /api/v1/embed/{token}/values?field=country[&range=…]: the values an editable dimension takes
// under the token's locks, for the embed's filter bar. 403 for a dimension the embed does not make editable.
import { defineRoute, json } from "@/lib/api/route";
import { EMBED_API_HEADERS, readEmbedRequest } from "@/lib/embed/embed-request";
import { fieldValuesQuerySchema, listFieldValues } from "@/lib/embed/field-values";
import { embedPrincipal, withQueryGate } from "@/lib/query/query-gate";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (request, { params }) => {
  const { token } = await params;
  const { embed, choices, url } = await readEmbedRequest(request, token);
  const { field } = fieldValuesQuerySchema.parse({ field: url.searchParams.get("field") ?? undefined });
  const values = await withQueryGate(embedPrincipal(token), "embed", ({ gate }) =>
    listFieldValues(embed, field, choices, gate),
  );
  return json(200, { field, values }, EMBED_API_HEADERS);
});
