// The published Core Web Vitals thresholds (web.dev): a value up to `good` is good, above `poor` is
// poor, between needs improvement. Milliseconds, CLS unitless. Zod-free: widgets import it too.
import type { VitalMetric } from "./results";

export const VITAL_THRESHOLDS: Partial<Record<VitalMetric, { good: number; poor: number }>> = {
  lcp: { good: 2500, poor: 4000 },
  inp: { good: 200, poor: 500 },
  cls: { good: 0.1, poor: 0.25 },
  fcp: { good: 1800, poor: 3000 },
  ttfb: { good: 800, poor: 1800 },
};

export const VITAL_LABELS: Record<VitalMetric, string> = {
  lcp: "Largest Contentful Paint",
  inp: "Interaction to Next Paint",
  cls: "Cumulative Layout Shift",
  fcp: "First Contentful Paint",
  ttfb: "Time to First Byte",
  load: "Page load",
};

export type VitalRating = "good" | "needs_improvement" | "poor";

export function rateVital(metric: VitalMetric, value: number): VitalRating | null {
  const threshold = VITAL_THRESHOLDS[metric];
  if (!threshold) return null;
  return value <= threshold.good ? "good" : value <= threshold.poor ? "needs_improvement" : "poor";
}
