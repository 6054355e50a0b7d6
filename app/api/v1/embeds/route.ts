// POST /api/v1/embeds: create a signed embed for a report or widget, as a signed-in admin or with an
// admin API key (Authorization: Bearer lma_…, for the customer's backend); returns the token, its
// URL and ready-to-paste iframe and script snippets.

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { createEmbed } from "@/lib/embed/issue";

export const POST = defineRoute(async (request) => {
  const creator = await readAdminPrincipal(request);
  return json(201, await createEmbed(creator, await readAppBody(request), new URL(request.url).origin));
});
