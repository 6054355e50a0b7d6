"use client";
// One big number with its change against the comparable part of the previous period (the server
// decides which: lib/query/range.ts). Counts and durations change in percent, rates in percentage
// points; green is good news for the measure (a falling bounce rate), red bad. The number's size
// follows the card's width (a container query) and it wraps rather than being cut off, so a long
// figure on a phone or in a one-column card is always whole.
import { LOWER_IS_BETTER } from "@/lib/query/measure-semantics";
import type { MetricResult } from "@/lib/query/results";
import { formatMeasure, formatPercent, formatPoints, type MeasureType } from "./format";
import { useLocale } from "./use-locale";

export interface MetricCardProps {
  result: MetricResult;
  measureType?: MeasureType;
  /** Caption above the number, e.g. "Visitors". */
  label?: string;
  /** Colour a decrease as good (green) and an increase as bad; defaults to the measure's own (bounce rate). */
  invert?: boolean;
  locale?: string;
}

/** The change as shown, and which way it went once rounded for display (a rate unchanged to 0.1 pp is flat). */
function describeChange(result: MetricResult, locale: string): { text: string; direction: "up" | "down" | "flat" } {
  const { change, change_unit: unit } = result;
  if (change === null) return { text: "", direction: "flat" };
  const shown = unit === "points" ? Math.round(change * 1000) / 1000 : change;
  const direction = shown === 0 ? "flat" : shown > 0 ? "up" : "down";
  return {
    text: unit === "points" ? formatPoints(shown, locale) : formatPercent(Math.abs(change), locale),
    direction,
  };
}

export function MetricCard({
  result,
  measureType,
  label,
  invert = measureType !== undefined && LOWER_IS_BETTER.includes(measureType),
  locale,
}: MetricCardProps) {
  const lang = useLocale(locale);
  const { value, previous, change } = result;
  const { text, direction } = describeChange(result, lang);
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
        <p className="flex flex-wrap items-baseline gap-x-2 text-sm" data-testid="metric-change">
          {change !== null && (
            <span className={`font-medium tabular-nums ${tone}`}>
              <span aria-hidden="true">{direction === "up" ? "▲" : direction === "down" ? "▼" : "■"} </span>
              <span className="sr-only">
                {direction === "flat" ? "No change" : direction === "up" ? "Up" : "Down"}{" "}
              </span>
              {text}
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
