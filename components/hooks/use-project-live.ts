"use client";
// The overview's realtime numbers for a project, from its event stream (no polling).
import { useState } from "react";
import { projectLiveSchema, type ProjectLive } from "@/lib/realtime/schemas";
import { useEventStream, type StreamStatus } from "./use-event-stream";

function parseLive(data: string): ProjectLive | undefined {
  try {
    return projectLiveSchema.parse(JSON.parse(data));
  } catch {
    return undefined;
  }
}

export function useProjectLive(projectId: string): { live: ProjectLive | undefined; status: StreamStatus } {
  const [live, setLive] = useState<ProjectLive>();
  const status = useEventStream(`/api/v1/projects/${projectId}/stream`, (event) => {
    const value = event.type === "data" ? parseLive(event.data) : undefined;
    if (value) setLive(value);
  });
  return { live, status };
}
