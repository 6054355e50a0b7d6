"use client";
// The dashboard view (range + filters) read from and written to the URL.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseViewState, serializeViewState, type ViewState } from "@/lib/query/view-state";

export function useViewState(): [ViewState, (next: ViewState) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const view = useMemo(() => parseViewState(new URLSearchParams(params.toString())), [params]);
  const setView = useCallback(
    (next: ViewState) => {
      const query = serializeViewState(next).toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  return [view, setView];
}
