"use client";
// Web vitals per page, device or browser: each metric's p75 coloured by its rating, with p50 and
// p95 in its title, and a bar of the shares of page loads rated good / needs improvement / poor.
import type { VitalMetric, VitalStats, VitalsResult } from "@/lib/query/results";
import { rateVital, VITAL_LABELS, type VitalRating } from "@/lib/query/vital-thresholds";
import { formatNumber, formatPercent, NO_VALUE } from "./format";
import { useLocale } from "./use-locale";

/** Columns in the order people read a page load: the Core Web Vitals first. */
const COLUMNS: VitalMetric[] = ["lcp", "inp", "cls", "fcp", "ttfb", "load"];
const SHORT: Record<VitalMetric, string> = {
  lcp: "LCP",
  inp: "INP",
  cls: "CLS",
  fcp: "FCP",
  ttfb: "TTFB",
  load: "Load",
};

export const RATING_COLORS: Record<VitalRating, string> = {
  good: "#0d9488",
  needs_improvement: "#d97706",
  poor: "#dc2626",
};
const RATING_TEXT: Record<VitalRating, string> = {
  good: "text-teal-700 dark:text-teal-300",
  needs_improvement: "text-amber-700 dark:text-amber-300",
  poor: "text-red-700 dark:text-red-300",
};

/** Milliseconds as "1.23 s" from a second on, CLS as a plain number. */
export function formatVital(metric: VitalMetric, value: number | null, locale?: string): string {
  if (value === null) return NO_VALUE;
  if (metric === "cls") return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(value);
  if (value >= 1000) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value / 1000)} s`;
  return `${formatNumber(Math.round(value), locale)} ms`;
}

function RatingBar({ stats, locale }: { stats: VitalStats; locale: string }) {
  if (stats.good === null) return null;
  const parts = [
    ["good", stats.good],
    ["needs_improvement", stats.needs_improvement ?? 0],
    ["poor", stats.poor ?? 0],
  ] as const;
  return (
    <div
      className="mt-1 flex h-1.5 w-full min-w-16 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      title={parts.map(([rating, share]) => `${rating.replace("_", " ")} ${formatPercent(share, locale)}`).join(", ")}
    >
      {parts.map(([rating, share]) => (
        <div key={rating} style={{ width: `${share * 100}%`, background: RATING_COLORS[rating] }} />
      ))}
    </div>
  );
}

function VitalCell({ metric, stats, locale }: { metric: VitalMetric; stats: VitalStats | null; locale: string }) {
  if (!stats) return <td className="px-2 py-1 text-right text-slate-400">{NO_VALUE}</td>;
  const rating = rateVital(metric, stats.p75);
  return (
    <td
      className="px-2 py-1 text-right"
      title={`p50 ${formatVital(metric, stats.p50, locale)}, p75 ${formatVital(metric, stats.p75, locale)}, p95 ${formatVital(metric, stats.p95, locale)} over ${formatNumber(stats.samples, locale)} page loads`}
    >
      <span className={`font-medium ${rating ? RATING_TEXT[rating] : ""}`}>
        {formatVital(metric, stats.p75, locale)}
      </span>
      <RatingBar stats={stats} locale={locale} />
    </td>
  );
}

const groupHeading: Record<NonNullable<VitalsResult["group_by"]>, string> = {
  page: "Page",
  device: "Device",
  browser: "Browser",
};

export function VitalsTable({
  result,
  title = "Web vitals",
  locale,
}: {
  result: VitalsResult;
  title?: string;
  locale?: string;
}) {
  const lang = useLocale(locale);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-xs tabular-nums">
        <caption className="sr-only">
          {title}: the 75th percentile of each metric, and the shares of page loads rated good, needs improvement and
          poor
        </caption>
        <thead className="text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              {result.group_by ? groupHeading[result.group_by] : "All pages"}
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Page loads
            </th>
            {COLUMNS.map((metric) => (
              <th key={metric} scope="col" className="px-2 py-1 text-right font-medium" title={VITAL_LABELS[metric]}>
                {SHORT[metric]} p75
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row) => (
            <tr key={row.value ?? "(none)"} className="border-t border-slate-100 dark:border-slate-800">
              <th
                scope="row"
                className="max-w-64 truncate px-2 py-1 text-left font-medium"
                title={row.value ?? undefined}
              >
                {row.value ?? (result.group_by ? "(none)" : "All")}
              </th>
              <td className="px-2 py-1 text-right">{formatNumber(row.samples, lang)}</td>
              {COLUMNS.map((metric) => (
                <VitalCell key={metric} metric={metric} stats={row.metrics[metric]} locale={lang} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
