"use client";
// A measure by dimension value: horizontal bars, a pie/donut or a ranked table. Rows can be
// selected (drill-down filter) by mouse or keyboard; "Other" is greyed and not selectable.
import type { BreakdownResult } from "@/lib/query/results";
import { dimensionLabel } from "@/lib/query/vocabulary";
import { type BreakdownItem, breakdownItems } from "./breakdown-items";
import { BreakdownPie } from "./breakdown-pie";
import { formatMeasure, formatPercent, type MeasureType } from "./format";
import { useLocale } from "./use-locale";

export type BreakdownVariant = "bar" | "pie" | "donut" | "table";

export interface BreakdownChartProps {
  result: BreakdownResult;
  variant?: BreakdownVariant;
  measureType?: MeasureType;
  /** What is measured, e.g. "Pageviews": the measure column heading and the accessible name. */
  title?: string;
  accent?: string;
  locale?: string;
  /** Pie/donut height in pixels; bars and tables grow with their rows. */
  height?: number;
  /** Called with the clicked stored value (null for the "no value" group), e.g. to add an equals / is_not_set filter. */
  onSelect?: (value: string | null) => void;
}

const selectableClass =
  "rounded outline-none hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:hover:bg-slate-800";

/** The value's label, as a button when it can be selected. */
function ItemName({
  item,
  onSelect,
  className = "",
}: {
  item: BreakdownItem;
  onSelect?: (value: string | null) => void;
  className?: string;
}) {
  const text = (
    <span
      className={`truncate ${item.other || item.value === null ? "italic text-slate-500 dark:text-slate-400" : ""}`}
    >
      {item.name}
    </span>
  );
  if (!onSelect || item.other) return <span className={`flex min-w-0 ${className}`}>{text}</span>;
  return (
    <button
      type="button"
      onClick={() => onSelect(item.value)}
      title={`Filter by ${item.name}`}
      className={`flex min-w-0 text-left ${selectableClass} ${className}`}
    >
      {text}
    </button>
  );
}

function BreakdownBars({
  items,
  label,
  measureType,
  locale,
  onSelect,
}: {
  items: BreakdownItem[];
  label: string;
  measureType?: MeasureType;
  locale: string;
  onSelect?: (value: string | null) => void;
}) {
  const max = Math.max(0, ...items.map((item) => item.measure ?? 0));
  return (
    <ul aria-label={label} className="flex flex-col gap-1 text-sm">
      {items.map((item, i) => (
        <li key={i} className="relative flex items-center gap-3 rounded px-2 py-1">
          <span
            aria-hidden="true"
            className="absolute inset-y-0 left-0 rounded"
            style={{
              width: `${max > 0 ? ((item.measure ?? 0) / max) * 100 : 0}%`,
              background: `color-mix(in srgb, ${item.color} 25%, transparent)`,
            }}
          />
          <ItemName item={item} onSelect={onSelect} className="relative -mx-1 flex-1 px-1" />
          <span className="relative font-medium tabular-nums">{formatMeasure(item.measure, measureType, locale)}</span>
          {item.share !== null && (
            <span className="relative w-12 text-right text-xs tabular-nums text-slate-600 dark:text-slate-400">
              {formatPercent(item.share, locale)}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function BreakdownTable({
  items,
  dimension,
  title,
  measureType,
  locale,
  onSelect,
}: {
  items: BreakdownItem[];
  dimension: string;
  title: string;
  measureType?: MeasureType;
  locale: string;
  onSelect?: (value: string | null) => void;
}) {
  const shares = items.some((item) => item.share !== null);
  const th = "py-1.5 pr-3 font-medium";
  return (
    <table className="w-full text-sm tabular-nums">
      <caption className="sr-only">{`${title} by ${dimensionLabel(dimension)}`}</caption>
      <thead className="text-left text-slate-500 dark:text-slate-400">
        <tr>
          <th scope="col" className={`${th} w-8`}>
            #
          </th>
          <th scope="col" className={th}>
            {dimensionLabel(dimension)}
          </th>
          <th scope="col" className={`${th} text-right`}>
            {title}
          </th>
          {shares && (
            <th scope="col" className={`${th} text-right`}>
              Share
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {items.map((item, i) => (
          <tr
            key={i}
            className={`border-t border-slate-100 dark:border-slate-800 ${item.other ? "bg-slate-50 dark:bg-slate-900" : ""}`}
          >
            <td className="py-1.5 pr-3 text-slate-500 dark:text-slate-400">{item.other ? "" : i + 1}</td>
            <th scope="row" className="max-w-0 py-1.5 pr-3 text-left font-normal">
              <ItemName item={item} onSelect={onSelect} className="-mx-1 px-1" />
            </th>
            <td className="py-1.5 pr-3 text-right">{formatMeasure(item.measure, measureType, locale)}</td>
            {shares && (
              <td className="py-1.5 pr-3 text-right text-slate-500 dark:text-slate-400">
                {formatPercent(item.share, locale)}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BreakdownChart({
  result,
  variant = "bar",
  measureType,
  title = "Value",
  accent,
  locale,
  height = 240,
  onSelect,
}: BreakdownChartProps) {
  const lang = useLocale(locale);
  const items = breakdownItems(result, measureType, accent, lang);
  const label = `${title} by ${dimensionLabel(result.dimension)}`;
  if (variant === "table")
    return (
      <BreakdownTable
        items={items}
        dimension={result.dimension}
        title={title}
        measureType={measureType}
        locale={lang}
        onSelect={onSelect}
      />
    );
  if (variant === "bar")
    return <BreakdownBars items={items} label={label} measureType={measureType} locale={lang} onSelect={onSelect} />;
  return (
    <BreakdownPie
      items={items}
      label={label}
      donut={variant === "donut"}
      height={height}
      measureType={measureType}
      locale={lang}
      onSelect={onSelect}
      nameCell={(item) => <ItemName item={item} onSelect={onSelect} className="-mx-1 flex-1 px-1" />}
    />
  );
}
