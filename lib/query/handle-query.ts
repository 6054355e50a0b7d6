// POST /api/v1/query, end to end: read access, the validated request, then the query in its
// reader's turn (a read key is the "api" surface, a signed-in member the "app").
import "server-only";
import { readJsonBody } from "../api/read-body";
import { authenticateReader, readableProjectOrganization } from "../auth/read-access";
import { invalidRequest } from "../errors";
import { principalOfReader, withQueryGate } from "./query-gate";
import { runQuery } from "./run-query";
import { queryRequestSchema } from "./schemas";

const MAX_QUERY_BYTES = 64 * 1024;

export async function handleQueryRequest(request: Request) {
  const reader = await authenticateReader(request);
  const parsed = queryRequestSchema.safeParse(await readJsonBody(request, MAX_QUERY_BYTES));
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  const { project_id: projectId, query, range, timezone, segment } = parsed.data;
  const organizationId = await readableProjectOrganization(reader, projectId);
  const { principal, surface } = principalOfReader(reader, request);
  return withQueryGate(principal, surface, (caller) =>
    runQuery({ organizationId, projectId, query, range, timezone, segment, ...caller }),
  );
}
