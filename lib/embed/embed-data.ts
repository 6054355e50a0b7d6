// What an embed shows: its widgets, each run with the token's locked parameters. A viewer may
// change only what the embed makes editable, and only by adding to the locks, never replacing them.
import "server-only";
import { createHash } from "node:crypto";
import { getPrisma } from "../db/client";
import type { QueryGate } from "../query/query-gate";
import type { QueryResult } from "../query/results";
import { runQuery } from "../query/run-query";
import { type Filter, type QueryRange, queryDefinitionSchema } from "../query/schemas";
import type { Grid } from "../reports/schemas";
import { keepEditable, NO_CHOICES } from "./choices";
import type { ViewerChoices } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

export interface EmbedWidgetData {
  id: string;
  title: string;
  /** Its place on the report's 12-column grid, so a report embed is laid out as the report is. */
  grid: Grid;
  viz: unknown;
  measureType?: string;
  result: QueryResult | null;
  error?: string;
}

/** The locks plus what the viewer may add: the range (when editable) and equality filters on editable dimensions. */
export function effectiveParams(
  embed: VerifiedEmbed,
  choices: ViewerChoices,
): { range?: QueryRange; filters: Filter[]; timezone?: string; compare: boolean; segment?: string } {
  const { params, editable } = embed.claims;
  const allowed = keepEditable(choices, editable);
  const extra = Object.entries(allowed.filters).map(
    ([field, value]): Filter => ({ field: field as Filter["field"], op: "equals", value }),
  );
  return {
    range: allowed.range ?? params.range,
    filters: [...params.filters, ...extra],
    timezone: params.timezone,
    compare: params.compare ?? false,
    segment: params.segment,
  };
}

/** On the embed surface (its statement timeout), in the token's turn when a request holds its gate (lib/query/query-gate.ts). */
export async function loadEmbedWidgets(
  embed: VerifiedEmbed,
  choices: ViewerChoices = NO_CHOICES,
  onlyWidgetId?: string,
  gate?: QueryGate,
): Promise<EmbedWidgetData[]> {
  const { resource } = embed.claims;
  if (onlyWidgetId && resource.type === "widget" && onlyWidgetId !== resource.id) return [];
  const widgets = await getPrisma().widget.findMany({
    where:
      resource.type === "report"
        ? { reportId: resource.id, organizationId: embed.organizationId, ...(onlyWidgetId ? { id: onlyWidgetId } : {}) }
        : { id: resource.id, organizationId: embed.organizationId },
    orderBy: [{ gridY: "asc" }, { gridX: "asc" }],
  });
  const { range, filters, timezone, compare, segment } = effectiveParams(embed, choices);
  return Promise.all(
    widgets.map(async (widget): Promise<EmbedWidgetData> => {
      const parsed = queryDefinitionSchema.safeParse(widget.query);
      const grid = { x: widget.gridX, y: widget.gridY, w: widget.gridW, h: widget.gridH };
      if (!parsed.success)
        return {
          id: widget.id,
          title: widget.title,
          grid,
          viz: widget.viz,
          result: null,
          error: "This widget's query is invalid.",
        };
      const query = {
        ...parsed.data,
        filters: [...parsed.data.filters, ...filters],
        ...(compare && parsed.data.kind === "trend" ? { compare: true } : {}),
      };
      const { data } = await runQuery({
        organizationId: embed.organizationId,
        projectId: embed.projectId,
        query,
        range,
        timezone,
        segment,
        surface: "embed",
        gate,
      });
      return {
        id: widget.id,
        title: widget.title,
        grid,
        viz: widget.viz,
        measureType: "measure" in query ? query.measure.type : undefined,
        result: data,
      };
    }),
  );
}

/** The widgets serialised once, with a version that changes only when the data does (the SSE event id). */
export interface EmbedSnapshot {
  version: string;
  widgets: EmbedWidgetData[];
  json: string;
}

export async function loadEmbedSnapshot(
  embed: VerifiedEmbed,
  choices: ViewerChoices = NO_CHOICES,
  gate?: QueryGate,
): Promise<EmbedSnapshot> {
  const widgets = await loadEmbedWidgets(embed, choices, undefined, gate);
  const json = JSON.stringify({ widgets });
  return { version: createHash("sha256").update(json).digest("base64url").slice(0, 16), widgets, json };
}
