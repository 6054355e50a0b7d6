// PATCH/DELETE /api/v1/widgets/{id}: edit a widget (title, query, viz, grid) or delete it (analyst+).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { deleteWidget, updateWidget } from "@/lib/reports/reports";

type Context = { params: Promise<{ id: string }> };

export const PATCH = defineRoute<Context>(async (request, { params }) => {
  const user = await requireUser();
  return json(200, await updateWidget(user.id, (await params).id, await readAppBody(request)));
});

export const DELETE = defineRoute<Context>(async (_request, { params }) => {
  const user = await requireUser();
  await deleteWidget(user.id, (await params).id);
  return new Response(null, { status: 204 });
});
