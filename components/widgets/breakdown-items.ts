// Breakdown rows flattened for display: the top values, then "Other", each with its share of the total.
import type { BreakdownResult } from "@/lib/query/results";
import { dimensionValueLabel } from "@/lib/query/vocabulary";
import { OTHER_COLOR, seriesColor } from "./colors";
import { isAdditive, type MeasureType } from "./format";

export interface BreakdownItem {
  /** The stored dimension value to filter by (a country code, not its name); null is the "no value" group. Meaningless for "Other". */
  value: string | null;
  /** The value as people read it ("France", "Direct / none"). */
  name: string;
  measure: number | null;
  /** Fraction of the total, or null when the measure does not add up (averages, rates, unique users). */
  share: number | null;
  other: boolean;
  color: string;
}

export function breakdownItems(
  result: BreakdownResult,
  measureType?: MeasureType,
  accent?: string,
  locale?: string,
): BreakdownItem[] {
  const total = isAdditive(measureType) ? result.rows.reduce((sum, r) => sum + (r.measure ?? 0), result.other ?? 0) : 0;
  const share = (measure: number | null) => (total > 0 && measure !== null ? measure / total : null);
  const items: BreakdownItem[] = result.rows.map((row, i) => ({
    value: row.value,
    name: dimensionValueLabel(result.dimension, row.value, locale),
    measure: row.measure,
    share: share(row.measure),
    other: false,
    color: seriesColor(i, accent),
  }));
  if (result.other !== null)
    items.push({
      value: null,
      name: "Other",
      measure: result.other,
      share: share(result.other),
      other: true,
      color: OTHER_COLOR,
    });
  return items;
}
