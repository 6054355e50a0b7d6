"use client";
// Recharts' default tooltip is a white box with inline styles; this one follows dark mode via Tailwind.
import type { TooltipContentProps } from "recharts";

interface Props extends Partial<Pick<TooltipContentProps, "active" | "payload" | "label">> {
  formatLabel?: (label: string) => string;
  formatValue: (value: number | null) => string;
}

export function ChartTooltip({ active, payload, label, formatLabel = String, formatValue }: Props) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md dark:border-slate-700 dark:bg-slate-900">
      {label !== undefined && (
        <p className="mb-1 font-medium text-slate-900 dark:text-slate-100">{formatLabel(String(label))}</p>
      )}
      <ul className="space-y-0.5">
        {payload.map((item) => (
          <li
            key={String(item.dataKey ?? item.name)}
            className="flex items-center gap-2 text-slate-600 dark:text-slate-300"
          >
            <span
              aria-hidden="true"
              className="size-2 shrink-0 rounded-full"
              style={{ background: item.color ?? item.payload?.fill }}
            />
            <span className="min-w-0 flex-1 truncate">{item.name}</span>
            <span className="font-medium tabular-nums text-slate-900 dark:text-slate-100">
              {formatValue(typeof item.value === "number" ? item.value : null)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
