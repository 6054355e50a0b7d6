"use client";
// One big number with its change against the previous period of equal length. The number's size
// follows the card's width (a container query) and it wraps rather than being cut off, so a long
// figure on a phone or in a one-column card is always whole.
import type { MetricResult } from "@/lib/query/results";
import { formatMeasure, formatPercent, type MeasureType } from "./format";
import { useLocale } from "./use-locale";

export interface MetricCardProps {
  result: MetricResult;
  measureType?: MeasureType;
  /** Caption above the number, e.g. "Visitors". */
  label?: string;
  /** Colour a decrease as good (green) and an increase as bad; defaults to true for bounce rate. */
  invert?: boolean;
  locale?: string;
}

export function MetricCard({
  result,
  measureType,
  label,
  invert = measureType === "bounce_rate",
  locale,
}: MetricCardProps) {
  const lang = useLocale(locale);
  const { value, previous, change } = result;
  const direction = change === null || change === 0 ? "flat" : change > 0 ? "up" : "down";
  const good = direction === "flat" ? null : (direction === "up") !== invert;
  const tone =
    good === null
      ? "text-slate-500 dark:text-slate-400"
      : good
        ? "text-emerald-700 dark:text-emerald-400"
        : "text-rose-600 dark:text-rose-400";
  return (
    <div className="@container flex min-w-0 flex-col gap-1">
      {label && <p className="text-sm font-medium text-slate-500 dark:text-slate-400">{label}</p>}
      <p
        data-testid="metric-value"
        className="text-[length:clamp(1.5rem,16cqi,2.25rem)] leading-tight font-semibold tracking-tight tabular-nums [overflow-wrap:anywhere]"
      >
        {formatMeasure(value, measureType, lang)}
      </p>
      {previous !== null && (
        <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
          {change !== null && (
            <span className={`font-medium tabular-nums ${tone}`}>
              <span aria-hidden="true">{direction === "up" ? "▲" : direction === "down" ? "▼" : "■"} </span>
              <span className="sr-only">
                {direction === "flat" ? "No change" : direction === "up" ? "Up" : "Down"}{" "}
              </span>
              {formatPercent(Math.abs(change), lang)}
            </span>
          )}
          <span className="text-slate-500 dark:text-slate-400">
            vs {formatMeasure(previous, measureType, lang)} in the previous period
          </span>
        </p>
      )}
    </div>
  );
}
