"use client";
// Cohorts (rows) by periods since the first event (columns); cells shaded by retention rate.
import type { RetentionResult } from "@/lib/query/results";
import { seriesColor } from "./colors";
import { formatBucketLabel, formatCount, formatNumber, formatPercent } from "./format";
import { useLocale } from "./use-locale";

export interface RetentionGridProps {
  result: RetentionResult;
  title?: string;
  accent?: string;
  locale?: string;
}

export function RetentionGrid({ result, title = "Retention", accent, locale }: RetentionGridProps) {
  const lang = useLocale(locale);
  const color = seriesColor(0, accent);
  const periods = Math.max(0, ...result.cohorts.map((c) => c.rates.length));
  const unit = result.period === "week" ? "Week" : "Day";
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-separate border-spacing-0.5 text-xs tabular-nums">
        <caption className="sr-only">
          {title}: share of each cohort active in each {result.period} after their first
        </caption>
        <thead className="text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-2 py-1 text-left font-medium">
              Cohort
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium">
              Users
            </th>
            {Array.from({ length: periods }, (_, k) => (
              <th key={k} scope="col" className="px-2 py-1 text-center font-medium">
                {unit} {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.cohorts.map((cohort) => (
            <tr key={cohort.start}>
              <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-medium">
                {formatBucketLabel(cohort.label, result.period, lang)}
              </th>
              <td className="px-2 py-1 text-right">{formatNumber(cohort.size, lang)}</td>
              {Array.from({ length: periods }, (_, k) => {
                const rate = cohort.rates[k] ?? null;
                // Null is a period that has not happened yet: blank, not 0%.
                if (rate === null) return <td key={k} />;
                return (
                  <td
                    key={k}
                    title={`${formatNumber(cohort.counts[k] ?? null, lang)} of ${formatCount(cohort.size, { one: "user", other: "users" }, lang)}`}
                    className={`rounded px-2 py-1 text-center ${rate > 0.5 ? "text-white" : ""}`}
                    // Mixed with transparent so the shade works on light and dark backgrounds; a floor keeps 0% visible as a cell.
                    style={{ background: `color-mix(in srgb, ${color} ${Math.round(6 + rate * 94)}%, transparent)` }}
                  >
                    {formatPercent(rate, lang)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
