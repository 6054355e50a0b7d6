"use client";
// Picks the goal a goal measure counts (goal conversion rate, visitors who completed it, its
// completions), by name, from the project's goals; points to settings when there are none.
import Link from "next/link";
import { useId } from "react";
import { useGoals } from "@/components/hooks/use-goals";
import { describeGoalDefinition } from "@/lib/goals/schemas";
import { controlClass, fieldClass } from "./suggest-input";

export function GoalPicker({
  projectId,
  value,
  onChange,
  error,
  errorId,
}: {
  projectId: string;
  value: string;
  onChange: (goalId: string) => void;
  error?: string;
  errorId: string;
}) {
  const id = useId();
  const goals = useGoals(projectId);
  const list = goals.data ?? [];
  const chosen = list.find((goal) => goal.id === value);
  return (
    <div className={fieldClass}>
      <label htmlFor={id}>Goal</label>
      <select
        id={id}
        className={controlClass}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      >
        <option value="">{goals.isPending ? "Loading goals…" : "Choose a goal"}</option>
        {/* A saved widget's goal that is gone stays selectable, so the problem can be shown and fixed. */}
        {value && !chosen && goals.data && <option value={value}>A deleted goal</option>}
        {list.map((goal) => (
          <option key={goal.id} value={goal.id}>
            {goal.name}
          </option>
        ))}
      </select>
      {chosen && (
        <span className="text-xs font-normal text-slate-600 dark:text-slate-400">
          {describeGoalDefinition(chosen.definition)}
        </span>
      )}
      {goals.data && list.length === 0 && (
        <span className="text-xs font-normal text-slate-600 dark:text-slate-400">
          This project has no goals yet:{" "}
          <Link className="underline" href={`/projects/${projectId}/settings#goals`}>
            define them in settings
          </Link>
          .
        </span>
      )}
      {error && (
        <span id={errorId} className="text-xs font-normal text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </div>
  );
}
