// Breakdown rows flattened for display: the top values, then "Other", each with its share of the total.
import type { BreakdownResult } from "@/lib/query/results";
import { OTHER_COLOR, seriesColor } from "./colors";
import { isAdditive, type MeasureType } from "./format";

export interface BreakdownItem {
  /** The dimension value to filter by; null is the "(none)" group. Meaningless for "Other". */
  value: string | null;
  name: string;
  measure: number | null;
  /** Fraction of the total, or null when the measure does not add up (averages, rates, unique users). */
  share: number | null;
  other: boolean;
  color: string;
}

export function breakdownItems(result: BreakdownResult, measureType?: MeasureType, accent?: string): BreakdownItem[] {
  const total = isAdditive(measureType) ? result.rows.reduce((sum, r) => sum + (r.measure ?? 0), result.other ?? 0) : 0;
  const share = (measure: number | null) => (total > 0 && measure !== null ? measure / total : null);
  const items: BreakdownItem[] = result.rows.map((row, i) => ({
    value: row.value,
    name: row.value ?? "(none)",
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
