// Creating an embed (an admin, or an admin API key of the organization): stores the token's
// settings, signs it, and returns ready-to-paste HTML.
import "server-only";
import type { Prisma } from "../db/generated/client";
import { assertRole } from "../auth/roles";
import { normalizeOrigin, type AuthenticatedKey } from "../auth/api-keys";
import { getPrisma } from "../db/client";
import { ApiError } from "../errors";
import { createEmbedSchema } from "./schemas";
import { signEmbedToken } from "./tokens";

async function resourceProject(reportId?: string, widgetId?: string) {
  const prisma = getPrisma();
  if (reportId) {
    const report = await prisma.report.findUnique({ where: { id: reportId }, include: { project: true } });
    return report && { type: "report" as const, id: report.id, project: report.project };
  }
  const widget = await prisma.widget.findUnique({ where: { id: widgetId }, include: { report: { include: { project: true } } } });
  return widget && { type: "widget" as const, id: widget.id, project: widget.report.project };
}

/** Who creates the embed: a signed-in user (must be an admin of the organization), or an admin key. */
export type EmbedCreator = { userId: string } | { key: AuthenticatedKey };

export async function createEmbed(creator: EmbedCreator, input: unknown, origin: string) {
  const data = createEmbedSchema.parse(input);
  const resource = await resourceProject(data.report_id, data.widget_id);
  const missing = new ApiError("not_found", "No such report or widget");
  if (!resource) throw missing;
  if ("key" in creator) {
    // Another organization's (or, for a project-bound key, another project's) report is indistinguishable from a missing one.
    const { organizationId, projectId } = creator.key;
    if (organizationId !== resource.project.organizationId || (projectId && projectId !== resource.project.id)) throw missing;
  } else {
    await assertRole(creator.userId, resource.project.organizationId, "admin").catch((error: unknown) => {
      throw error instanceof ApiError && error.code === "not_found" ? missing : error;
    });
  }
  const expiresAt = data.expires_in ? new Date(Date.now() + data.expires_in * 1000) : null;
  const stored = await getPrisma().embedToken.create({
    data: {
      organizationId: resource.project.organizationId,
      projectId: resource.project.id,
      reportId: resource.type === "report" ? resource.id : null,
      widgetId: resource.type === "widget" ? resource.id : null,
      scope: resource.type,
      params: data.params as Prisma.InputJsonValue,
      editable: data.editable,
      theme: data.theme,
      downloads: data.downloads,
      allowedOrigins: data.allowed_origins.map(normalizeOrigin),
      expiresAt,
    },
  });
  const token = await signEmbedToken(
    resource.project.id,
    resource.project.embedSecret,
    { resource: { type: resource.type, id: resource.id }, params: data.params, editable: data.editable, downloads: data.downloads, jti: stored.id },
    expiresAt ?? undefined,
  );
  const url = `${origin}/embed/${token}`;
  return {
    id: stored.id,
    token,
    url,
    iframe_html: `<iframe src="${url}" title="Lumen report" width="100%" height="480" style="border:0" loading="lazy"></iframe>`,
    script_html: `<script src="${origin}/lumen-embed.js" data-src="${url}" async></script>`,
  };
}
