"use client";
// The dashboard view (range + filters) read from and written to the URL. Each change is a history
// entry of its own, so the browser's Back undoes a filter or a range change and Forward redoes it.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { parseViewState, serializeViewState, type ViewState } from "@/lib/query/view-state";

/**
 * Changes are functions of the current view. router.push lands asynchronously, so a change made
 * before the previous one reached the URL (a drill-down clicked right after a range change) starts
 * from that pending view, not from the URL's older one.
 */
export function useViewState(): [ViewState, (change: (current: ViewState) => ViewState) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const view = useMemo(() => parseViewState(new URLSearchParams(params.toString())), [params]);
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === params.toString()) pending.current = null;
  }, [params]);
  const setView = useCallback(
    (change: (current: ViewState) => ViewState) => {
      const current = pending.current === null ? view : parseViewState(new URLSearchParams(pending.current));
      const query = serializeViewState(change(current)).toString();
      if (query === params.toString() && pending.current === null) return;
      pending.current = query;
      router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, view, params],
  );
  return [view, setView];
}
