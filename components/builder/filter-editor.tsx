"use client";
// Adds filters (field, operator, value) to a widget; lists and removes them.
import { useState } from "react";
import { CONVERSION_FIELD, DIMENSIONS, type Filter, filterSchema } from "@/lib/query/schemas";

const ops = ["equals", "not_equals", "contains", "not_contains", "in", "is_set", "is_not_set", "gt", "lt"] as const;
const control = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

export function FilterEditor({
  filters,
  onAdd,
  onRemove,
}: {
  filters: Filter[];
  onAdd: (filter: Filter) => void;
  onRemove: (index: number) => void;
}) {
  const [fieldName, setFieldName] = useState<string>("path");
  const [op, setOp] = useState<(typeof ops)[number]>("equals");
  const [value, setValue] = useState("");
  const typed =
    op === "in"
      ? value
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean)
      : op === "gt" || op === "lt"
        ? Number(value)
        : op === "is_set" || op === "is_not_set"
          ? undefined
          : value;
  const candidate = filterSchema.safeParse({ field: fieldName, op, value: typed });

  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="text-sm font-medium">Filters</legend>
      <ul className="flex flex-col gap-1 text-sm">
        {filters.map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id and hold no state of their own (their inputs are controlled).
          <li key={i} className="flex items-center justify-between rounded bg-slate-100 px-2 py-1 dark:bg-slate-800">
            <span>
              {f.field} {f.op} {Array.isArray(f.value) ? f.value.join(", ") : (f.value ?? "")}
            </span>
            <button type="button" aria-label={`Remove filter ${f.field}`} onClick={() => onRemove(i)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-1">
        <input
          aria-label="Filter field"
          list="lumen-filter-fields"
          className={`${control} w-32`}
          value={fieldName}
          onChange={(e) => setFieldName(e.target.value)}
        />
        <datalist id="lumen-filter-fields">
          {DIMENSIONS.map((d) => (
            <option key={d} value={d} />
          ))}
          <option value="properties." />
          {/* A conversion filter: the visitors who did the event named as the value (equals, in, not_equals, not_in). */}
          <option value={CONVERSION_FIELD} label="Visitors who did (event name as value)" />
        </datalist>
        <select
          aria-label="Filter operator"
          className={control}
          value={op}
          onChange={(e) => setOp(e.target.value as (typeof ops)[number])}
        >
          {ops.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <input
          aria-label="Filter value"
          className={`${control} w-28`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          disabled={op === "is_set" || op === "is_not_set"}
        />
        <button
          type="button"
          className="rounded-md border border-slate-300 px-2 text-sm disabled:opacity-50 dark:border-slate-700"
          disabled={!candidate.success}
          onClick={() => {
            if (candidate.success) {
              onAdd(candidate.data);
              setValue("");
            }
          }}
        >
          Add filter
        </button>
      </div>
    </fieldset>
  );
}
