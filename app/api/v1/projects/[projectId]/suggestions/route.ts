// GET /api/v1/projects/{projectId}/suggestions?kind=event|property_key|property_value|dimension_value&key=&prefix=&limit=:
// the project's event names, property keys and values, most frequent first, for the builder's
// comboboxes (a read key of the project's organization, or a signed-in member of it).
import { defineRoute, json } from "@/lib/api/route";
import { authenticateReader, readableProjectOrganization } from "@/lib/auth/read-access";
import { principalOfReader, withQueryGate } from "@/lib/query/query-gate";
import { listSuggestions, parseSuggestionsParams } from "@/lib/query/suggestions";

type Context = { params: Promise<{ projectId: string }> };

export const GET = defineRoute<Context>(async (request, { params }) => {
  const reader = await authenticateReader(request);
  const { projectId } = await params;
  const organizationId = await readableProjectOrganization(reader, projectId);
  const suggestionsRequest = parseSuggestionsParams(new URL(request.url).searchParams);
  const { principal, surface } = principalOfReader(reader, request);
  const answer = await withQueryGate(principal, surface, (caller) =>
    listSuggestions({ organizationId, projectId, ...caller }, suggestionsRequest),
  );
  return json(200, answer, { "cache-control": "private, no-store" });
});
