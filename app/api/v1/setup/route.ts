// POST /api/v1/setup: first run only; creates the first owner, organization and project. Once set
// up, a 409 before anything else.
import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { invalidRequest } from "@/lib/errors";
import { assertSetupNeeded, runFirstSetup, setupInputSchema } from "@/lib/workspace/setup";

export const POST = defineRoute(async (request) => {
  await assertSetupNeeded();
  const parsed = setupInputSchema.safeParse(await readAppBody(request, 16 * 1024));
  if (!parsed.success) throw invalidRequest(parsed.error.issues);
  return json(201, await runFirstSetup(parsed.data));
});
