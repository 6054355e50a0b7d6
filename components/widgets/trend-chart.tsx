"use client";
// A measure over time: one series, or one per breakdown value plus "Other", as lines, bars or areas;
// with the previous period (a compared trend), each series' previous values as a dashed line, bucket
// by bucket. Buckets still to come are null: no line is drawn there, rather than a fall to zero.
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TrendResult } from "@/lib/query/results";
import { dimensionValueLabel, INTERVAL_LABELS } from "@/lib/query/vocabulary";
import { ChartFigure } from "./chart-figure";
import { ChartTooltip } from "./chart-tooltip";
import { seriesColor } from "./colors";
import { formatBucketLabel, formatCount, formatMeasure, isAdditive, type MeasureType } from "./format";
import { useLocale } from "./use-locale";

export type TrendVariant = "line" | "bar" | "area";

export interface TrendChartProps {
  result: TrendResult;
  variant?: TrendVariant;
  measureType?: MeasureType;
  /** What is measured, e.g. "Pageviews": names a lone series and starts the accessible summary. */
  title?: string;
  accent?: string;
  locale?: string;
  height?: number;
}

/** Display names: breakdown values as people read them (with the name of the "no value" group), "Other" for the folded rest. */
export function seriesNames(result: TrendResult, title = "Value", locale?: string): string[] {
  return result.series.map((s) => {
    if (s.other) return "Other";
    if (!result.dimension && result.series.length === 1) return title;
    return dimensionValueLabel(result.dimension ?? "", s.key, locale);
  });
}

/** Names of the previous period's series: "Previous period" alone, else "<series> (previous period)". */
export function previousSeriesNames(result: TrendResult, title = "Value", locale?: string): string[] {
  if (!result.previous) return [];
  const names = seriesNames(result, title, locale);
  return result.previous.series.map((_, i) =>
    result.series.length === 1 ? "Previous period" : `${names[i]} (previous period)`,
  );
}

const intervalNouns = {
  hour: { one: "hour", other: "hours" },
  day: { one: "day", other: "days" },
  week: { one: "week", other: "weeks" },
  month: { one: "month", other: "months" },
} as const;

