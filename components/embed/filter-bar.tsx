"use client";
// The embed's compact filter bar, shown only for what the embed makes editable: a date range preset
// and, per editable dimension, a select of the values the token's locks let this viewer see.
import { useEffect, useId, useState } from "react";
import { useLocale } from "@/components/widgets/use-locale";
import type { ChoicesChange } from "@/lib/embed/choices";
import type { EditableField, ViewerChoices } from "@/lib/embed/schemas";
import type { QueryRange } from "@/lib/query/schemas";
import {
  type BuiltInDimension,
  DIMENSION_LABELS,
  dimensionValueLabel,
  RANGE_LABELS,
  type RelativeRange,
  rangeLabel,
} from "@/lib/query/vocabulary";
import { embedApiUrl, getJson } from "./embed-api";

const PRESET_RANGES: RelativeRange[] = [
  "today",
  "yesterday",
  "last_24_hours",
  "last_7_days",
  "last_30_days",
  "last_90_days",
  "this_month",
  "last_month",
  "this_year",
];
const PRESETS: Partial<Record<RelativeRange, string>> = Object.fromEntries(
  PRESET_RANGES.map((r) => [r, RANGE_LABELS[r]]),
);

const control =
  "max-w-48 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 dark:border-slate-700 dark:bg-slate-900";

interface FilterBarProps {
  token: string;
  editable: readonly EditableField[];
  /** What the embed shows until the viewer picks a range (named in the "default" option). */
  defaultRange: QueryRange;
  choices: ViewerChoices;
  onChange: (change: ChoicesChange) => void;
}

export function FilterBar({ token, editable, defaultRange, choices, onChange }: FilterBarProps) {
  const dimensions = editable.filter((field): field is BuiltInDimension => field !== "range");
  return (
    // biome-ignore lint/a11y/useSemanticElements: a flex row that must wrap; a fieldset sizes to min-content and would not.
    <div
      role="group"
      aria-label="Filters"
      data-testid="embed-filters"
      className="flex flex-wrap items-end gap-2 px-3 pt-3"
    >
      {editable.includes("range") && <RangeSelect defaultRange={defaultRange} choices={choices} onChange={onChange} />}
      {dimensions.map((field) => (
        <ValueSelect key={field} token={token} field={field} choices={choices} onChange={onChange} />
      ))}
    </div>
  );
}

function RangeSelect({
  defaultRange,
  choices,
  onChange,
}: Pick<FilterBarProps, "defaultRange" | "choices" | "onChange">) {
  const id = useId();
  const range = choices.range;
  const value = !range ? "" : "relative" in range ? range.relative : "custom";
  return (
    <span className="flex flex-col gap-0.5 text-xs font-medium">
      <label htmlFor={id}>Date range</label>
      <select
        id={id}
        className={control}
        value={value}
        onChange={(e) =>
          e.target.value !== "custom" &&
          onChange({ range: e.target.value ? { relative: e.target.value as RelativeRange } : null })
        }
      >
        <option value="">{`${rangeLabel(defaultRange)} (default)`}</option>
        {Object.entries(PRESETS).map(([preset, label]) => (
          <option key={preset} value={preset}>
            {label}
          </option>
        ))}
        {range && "relative" in range && !(range.relative in PRESETS) && (
          <option value={range.relative}>{RANGE_LABELS[range.relative]}</option>
        )}
        {range && "from" in range && (
          <option value="custom">{`${range.from.slice(0, 10)} – ${range.to.slice(0, 10)}`}</option>
        )}
      </select>
    </span>
  );
}

function ValueSelect({
  token,
  field,
  choices,
  onChange,
}: Omit<FilterBarProps, "editable" | "defaultRange"> & { field: BuiltInDimension }) {
  const id = useId();
  const locale = useLocale();
  const selected = choices.filters[field] ?? "";
  const values = useFieldValues(token, field, choices.range);
  const options = selected && !values.includes(selected) ? [selected, ...values] : values;
  return (
    <span className="flex flex-col gap-0.5 text-xs font-medium">
      <label htmlFor={id}>{DIMENSION_LABELS[field]}</label>
      <select
        id={id}
        className={control}
        value={selected}
        onChange={(e) => onChange({ filters: { [field]: e.target.value || null } })}
      >
        <option value="">All</option>
        {options.map((value) => (
          <option key={value} value={value}>
            {dimensionValueLabel(field, value, locale)}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The dimension's values in the chosen range, under the token's locks (the server applies them). */
function useFieldValues(token: string, field: BuiltInDimension, range: ViewerChoices["range"]): string[] {
  const [values, setValues] = useState<string[]>([]);
  const url = embedApiUrl(token, "/values", { range, filters: {} }, { field });
  useEffect(() => {
    let current = true;
    void getJson<{ values: { value: string }[] }>(url).then((answer) => {
      if (current && answer.ok) setValues(answer.value.values.map((v) => v.value));
    });
    return () => {
      current = false;
    };
  }, [url]);
  return values;
}
