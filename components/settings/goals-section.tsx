"use client";
// Goals: named conversions the overview's Goals panel and the builder's goal measures use. Listed
// for every member; owners, admins and analysts create and delete them (the server decides: the
// API answers 403 otherwise). A goal is an event (optionally with one property condition here; the
// API takes up to five) or a page path, exact or with "*" standing for any run of characters.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { goalsKey, useGoals } from "@/components/hooks/use-goals";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { apiFetch, fieldError } from "@/lib/api/client";
import { describeGoalDefinition, type GoalCreate, MAX_GOALS_PER_PROJECT } from "@/lib/goals/schemas";
import { SettingsSection } from "./settings-section";

type GoalType = "event" | "page";

function definitionFrom(data: FormData, type: GoalType): GoalCreate["definition"] {
  if (type === "page") return { type: "page", path: String(data.get("path")).trim() };
  const property = String(data.get("property") ?? "")
    .trim()
    .replace(/^properties\./, "");
  const value = String(data.get("value") ?? "");
  return {
    type: "event",
    event: String(data.get("event")).trim(),
    conditions: property ? [{ field: `properties.${property}`, op: "equals", value }] : [],
  };
}

export function GoalsSection({ projectId, canManage }: { projectId: string; canManage: boolean }) {
  const client = useQueryClient();
  const goals = useGoals(projectId);
  const form = useRef<HTMLFormElement>(null);
  const submitting = useRef(false);
  const [type, setType] = useState<GoalType>("event");
  const refresh = () => client.invalidateQueries({ queryKey: goalsKey(projectId) });
  const create = useMutation({
    mutationFn: (body: GoalCreate) => apiFetch(`/api/v1/projects/${projectId}/goals`, { body }),
    onSuccess: () => {
      form.current?.reset();
      void refresh();
    },
    onSettled: () => {
      submitting.current = false;
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/projects/${projectId}/goals/${id}`, { method: "DELETE" }),
    onSuccess: () => void refresh(),
  });
  const list = goals.data ?? [];
  const full = list.length >= MAX_GOALS_PER_PROJECT;

  return (
    <SettingsSection
      id="goals"
      title="Goals"
      description={
        <p>
          A goal is a conversion you name: an event (such as signup, optionally only with a property value) or a page
          path. In a path, * stands for anything, so /blog/* is every blog post. The overview shows how many visitors
          completed each goal and their share of all visitors. Up to {MAX_GOALS_PER_PROJECT} goals per project.
        </p>
      }
    >
      <FormError error={goals.error} />
      {list.length > 0 ? (
        <ul aria-label="Goals" className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {list.map((goal) => (
            <li key={goal.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <span className="font-medium">{goal.name}</span>
                <span className="text-slate-600 dark:text-slate-400"> · {describeGoalDefinition(goal.definition)}</span>
              </span>
              {canManage && (
                <Button
                  size="sm"
                  variant="danger"
                  aria-label={`Delete goal ${goal.name}`}
                  disabled={remove.isPending}
                  onClick={() => confirm(`Delete the goal ${goal.name}?`) && remove.mutate(goal.id)}
                >
                  Delete
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        goals.data && <p className="text-sm text-slate-600 dark:text-slate-400">No goals yet.</p>
      )}
      {canManage && !full && (
        <form
          ref={form}
          aria-label="Create a goal"
          className="flex flex-wrap items-start gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (submitting.current) return;
            submitting.current = true;
            const data = new FormData(e.currentTarget);
            create.mutate({ name: String(data.get("name")), definition: definitionFrom(data, type) });
          }}
        >
          <Field label="Goal name" error={fieldError(create.error, "name")}>
            <Input name="name" required maxLength={100} placeholder="Signed up" />
          </Field>
          <Field label="Completed by">
            <Select name="type" value={type} onChange={(e) => setType(e.target.value as GoalType)}>
              <option value="event">an event</option>
              <option value="page">visiting a page</option>
            </Select>
          </Field>
          {type === "event" ? (
            <>
              <Field label="Event" error={fieldError(create.error, "definition.event")}>
                <Input name="event" required maxLength={200} placeholder="signup" />
              </Field>
              <Field
                label="Only when property"
                hint="Optional, e.g. plan"
                error={fieldError(create.error, "definition.conditions")}
              >
                <Input name="property" maxLength={64} placeholder="plan" />
              </Field>
              <Field label="is">
                <Input name="value" maxLength={500} placeholder="pro" />
              </Field>
            </>
          ) : (
            <Field
              label="Page path"
              hint="Exact (/pricing), or * for anything (/blog/*)"
              error={fieldError(create.error, "definition.path")}
            >
              <Input name="path" required maxLength={500} placeholder="/pricing" />
            </Field>
          )}
          <Button type="submit" variant="primary" disabled={create.isPending} className="mt-6">
            {create.isPending ? "Creating…" : "Create goal"}
          </Button>
        </form>
      )}
      {canManage && full && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This project has {MAX_GOALS_PER_PROJECT} goals, the most it may have: delete one to add another.
        </p>
      )}
      <FormError error={create.error ?? remove.error} />
    </SettingsSection>
  );
}
