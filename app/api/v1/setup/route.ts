// POST /api/v1/setup: first run only; creates the first owner, organization and project.
import { defineRoute, json } from "@/lib/api/route";
import { invalidRequest } from "@/lib/errors";
import { readJsonBody } from "@/lib/ingest/read-body";
import { runFirstSetup, setupInputSchema } from "@/lib/workspace/setup";

export const POST = defineRoute(async (request) => {
  const parsed = setupInputSchema.safeParse(await readJsonBody(request, 16 * 1024));
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  return json(201, await runFirstSetup(parsed.data));
});
