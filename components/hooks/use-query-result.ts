"use client";
// Runs a query definition for the dashboard's current view (its filters added to the query's, its segment,
// range unless the query keeps its own, its previous-period comparison on trends); the cache key
// holds every input. When the view changes, the previous view's data stays on screen
// (isPlaceholderData) until the new answer arrives, and panels show it as pending (QueryPanel),
// never as the new view's numbers.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import { panelRequest } from "@/lib/query/overview";
import type { QueryResult } from "@/lib/query/results";
import type { QueryMeta } from "@/lib/query/run-query";
import type { QueryDefinitionInput, QueryRange } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";

export interface QueryResponse<R extends QueryResult = QueryResult> {
  data: R;
  meta: QueryMeta;
}

/** The cache key prefix of every query result of a project: what live updates refetch. */
export const projectQueriesKey = (projectId: string) => ["query", projectId] as const;

export function useQueryResult<R extends QueryResult = QueryResult>(
  projectId: string,
  query: QueryDefinitionInput,
  view: ViewState,
  options: { range?: QueryRange } = {},
) {
  const { query: merged, range, segment } = panelRequest(query, view, options.range);
  return useQuery({
    queryKey: [...projectQueriesKey(projectId), merged, range, segment ?? null],
    queryFn: () =>
      apiFetch<QueryResponse<R>>("/api/v1/query", {
        body: { project_id: projectId, query: merged, range, segment },
      }),
    placeholderData: (previous) => previous,
  });
}
