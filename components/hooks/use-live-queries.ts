"use client";
// Keeps a project's dashboard live: when the project stream's data version changes (events were
// committed), the project's query results on screen are refetched, paced by createLiveRefresh (at
// most one round a second, one at a time, none while the tab is hidden). Queries not on screen are
// only marked stale, so they refetch when shown. The same stream as "active now": no polling.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { createLiveRefresh, type LiveRefresh } from "./live-refresh";
import { projectQueriesKey } from "./use-query-result";

const MIN_INTERVAL_MS = 1_000;

export function useLiveQueries(projectId: string, dataVersion: string | undefined): void {
  const client = useQueryClient();
  const live = useRef<LiveRefresh | null>(null);
  const seen = useRef<string | undefined>(undefined);

  useEffect(() => {
    const refresh = createLiveRefresh({
      refresh: () => client.invalidateQueries({ queryKey: projectQueriesKey(projectId), refetchType: "active" }),
      isVisible: () => document.visibilityState !== "hidden",
      minIntervalMs: MIN_INTERVAL_MS,
    });
    live.current = refresh;
    const onVisibility = () => refresh.resume();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      refresh.stop();
      live.current = null;
    };
  }, [client, projectId]);

  useEffect(() => {
    if (!dataVersion) return;
    // The first version is where this page starts from: its queries were just fetched.
    if (seen.current !== undefined && seen.current !== dataVersion) live.current?.changed();
    seen.current = dataVersion;
  }, [dataVersion]);
}
