// PUT /api/v1/reports/{id}/layout: save every widget's grid after a move or resize (analyst+); no overlaps.

import { readAppBody } from "@/lib/api/body";
import { defineRoute } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { saveLayout } from "@/lib/reports/reports";

export const PUT = defineRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  await saveLayout(user.id, (await params).id, await readAppBody(request));
  return new Response(null, { status: 204 });
});
