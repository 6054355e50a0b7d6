// The values an editable dimension takes in what the embed may show: its most frequent values in the
// locked (or chosen) range, under the token's locked filters, so a customer-locked token never lists
// another customer's values.
import { z } from "zod";
import { ApiError } from "../errors";
import type { QueryGate } from "../query/query-gate";
import { runQuery } from "../query/run-query";
import { DIMENSIONS, isSessionDimension } from "../query/vocabulary";
import { effectiveParams } from "./embed-data";
import type { ViewerChoices } from "./schemas";
import type { VerifiedEmbed } from "./tokens";

export const MAX_FIELD_VALUES = 100;

export const fieldValuesQuerySchema = z.object({ field: z.enum(DIMENSIONS) });

export interface FieldValue {
  value: string;
  count: number;
}

export async function listFieldValues(
  embed: VerifiedEmbed,
  field: (typeof DIMENSIONS)[number],
  choices: ViewerChoices,
  gate?: QueryGate,
): Promise<FieldValue[]> {
  if (!(embed.claims.editable as readonly string[]).includes(field))
    throw new ApiError("forbidden", `Not editable in this embed: ${field}`);
  // The viewer's other filters are left out on purpose: the list offers every value they could pick instead.
  const { range, filters, timezone, segment } = effectiveParams(embed, { range: choices.range, filters: {} });
  const { data } = await runQuery({
    organizationId: embed.organizationId,
    projectId: embed.projectId,
    query: {
      kind: "breakdown",
      dimension: field,
      // Entry and exit pages are counted by sessions, which the session rollups answer.
      measure: { type: isSessionDimension(field) ? "sessions" : "count" },
      limit: MAX_FIELD_VALUES,
      sort: "desc",
      filters,
    },
    range,
    timezone,
    segment,
    surface: "embed",
    gate,
  });
  if (data.kind !== "breakdown") throw new Error("a breakdown query answered with another kind");
  return data.rows
    .filter((row): row is { value: string; measure: number } => row.value !== null && row.measure !== null)
    .map((row) => ({ value: row.value, count: row.measure }));
}
