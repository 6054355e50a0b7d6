"use client";
// One dashboard panel: runs its query for the current view inside the shared widget frame
// (loading, error with retry, empty), with a CSV export of what it shows.
import type { ReactNode } from "react";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { WidgetFrame } from "@/components/widgets/widget-frame";
import type { SkeletonShape } from "@/components/widgets/widget-skeleton";
import { isEmptyResult } from "@/components/widgets/widget-view";
import type { QueryResult } from "@/lib/query/results";
import type { QueryDefinitionInput, QueryRange } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";
import { measureLabel, rangeLabel } from "@/lib/query/vocabulary";
import { downloadCsv } from "./csv";

interface QueryPanelProps<R extends QueryResult> {
  title: string;
  projectId: string;
  query: QueryDefinitionInput;
  view: ViewState;
  range?: QueryRange;
  /** What the measured column is called in the CSV export ("Pageviews"); by default the measure's name. */
  valueHeading?: string;
  /** Controls on their own row above the title (a report widget's move, edit, delete). */
  toolbar?: ReactNode;
  /** The outline shown while the first result loads (components/widgets/widget-skeleton.tsx). */
  skeleton?: SkeletonShape;
  className?: string;
  children: (result: R) => ReactNode;
}

export function QueryPanel<R extends QueryResult>({
  title,
  projectId,
  query,
  view,
  range,
  valueHeading,
  toolbar,
  skeleton,
  className = "",
  children,
}: QueryPanelProps<R>) {
  const result = useQueryResult<R>(projectId, query, view, { range });
  const data = result.data?.data;
  // A widget saved with a range of its own ignores the page's range picker: say which range it shows.
  const ownRange = "range" in query && query.range ? query.range : null;
  const actions = (
    <div className="flex shrink-0 items-center gap-1">
      {ownRange && (
        <span
          data-testid="widget-own-range"
          title="This widget keeps its own date range, whatever the page's range"
          className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300"
        >
          {rangeLabel(ownRange)}
        </span>
      )}
      {data && (
        <button
          type="button"
          onClick={() =>
            downloadCsv(
              data,
              title,
              valueHeading ?? ("measure" in query && query.measure ? measureLabel(query.measure) : undefined),
            )
          }
          className="shrink-0 rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
          aria-label={`Export ${title} as CSV`}
        >
          CSV
        </button>
      )}
    </div>
  );
  return (
    <WidgetFrame
      title={title}
      actions={actions}
      toolbar={toolbar}
      loading={!data && !result.isError}
      skeleton={skeleton}
      // The previous view's data, shown while this view's query runs (placeholderData in useQueryResult).
      pending={result.isPlaceholderData}
      error={result.isError ? result.error : null}
      onRetry={() => void result.refetch()}
      empty={!!data && isEmptyResult(data)}
      className={className}
    >
      {data && children(data)}
    </WidgetFrame>
  );
}
