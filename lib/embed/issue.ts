// Creating an embed (an admin, or an admin API key of the organization): stores the token's
// settings, signs it, and returns ready-to-paste HTML.
import "server-only";
import { actorOfAdmin, recordAudit } from "../audit/record";
import { type AdminPrincipal, assertAdminOfProject } from "../auth/admin-access";
import { normalizeOrigin } from "../auth/api-keys";
import { getPrisma } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { ApiError } from "../errors";
import { assertSegmentOfProject } from "../segments/segments";
import { createEmbedSchema } from "./schemas";
import { signEmbedToken } from "./tokens";

const projectColumns = { id: true, organizationId: true, embedSecret: true } as const;

async function resourceProject(reportId?: string, widgetId?: string) {
  const prisma = getPrisma();
  if (reportId) {
    const report = await prisma.report.findUnique({
      where: { id: reportId },
      include: { project: { select: projectColumns } },
    });
    return report && { type: "report" as const, id: report.id, project: report.project };
  }
  const widget = await prisma.widget.findUnique({
    where: { id: widgetId },
    include: { report: { include: { project: { select: projectColumns } } } },
  });
  return widget && { type: "widget" as const, id: widget.id, project: widget.report.project };
}

/** The creator is a signed-in user (an admin of the organization) or an admin key. */
export async function createEmbed(creator: AdminPrincipal, input: unknown, origin: string) {
  const data = createEmbedSchema.parse(input);
  const resource = await resourceProject(data.report_id, data.widget_id);
  // Another organization's (or, for a project-bound key, another project's) report is indistinguishable from a missing one.
  const missing = new ApiError("not_found", "No such report or widget");
  if (!resource) throw missing;
  await assertAdminOfProject(creator, resource.project, missing);
  await assertSegmentOfProject(
    { organizationId: resource.project.organizationId, projectId: resource.project.id },
    data.params.segment,
    "params.segment",
  );
  const expiresAt = new Date(Date.now() + data.expires_in * 1000);
  const allowedOrigins = data.allowed_origins.map(normalizeOrigin);
  const stored = await getPrisma().$transaction(async (tx) => {
    const stored = await tx.embedToken.create({
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
        allowedOrigins,
        expiresAt,
      },
      select: { id: true },
    });
    // The locked params are left out: their filter values are event data (a customer's id, say).
    await recordAudit(tx, {
      organizationId: resource.project.organizationId,
      projectId: resource.project.id,
      actor: actorOfAdmin(creator),
      action: "embed.created",
      target: { type: "embed", id: stored.id },
      details: {
        [`${resource.type}_id`]: resource.id,
        editable: data.editable,
        downloads: data.downloads,
        segment: data.params.segment ?? null,
        allowed_origins: allowedOrigins,
        expires_at: expiresAt.toISOString(),
      },
    });
    return stored;
  });
  const token = await signEmbedToken(
    resource.project.id,
    resource.project.embedSecret,
    {
      resource: { type: resource.type, id: resource.id },
      params: data.params,
      editable: data.editable,
      downloads: data.downloads,
      jti: stored.id,
    },
    expiresAt,
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