export function TrendTable({
  result,
  measureType,
  title,
  locale,
  className = "",
}: Omit<TrendChartProps, "variant" | "accent" | "height"> & { className?: string }) {
  const lang = useLocale(locale);
  const names = [...seriesNames(result, title, lang), ...previousSeriesNames(result, title, lang)];
  const series = [...result.series, ...(result.previous?.series ?? [])];
  return (
    <table className={`w-full text-sm tabular-nums ${className}`}>
      {title && <caption className="sr-only">{title}</caption>}
      <thead className="text-left text-slate-500 dark:text-slate-400">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            {INTERVAL_LABELS[result.interval]}
          </th>
          {names.map((name, i) => (
            <th key={i} scope="col" className="py-1 pr-3 text-right font-medium">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.buckets.map((bucket, row) => (
          <tr key={bucket.start} className="border-t border-slate-100 dark:border-slate-800">
            <th scope="row" className="py-1 pr-3 text-left font-normal">
              {formatBucketLabel(bucket.label, result.interval, lang, "long")}
            </th>
            {series.map((s, i) => (
              <td key={i} className="py-1 pr-3 text-right">
                {formatMeasure(s.values[row] ?? null, measureType, lang)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrendChart({
  result,
  variant = "line",
  measureType,
  title,
  accent,
  locale,
  height = 280,
}: TrendChartProps) {
  const lang = useLocale(locale);
  const names = seriesNames(result, title, lang);
  // Recharts keys data by property name; index keys avoid clashes with arbitrary breakdown values.
  const previousNames = previousSeriesNames(result, title, lang);
  const data = result.buckets.map((bucket, row) => ({
    label: bucket.label,
    ...Object.fromEntries(result.series.map((s, i) => [`s${i}`, s.values[row] ?? null])),
    ...Object.fromEntries((result.previous?.series ?? []).map((s, i) => [`p${i}`, s.values[row] ?? null])),
  }));
  // Stacking shows the total only when groups add up; unique users or averages overlap instead.
  const stackId = variant !== "line" && result.series.length > 1 && isAdditive(measureType) ? "stack" : undefined;
  const shortLabel = (label: string) => formatBucketLabel(label, result.interval, lang);
  const first = result.buckets[0];
  const last = result.buckets.at(-1);
  const range =
    first && last
      ? `, ${formatCount(result.buckets.length, intervalNouns[result.interval], lang)} from ${shortLabel(first.label)} to ${formatBucketLabel(last.label, result.interval, lang, "long")}`
      : "";
  const totals = result.series.map((s, i) => `${names[i]} ${formatMeasure(s.total, measureType, lang)}`).join("; ");
  const previousTotals = (result.previous?.series ?? [])
    .map((s, i) => `${previousNames[i]} ${formatMeasure(s.total, measureType, lang)}`)
    .join("; ");
  const summary = `${variant[0]!.toUpperCase() + variant.slice(1)} chart${title ? ` of ${title}` : ""}${range}. Total: ${totals}.${previousTotals ? ` Dashed: ${previousTotals}.` : ""}`;

  return (
    <ChartFigure
      summary={summary}
      height={height}
      table={<TrendTable result={result} measureType={measureType} title={title} locale={lang} />}
    >
      <ResponsiveContainer width="100%" height="100%">
        {/* No accessibility layer: a focusable SVG inside role="img" would be hidden interactive content; the table carries the data. */}
        <ComposedChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.15} />
          <XAxis
            dataKey="label"
            tickFormatter={shortLabel}
            tick={{ fill: "currentColor", fontSize: 12 }}
            tickLine={false}
            axisLine={{ stroke: "currentColor", strokeOpacity: 0.3 }}
            minTickGap={24}
          />
          <YAxis
            width="auto"
            tickFormatter={(v: number) => formatMeasure(v, measureType, lang, true)}
            tick={{ fill: "currentColor", fontSize: 12 }}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            cursor={{ stroke: "currentColor", strokeOpacity: 0.3, fill: "currentColor", fillOpacity: 0.06 }}
            content={(props) => (
              <ChartTooltip
                {...props}
                formatLabel={(label) => formatBucketLabel(label, result.interval, lang, "long")}
                formatValue={(v) => formatMeasure(v, measureType, lang)}
              />
            )}
          />
          {(result.series.length > 1 || result.previous) && (
            <Legend
              iconType="circle"
              iconSize={8}
              itemSorter={null}
              formatter={(name: string) => <span className="text-xs text-slate-600 dark:text-slate-300">{name}</span>}
            />
          )}
          {result.series.map((s, i) => {
            const color = seriesColor(i, accent, s.other);
            const common = { dataKey: `s${i}`, name: names[i], isAnimationActive: false } as const;
            if (variant === "bar")
              return (
                <Bar
                  {...common}
                  key={i}
                  fill={color}
                  stackId={stackId}
                  maxBarSize={32}
                  radius={stackId ? 0 : [3, 3, 0, 0]}
                />
              );
            if (variant === "area")
              return (
                <Area
                  {...common}
                  key={i}
                  type="monotone"
                  stroke={color}
                  fill={color}
                  fillOpacity={0.15}
                  strokeWidth={2}
                  stackId={stackId}
                />
              );
            return (
              <Line
                {...common}
                key={i}
                type="monotone"
                stroke={color}
                strokeWidth={2}
                dot={false}
                strokeDasharray={s.other ? "4 3" : undefined}
              />
            );
          })}
          {result.previous?.series.map((s, i) => (
            <Line
              key={`p${i}`}
              dataKey={`p${i}`}
              name={previousNames[i]}
              isAnimationActive={false}
              className="lumen-previous-period"
              type="monotone"
              stroke={seriesColor(i, accent, s.other)}
              strokeOpacity={0.6}
              strokeWidth={1.5}
              strokeDasharray="5 4"
              dot={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
