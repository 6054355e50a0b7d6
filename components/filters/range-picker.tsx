"use client";
// Date range: presets, or a custom from/to (inclusive local dates).
import { useId } from "react";
import { type QueryRange, RELATIVE_RANGES } from "@/lib/query/schemas";
import { RANGE_LABELS } from "@/lib/query/vocabulary";

type Preset = Exclude<(typeof RELATIVE_RANGES)[number], "last_5_minutes">;
const presets = RELATIVE_RANGES.filter((r): r is Preset => r !== "last_5_minutes");

const labels: Record<Preset, string> = RANGE_LABELS;

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";

export function RangePicker({ range, onChange }: { range: QueryRange; onChange: (range: QueryRange) => void }) {
  const id = useId();
  const today = new Date().toISOString().slice(0, 10);
  const custom = "from" in range;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={`${id}-preset`} className="sr-only">
        Date range
      </label>
      <select
        id={`${id}-preset`}
        className={control}
        value={custom ? "custom" : range.relative}
        onChange={(e) =>
          onChange(e.target.value === "custom" ? { from: today, to: today } : { relative: e.target.value as Preset })
        }
      >
        {presets.map((r) => (
          <option key={r} value={r}>
            {labels[r]}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <>
          <label className="flex items-center gap-1 text-sm">
            From
            <input
              type="date"
              className={control}
              value={range.from.slice(0, 10)}
              max={range.to.slice(0, 10)}
              onChange={(e) => e.target.value && onChange({ from: e.target.value, to: range.to })}
            />
          </label>
          <label className="flex items-center gap-1 text-sm">
            To
            <input
              type="date"
              className={control}
              value={range.to.slice(0, 10)}
              min={range.from.slice(0, 10)}
              onChange={(e) => e.target.value && onChange({ from: range.from, to: e.target.value })}
            />
          </label>
        </>
      )}
    </div>
  );
}
