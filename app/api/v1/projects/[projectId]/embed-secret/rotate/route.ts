// POST /api/v1/projects/{projectId}/embed-secret/rotate { grace_seconds?: 0..2592000 (default 86400) }:
// a new embed signing secret (owner/admin, or an admin API key); the previous one keeps verifying for
// the grace period (0: not at all, and its tokens' open streams end now). Answers with the new secret.

import { readAppBody } from "@/lib/api/body";
import { defineRoute, json } from "@/lib/api/route";
import { readAdminPrincipal } from "@/lib/auth/admin-access";
import { rotateEmbedSecret } from "@/lib/embed/signing-secret";

export const POST = defineRoute<{ params: Promise<{ projectId: string }> }>(async (request, { params }) => {
  const admin = await readAdminPrincipal(request);
  const rotated = await rotateEmbedSecret(admin, (await params).projectId, await readAppBody(request));
  return json(200, rotated, { "cache-control": "no-store" });
});
