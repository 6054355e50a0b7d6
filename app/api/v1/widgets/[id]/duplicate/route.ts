// POST /api/v1/widgets/{id}/duplicate: copy a widget, placed right after it (analyst+).
import { defineRoute, json } from "@/lib/api/route";
import { requireUser } from "@/lib/auth/session";
import { duplicateWidget } from "@/lib/reports/reports";

export const POST = defineRoute<{ params: Promise<{ id: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  return json(201, await duplicateWidget(user.id, (await params).id));
});
