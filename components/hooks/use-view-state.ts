"use client";
// The dashboard view (range + filters) read from and written to the URL. Each change is a history
// entry of its own, so the browser's Back undoes a filter or a range change and Forward redoes it.
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { parseViewState, serializeViewState, type ViewState } from "@/lib/query/view-state";

/**
 * Changes are written with the History API, which Next.js's router follows (useSearchParams updates)
 * without asking the server for the page again: router.push() re-rendered the project's server
 * components first (session and project look-ups, 0.6-0.9 s), and the panels' queries, keyed by the
 * view, could not start until that round trip ended.
 *
 * Changes are functions of the current view. The router applies a URL change in a transition, so a
 * change made before the previous one reached useSearchParams (a drill-down clicked right after a
 * range change) starts from that pending view, not from the older one.
 */
export function useViewState(): [ViewState, (change: (current: ViewState) => ViewState) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseViewState(new URLSearchParams(params.toString())), [params]);
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === params.toString()) pending.current = null;
  }, [params]);
  // Back and Forward move to a view of their own: no change is pending any more.
  useEffect(() => {
    const onPopState = () => {
      pending.current = null;
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);
  const setView = useCallback(
    (change: (current: ViewState) => ViewState) => {
      const current = pending.current === null ? view : parseViewState(new URLSearchParams(pending.current));
      const query = serializeViewState(change(current)).toString();
      if (query === (pending.current ?? params.toString())) return;
      pending.current = query;
      window.history.pushState(null, "", query ? `${pathname}?${query}` : pathname);
    },
    [pathname, view, params],
  );
  return [view, setView];
}
