"use client";
// One dashboard panel: runs its query for the current view inside the shared widget frame
// (loading, error with retry, empty), with a CSV export of what it shows.
import type { ReactNode } from "react";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { WidgetFrame } from "@/components/widgets/widget-frame";
import { isEmptyResult } from "@/components/widgets/widget-view";
import type { QueryResult } from "@/lib/query/results";
import type { QueryDefinitionInput, QueryRange } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";
import { downloadCsv } from "./csv";

interface QueryPanelProps<R extends QueryResult> {
  title: string;
  projectId: string;
  query: QueryDefinitionInput;
  view: ViewState;
  range?: QueryRange;
  /** Controls on their own row above the title (a report widget's move, edit, delete). */
  toolbar?: ReactNode;
  className?: string;
  children: (result: R) => ReactNode;
}

export function QueryPanel<R extends QueryResult>({ title, projectId, query, view, range, toolbar, className = "", children }: QueryPanelProps<R>) {
  const result = useQueryResult<R>(projectId, query, view, { range });
  const data = result.data?.data;
  const csv = data && (
    <button type="button" onClick={() => downloadCsv(data, title)} className="shrink-0 rounded px-2 py-1 text-xs text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label={`Export ${title} as CSV`}>
      CSV
    </button>
  );
  return (
    <WidgetFrame
      title={title}
      actions={csv}
      toolbar={toolbar}
      loading={!data && !result.isError}
      error={result.isError ? result.error : null}
      onRetry={() => void result.refetch()}
      empty={!!data && isEmptyResult(data)}
      className={className}
    >
      {data && children(data)}
    </WidgetFrame>
  );
}
