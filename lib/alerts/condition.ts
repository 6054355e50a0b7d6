// Whether a rule's condition holds, from the numbers its evaluation read (pure: the clock and the
// database stay in evaluate.ts). Each verdict carries what the value was compared with, which the
// history and every notification show.
import type { AlertCondition } from "./schemas";

/** What the value was compared with: a threshold, a reference window's value, or a band. */
export type Comparison =
  | { threshold: number; op: "above" | "below" }
  | { reference: number | null; change: number | null; unit: "percent" | "absolute" }
  | { band: { lower: number; upper: number; median: number }; history: (number | null)[] }
  | { no_data_minutes: number };

export interface Verdict {
  breaching: boolean;
  comparison: Comparison;
}

/** The numbers an evaluation read: the window's value, and the condition's reference values. */
export interface Observed {
  value: number | null;
  /** change: the reference window's value. */
  reference?: number | null;
  /** anomaly: the same window 1..N weeks earlier. */
  history?: (number | null)[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** 1.4826 x MAD estimates the standard deviation of normal data, robustly (one wild week moves it little). */
const MAD_TO_SIGMA = 1.4826;
/**
 * A perfectly regular history has a MAD of 0, which would make any wobble an anomaly: the deviation
 * is at least this share of the median (with k = 3, a band of +/-30%).
 */
const MIN_RELATIVE_DEVIATION = 0.1;

/** The band median +/- k robust deviations over the weeks that have a value; null with fewer than two. */
export function anomalyBand(
  history: (number | null)[],
  k: number,
): { lower: number; upper: number; median: number } | null {
  const known = history.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const center = median(known);
  const mad = median(known.map((v) => Math.abs(v - center)));
  const deviation = Math.max(MAD_TO_SIGMA * mad, MIN_RELATIVE_DEVIATION * Math.abs(center));
  return { lower: center - k * deviation, upper: center + k * deviation, median: center };
}

export function judge(condition: AlertCondition, observed: Observed): Verdict {
  const { value } = observed;
  switch (condition.type) {
    case "threshold":
      return {
        // A window without a value (an average over no events) breaches no threshold: no_data watches for that.
        breaching: value !== null && (condition.op === "above" ? value > condition.value : value < condition.value),
        comparison: { threshold: condition.value, op: condition.op },
      };
    case "change": {
      const reference = observed.reference ?? null;
      // A percent change from nothing is undefined: such rules use an absolute change or a threshold.
      const change =
        value === null || reference === null
          ? null
          : condition.unit === "absolute"
            ? value - reference
            : reference === 0
              ? null
              : ((value - reference) / Math.abs(reference)) * 100;
      const breaching =
        change !== null &&
        (condition.direction === "increase"
          ? change >= condition.value
          : condition.direction === "decrease"
            ? -change >= condition.value
            : Math.abs(change) >= condition.value);
      return { breaching, comparison: { reference, change, unit: condition.unit } };
    }
    case "anomaly": {
      const history = observed.history ?? [];
      const band = anomalyBand(history, condition.k);
      if (!band || value === null)
        return { breaching: false, comparison: { band: band ?? { lower: 0, upper: 0, median: 0 }, history } };
      const outside =
        (condition.direction !== "below" && value > band.upper) ||
        (condition.direction !== "above" && value < band.lower);
      const volume = Math.max(value, band.median) >= condition.min_volume;
      return { breaching: outside && volume, comparison: { band, history } };
    }
    case "no_data":
      return { breaching: value === 0, comparison: { no_data_minutes: condition.minutes } };
  }
}
