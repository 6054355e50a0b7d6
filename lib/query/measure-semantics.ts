// How a measure's values read, for the server's comparisons and every widget alike: rates are
// fractions whose changes are told in percentage points (a bounce rate from 40% to 42% is "+2 pp",
// not "+5%"), everything else changes relatively; and which direction is good news. Free of zod
// and SQL, so client code (widgets, embeds) can import it.
import type { Measure } from "./schemas";

export type MeasureType = Measure["type"];

/** Measures whose values are shares (0..1) of something. */
export const RATE_MEASURES: readonly MeasureType[] = ["bounce_rate", "conversion_rate", "goal_conversion_rate"];

/** Measures that are zero when nothing happened; averages and rates are undefined (null) instead. */
const ZERO_WHEN_EMPTY: readonly MeasureType[] = [
  "count",
  "unique_users",
  "new_users",
  "returning_users",
  "sessions",
  "sum",
  "goal_visitors",
  "goal_completions",
];

export function emptyValueOf(type: MeasureType): number | null {
  return ZERO_WHEN_EMPTY.includes(type) ? 0 : null;
}

/** Measures where a fall is good news. */
export const LOWER_IS_BETTER: readonly MeasureType[] = ["bounce_rate"];

export type ChangeUnit = "relative" | "points";

export function isRateMeasure(type: MeasureType | undefined): boolean {
  return type !== undefined && RATE_MEASURES.includes(type);
}

export function changeUnitOf(type: MeasureType): ChangeUnit {
  return isRateMeasure(type) ? "points" : "relative";
}

/**
 * The change from `previous` to `value`: for rates the difference (0.021 = 2.1 percentage points),
 * otherwise relative to the previous value (0.25 = +25%); null when there is nothing to compare.
 */
export function changeOf(type: MeasureType, value: number | null, previous: number | null): number | null {
  if (value === null || previous === null) return null;
  if (isRateMeasure(type)) return value - previous;
  return previous === 0 ? null : (value - previous) / previous;
}
