"use client";
// A project's goals (GET /api/v1/projects/{id}/goals): the overview's Goals panel, the settings
// page's Goals section and the builder's goal picker share this one cached list.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/api/client";
import type { GoalView } from "@/lib/goals/schemas";

export const goalsKey = (projectId: string) => ["goals", projectId] as const;

export function useGoals(projectId: string) {
  return useQuery({
    queryKey: goalsKey(projectId),
    queryFn: () =>
      apiFetch<{ goals: GoalView[] }>(`/api/v1/projects/${projectId}/goals`).then((answer) => answer.goals),
  });
}

/** Goal names by id, for filter chips ("Visitors who completed Signed up"). */
export function goalNamesOf(goals: readonly GoalView[] | undefined): Record<string, string> {
  return Object.fromEntries((goals ?? []).map((goal) => [goal.id, goal.name]));
}
