"use client";
// The project's live stream: the overview's realtime numbers and the data version that keeps
// dashboards fresh (use-live-queries.ts), pushed by the server (no polling).
import { useState } from "react";
import { type ProjectLive, projectLiveSchema } from "@/lib/realtime/schemas";
import { type StreamStatus, useEventStream } from "./use-event-stream";
import { useLiveQueries } from "./use-live-queries";

function parseLive(data: string): ProjectLive | undefined {
  try {
    return projectLiveSchema.parse(JSON.parse(data));
  } catch {
    return undefined;
  }
}

export interface ProjectLiveState {
  live: ProjectLive | undefined;
  status: StreamStatus;
}

/** Opens the project's stream and refetches the project's queries on screen when its data changes. */
export function useProjectLive(projectId: string): ProjectLiveState {
  const [live, setLive] = useState<ProjectLive>();
  const status = useEventStream(`/api/v1/projects/${projectId}/stream`, (event) => {
    const value = event.type === "data" ? parseLive(event.data) : undefined;
    if (value) setLive(value);
  });
  useLiveQueries(projectId, live?.data_version);
  return { live, status };
}
