// POST /api/v1/embeds: create a signed embed for a report or widget (admin+); returns the token,
// its URL and ready-to-paste iframe and script snippets.
import { defineRoute, json } from "@/lib/api/route";
import { readAppBody } from "@/lib/api/body";
import { requireUser } from "@/lib/auth/session";
import { createEmbed } from "@/lib/embed/issue";

export const POST = defineRoute(async (request) => {
  const user = await requireUser();
  return json(201, await createEmbed(user.id, await readAppBody(request), new URL(request.url).origin));
});
