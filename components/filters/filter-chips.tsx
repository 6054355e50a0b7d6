"use client";
// The filters applied to every widget, each removable.
import { CONVERSION_FIELD, type Filter } from "@/lib/query/schemas";

/** A conversion filter keeps visitors, not events: "Visitors who did signup". */
const conversionWords: Partial<Record<Filter["op"], string>> = {
  equals: "Visitors who did",
  in: "Visitors who did one of",
  not_equals: "Visitors who did not do",
  not_in: "Visitors who did none of",
};

export function describe(filter: Filter): string {
  const value = Array.isArray(filter.value) ? filter.value.join(", ") : String(filter.value ?? "");
  if (filter.field === CONVERSION_FIELD) return `${conversionWords[filter.op] ?? filter.op} ${value}`;
  const op = {
    equals: "is",
    not_equals: "is not",
    contains: "contains",
    not_contains: "does not contain",
    in: "is one of",
    not_in: "is none of",
    is_set: "is set",
    is_not_set: "is not set",
    gt: ">",
    gte: "≥",
    lt: "<",
    lte: "≤",
  }[filter.op];
  return `${filter.field} ${op}${value ? ` ${value}` : ""}`;
}

export function FilterChips({ filters, onRemove }: { filters: Filter[]; onRemove: (index: number) => void }) {
  if (filters.length === 0) return null;
  return (
    <ul aria-label="Filters" className="flex flex-wrap gap-2">
      {filters.map((filter, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: the same field may be filtered twice; chips hold no state.
          key={`${filter.field}-${i}`}
          className="flex items-center gap-1 rounded-full bg-indigo-50 py-1 pl-3 pr-1 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
        >
          {describe(filter)}
          <button
            type="button"
            onClick={() => onRemove(i)}
            aria-label={`Remove filter ${describe(filter)}`}
            className="rounded-full px-2 hover:bg-indigo-100 dark:hover:bg-indigo-900"
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
