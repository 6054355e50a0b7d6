// POST /api/v1/reports/{id}/widgets: add a widget (title, query, viz, grid?) to a report (analyst+), placed
// after the last widget in the first slot where it fits (or at the grid's place in the order).

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { addWidget } from "@/lib/reports/reports";

export const POST = defineRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const user = await requireUser();
  return json(201, await addWidget(user.id, (await params).id, await readAppBody(request)));
});
