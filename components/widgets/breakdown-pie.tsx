"use client";
// Pie/donut of a breakdown. Slices are clickable with a mouse; the legend beside it lists the same
// values as buttons, which is the keyboard and screen-reader path (the SVG itself is one image).
import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from "recharts";
import type { BreakdownItem } from "./breakdown-items";
import { ChartTooltip } from "./chart-tooltip";
import { formatMeasure, formatPercent, type MeasureType } from "./format";

interface Props {
  items: BreakdownItem[];
  label: string;
  donut: boolean;
  height: number;
  measureType?: MeasureType;
  locale: string;
  onSelect?: (value: string | null) => void;
  nameCell: (item: BreakdownItem) => React.ReactNode;
}

export function BreakdownPie({ items, label, donut, height, measureType, locale, onSelect, nameCell }: Props) {
  // Slices need a positive size; null or zero values stay in the legend only.
  const slices = items.filter((item) => (item.measure ?? 0) > 0);
  const summary = `${donut ? "Donut" : "Pie"} chart of ${label}: ${items.map((item) => `${item.name} ${formatMeasure(item.measure, measureType, locale)}${item.share !== null ? ` (${formatPercent(item.share, locale)})` : ""}`).join("; ")}.`;
  return (
    // Side by side only when the card is wide enough for the legend's labels (a container query, since cards vary in width).
    <div className="@container">
      <div className="flex flex-col items-center gap-4 @md:flex-row">
        <div
          role="img"
          aria-label={summary}
          className="w-full max-w-56 shrink-0 text-slate-500 dark:text-slate-400"
          style={{ height }}
        >
          <ResponsiveContainer width="100%" height="100%">
            {/* No accessibility layer: the legend is the keyboard path, and role="img" must not contain focusable content (hence rootTabIndex too). */}
            <PieChart accessibilityLayer={false}>
              <Pie
                data={slices}
                dataKey="measure"
                nameKey="name"
                innerRadius={donut ? "58%" : 0}
                outerRadius="90%"
                paddingAngle={donut ? 1 : 0}
                stroke="none"
                rootTabIndex={-1}
                isAnimationActive={false}
                onClick={(_, index) => {
                  const item = slices[index];
                  if (onSelect && item && !item.other) onSelect(item.value);
                }}
              >
                {slices.map((item, i) => (
                  <Cell key={i} fill={item.color} className={onSelect && !item.other ? "cursor-pointer" : undefined} />
                ))}
              </Pie>
              <Tooltip
                content={(props) => (
                  <ChartTooltip {...props} formatValue={(v) => formatMeasure(v, measureType, locale)} />
                )}
              />
            </PieChart>
          </ResponsiveContainer>
        </div>
        <ul aria-label={label} className="flex w-full min-w-0 flex-col gap-1 text-sm">
          {items.map((item, i) => (
            <li key={i} className="flex items-center gap-2">
              <span aria-hidden="true" className="size-2.5 shrink-0 rounded-full" style={{ background: item.color }} />
              {nameCell(item)}
              <span className="font-medium tabular-nums">{formatMeasure(item.measure, measureType, locale)}</span>
              {item.share !== null && (
                <span className="w-12 text-right text-xs tabular-nums text-slate-500 dark:text-slate-400">
                  {formatPercent(item.share, locale)}
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
