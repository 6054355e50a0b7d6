"use client";
// A project's saved segments (lib/segments), fetched once per page and shared by every picker on it.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import type { SegmentView } from "@/lib/segments/schemas";

export interface SegmentList {
  segments: SegmentView[];
  /** Whether the signed-in user may create, change and delete them (analyst and up). */
  can_edit: boolean;
}

export const segmentsKey = (projectId: string) => ["segments", projectId] as const;

export function useSegments(projectId: string) {
  return useQuery({
    queryKey: segmentsKey(projectId),
    queryFn: () => apiFetch<SegmentList>(`/api/v1/projects/${projectId}/segments`),
  });
}
