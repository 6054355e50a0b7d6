// GET /api/v1/embed/{token}: what a valid token opens and allows, without data. An open embed calls
// it to check a renewed token (set-token) before switching to it.
import { defineRoute, json } from "@/lib/api/route";
import { describeEmbed } from "@/lib/embed/describe";
import { EMBED_API_HEADERS, verifyEmbedForApi } from "@/lib/embed/embed-request";

export const dynamic = "force-dynamic";

export const GET = defineRoute<{ params: Promise<{ token: string }> }>(async (_request, { params }) => {
  const embed = await verifyEmbedForApi((await params).token);
  return json(200, await describeEmbed(embed), EMBED_API_HEADERS);
});
