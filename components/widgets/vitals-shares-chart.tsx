"use client";
// The shares of page loads rated good / needs improvement / poor for each Core Web Vital, as
// stacked horizontal bars (Recharts), from a vitals result's first row.
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { VitalMetric, VitalsResult } from "@/lib/query/results";
import { VITAL_LABELS, VITAL_THRESHOLDS } from "@/lib/query/vital-thresholds";
import { ChartFigure } from "./chart-figure";
import { formatPercent } from "./format";
import { useLocale } from "./use-locale";
import { formatVital, RATING_COLORS } from "./vitals-table";

const RATED = (Object.keys(VITAL_THRESHOLDS) as VitalMetric[]).filter((m) => VITAL_THRESHOLDS[m]);
const LEGEND = { good: "Good", needs_improvement: "Needs improvement", poor: "Poor" } as const;

export function VitalsSharesChart({ result, locale }: { result: VitalsResult; locale?: string }) {
  const lang = useLocale(locale);
  const row = result.rows[0];
  const data = RATED.flatMap((metric) => {
    const stats = row?.metrics[metric];
    if (!stats || stats.good === null) return [];
    return [
      {
        metric: metric.toUpperCase(),
        label: VITAL_LABELS[metric],
        p75: formatVital(metric, stats.p75, lang),
        good: stats.good,
        needs_improvement: stats.needs_improvement ?? 0,
        poor: stats.poor ?? 0,
      },
    ];
  });
  const summary = `Ratings of page loads: ${data
    .map((d) => `${d.label} p75 ${d.p75}, ${formatPercent(d.good, lang)} good, ${formatPercent(d.poor, lang)} poor`)
    .join("; ")}`;
  const height = 40 + data.length * 36;
  return (
    <ChartFigure
      summary={summary}
      height={height}
      table={
        <table>
          <caption>Ratings of page loads per metric</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">p75</th>
              <th scope="col">Good</th>
              <th scope="col">Needs improvement</th>
              <th scope="col">Poor</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.metric}>
                <th scope="row">{d.label}</th>
                <td>{d.p75}</td>
                <td>{formatPercent(d.good, lang)}</td>
                <td>{formatPercent(d.needs_improvement, lang)}</td>
                <td>{formatPercent(d.poor, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <XAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v, lang)} />
          <YAxis type="category" dataKey="metric" width={48} />
          <Tooltip formatter={(value) => formatPercent(Number(value), lang)} />
          <Legend />
          {(Object.keys(LEGEND) as (keyof typeof LEGEND)[]).map((rating) => (
            <Bar
              key={rating}
              dataKey={rating}
              name={LEGEND[rating]}
              stackId="rating"
              fill={RATING_COLORS[rating]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
