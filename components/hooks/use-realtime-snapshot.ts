"use client";
// The realtime page's data, kept live by the project's stream (no polling): a data change refetches
// it through useLiveQueries (its key is under the project's query key), and the stream's clock
// refreshes (every 30 s, same data version) refetch it too, so visitors leave "active now" and the
// 30-minute chart moves on while the project is quiet.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { apiFetch } from "@/lib/api/client";
import { type RealtimeSnapshot, realtimeSnapshotSchema } from "@/lib/realtime/realtime-schemas";
import { useProjectLive } from "./use-project-live";
import { projectQueriesKey } from "./use-query-result";

export function useRealtimeSnapshot(projectId: string) {
  const live = useProjectLive(projectId);
  const client = useQueryClient();
  const queryKey = [...projectQueriesKey(projectId), "realtime"];
  const snapshot = useQuery({
    queryKey,
    queryFn: async (): Promise<RealtimeSnapshot> =>
      realtimeSnapshotSchema.parse(await apiFetch(`/api/v1/projects/${projectId}/realtime`)),
  });
  const seen = useRef<{ version: string; computedAt: string } | undefined>(undefined);
  const version = live.live?.data_version;
  const computedAt = live.live?.computed_at;
  useEffect(() => {
    if (!version || !computedAt) return;
    const before = seen.current;
    seen.current = { version, computedAt };
    // A changed version is useLiveQueries' to refetch; a clock refresh is ours.
    if (before && before.version === version && before.computedAt !== computedAt)
      void client.invalidateQueries({ queryKey: [...projectQueriesKey(projectId), "realtime"] });
  }, [client, projectId, version, computedAt]);
  return { live, snapshot };
}
