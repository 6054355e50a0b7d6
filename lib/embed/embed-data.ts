// What an embed shows: its widgets, each run with the token's locked parameters. A viewer may
// change only what the embed makes editable, and only by adding to the locks, never replacing them.
import { getPrisma } from "../db/client";
import { runQuery } from "../query/run-query";
import { queryDefinitionSchema, type Filter, type QueryRange } from "../query/schemas";
import type { QueryResult } from "../query/results";
import type { VerifiedEmbed } from "./tokens";

export interface ViewerChoices {
  range?: QueryRange;
  filters?: Filter[];
}

export interface EmbedWidgetData {
  id: string;
  title: string;
  viz: unknown;
  measureType?: string;
  result: QueryResult | null;
  error?: string;
}

export async function loadEmbedWidgets(embed: VerifiedEmbed, viewer: ViewerChoices = {}): Promise<EmbedWidgetData[]> {
  const { resource, params, editable } = embed.claims;
  const widgets = await getPrisma().widget.findMany({
    where: resource.type === "report" ? { reportId: resource.id, organizationId: embed.organizationId } : { id: resource.id, organizationId: embed.organizationId },
    orderBy: [{ gridY: "asc" }, { gridX: "asc" }],
  });
  const range = editable.includes("range") && viewer.range ? viewer.range : params.range;
  const extra = (viewer.filters ?? []).filter((f) => (editable as string[]).includes(f.field));
  return Promise.all(
    widgets.map(async (widget): Promise<EmbedWidgetData> => {
      const parsed = queryDefinitionSchema.safeParse(widget.query);
      if (!parsed.success) return { id: widget.id, title: widget.title, viz: widget.viz, result: null, error: "This widget's query is invalid." };
      const query = { ...parsed.data, filters: [...parsed.data.filters, ...params.filters, ...extra] };
      const { data } = await runQuery({ organizationId: embed.organizationId, projectId: embed.projectId, query, range, timezone: params.timezone });
      return { id: widget.id, title: widget.title, viz: widget.viz, measureType: "measure" in query ? query.measure.type : undefined, result: data };
    }),
  );
}
