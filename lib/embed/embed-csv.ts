// A widget's data as CSV, downloaded from an embed that allows it: the same locks and viewer
// choices as what the embed shows.
import { z } from "zod";
import { ApiError } from "../errors";
import { csvFileName, resultToCsv } from "../query/csv";
import type { QueryGate } from "../query/query-gate";
import { MEASURE_LABELS, type MeasureType } from "../query/vocabulary";
import { loadEmbedWidgets } from "./embed-data";
import type { ViewerChoices } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

export const embedCsvQuerySchema = z.object({ widget: z.guid() });

export async function embedWidgetCsv(
  embed: VerifiedEmbed,
  widgetId: string,
  choices: ViewerChoices,
  gate?: QueryGate,
): Promise<{ fileName: string; csv: string }> {
  if (!embed.claims.downloads) throw new ApiError("forbidden", "This embed does not allow downloads");
  const [widget] = await loadEmbedWidgets(embed, choices, widgetId, gate);
  if (!widget) throw new ApiError("not_found", "No such widget in this embed");
  if (!widget.result) throw new ApiError("not_found", widget.error ?? "This widget has no data");
  const valueHeading = widget.measureType ? MEASURE_LABELS[widget.measureType as MeasureType] : undefined;
  return { fileName: csvFileName(widget.title), csv: resultToCsv(widget.result, { valueHeading }) };
}
