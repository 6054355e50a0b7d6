"use client";
// Suggestions for a builder field from GET /api/v1/projects/{id}/suggestions. The project's top
// 100 are asked for once per field (and cached); while they are the whole list, typing filters them
// here, with no request per keystroke. A longer list is asked again with the text typed.
import { useQuery } from "@tanstack/react-query";
import { useDeferredValue } from "react";
import { apiFetch } from "@/lib/api/client";

export type SuggestionSource =
  | { kind: "event" }
  | { kind: "property_key" }
  | { kind: "property_value"; key: string }
  | { kind: "dimension_value"; key: string };

export interface Suggestion {
  value: string;
  count: number;
  type?: string;
}

interface Answer {
  suggestions: Suggestion[];
  complete: boolean;
}

const FIRST_LIMIT = 100;

function fetchSuggestions(projectId: string, source: SuggestionSource, prefix: string): Promise<Answer> {
  const params = new URLSearchParams({ ...source, limit: String(FIRST_LIMIT), ...(prefix ? { prefix } : {}) });
  return apiFetch<Answer>(`/api/v1/projects/${projectId}/suggestions?${params}`);
}

/** Those containing the text (any case), the ones starting with it first, each group by frequency. */
export function matchSuggestions(suggestions: readonly Suggestion[], text: string): Suggestion[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...suggestions];
  const matching = suggestions.filter((s) => s.value.toLowerCase().includes(needle));
  return [
    ...matching.filter((s) => s.value.toLowerCase().startsWith(needle)),
    ...matching.filter((s) => !s.value.toLowerCase().startsWith(needle)),
  ];
}

export function useSuggestions(projectId: string, source: SuggestionSource | null, text: string, enabled: boolean) {
  const typed = useDeferredValue(text.trim());
  const key = ["suggestions", projectId, source];
  const first = useQuery({
    queryKey: [...key, ""],
    queryFn: () => fetchSuggestions(projectId, source!, ""),
    enabled: enabled && source !== null,
    staleTime: 60_000,
  });
  const narrow = !!first.data && !first.data.complete && typed !== "";
  const narrowed = useQuery({
    queryKey: [...key, typed],
    queryFn: () => fetchSuggestions(projectId, source!, typed),
    enabled: enabled && narrow,
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
  const list = narrow && narrowed.data ? narrowed.data.suggestions : (first.data?.suggestions ?? []);
  return {
    suggestions: matchSuggestions(list, typed),
    loading: first.isFetching || (narrow && narrowed.isFetching),
    failed: first.isError,
  };
}
