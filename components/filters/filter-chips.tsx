"use client";
// The filters applied to every widget, each removable, read as sentences ("Country is France"):
// the URL keeps the stored values ("FR").
import { useLocale } from "@/components/widgets/use-locale";
import type { Filter } from "@/lib/query/schemas";
import { filterLabel } from "@/lib/query/vocabulary";

export function FilterChips({
  filters,
  onRemove,
  goalNames,
}: {
  filters: Filter[];
  onRemove: (index: number) => void;
  /** The project's goals' names by id, for goal filters ("Visitors who completed Signed up"). */
  goalNames?: Readonly<Record<string, string>>;
}) {
  const locale = useLocale();
  if (filters.length === 0) return null;
  const describe = (filter: Filter) => filterLabel(filter, locale, goalNames);
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
