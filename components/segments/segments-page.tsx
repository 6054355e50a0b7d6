"use client";
// The project's saved segments: each with its filters in words and a link that opens the overview
// with it; analysts and up create one (name and filters, as the builder's filter editor writes
// them; the overview also saves its current filters as one), edit and delete them. Deleting a
// segment still in use is refused by the server with the list of what uses it, shown here.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { FilterEditor } from "@/components/builder/filter-editor";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input, Textarea } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { useLocale } from "@/components/widgets/use-locale";
import { ApiClientError, apiFetch, fieldError } from "@/lib/api/client";
import type { Filter } from "@/lib/query/schemas";
import { filterLabel } from "@/lib/query/vocabulary";
import type { SegmentView } from "@/lib/segments/schemas";
import { segmentsKey, useSegments } from "./use-segments";

interface Draft {
  name: string;
  description: string;
  filters: Filter[];
}

const EMPTY_DRAFT: Draft = { name: "", description: "", filters: [] };

function SegmentForm({
  projectId,
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  projectId: string;
  initial: Draft;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: Draft) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const known = ["name", "description", "filters"].some((path) => fieldError(error, path));
  return (
    <form
      aria-label={submitLabel}
      className="flex flex-col gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ ...draft, name: draft.name.trim(), description: draft.description.trim() });
      }}
    >
      <Field label="Name" error={fieldError(error, "name")}>
        <Input
          value={draft.name}
          maxLength={100}
          required
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
      </Field>
      <Field label="Description" hint="Optional" error={fieldError(error, "description")}>
        <Textarea
          value={draft.description}
          maxLength={1000}
          rows={2}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })}
        />
      </Field>
      <FilterEditor
        projectId={projectId}
        legend="Visitors or events it keeps"
        filters={draft.filters}
        onAdd={(filter) => setDraft({ ...draft, filters: [...draft.filters, filter] })}
        onRemove={(index) => setDraft({ ...draft, filters: draft.filters.filter((_, i) => i !== index) })}
        error={fieldError(error, "filters")}
      />
      {!known && <FormError error={error} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending || !draft.name.trim() || !draft.filters.length}>
          {submitLabel}
        </Button>
        <Button variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** A refusal to delete lists what still uses the segment (the server's 409 details). */
function DeleteError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div role="alert" className="text-sm text-red-700 dark:text-red-400">
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {error instanceof ApiClientError && error.status === 409 && (
        <ul className="list-disc pl-5">
          {error.details.map((d) => (
            <li key={d.path}>{d.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function SegmentRow({ projectId, segment, canEdit }: { projectId: string; segment: SegmentView; canEdit: boolean }) {
  const locale = useLocale();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: segmentsKey(projectId) });
  const url = `/api/v1/projects/${projectId}/segments/${segment.id}`;
  const update = useMutation({
    mutationFn: (draft: Draft) =>
      apiFetch<SegmentView>(url, {
        method: "PATCH",
        body: { name: draft.name, description: draft.description || null, filters: draft.filters },
      }),
    onSuccess: async () => {
      await refresh();
      setEditing(false);
    },
  });
  const remove = useMutation({ mutationFn: () => apiFetch(url, { method: "DELETE" }), onSuccess: refresh });
  if (editing)
    return (
      <li>
        <SegmentForm
          projectId={projectId}
          initial={{ name: segment.name, description: segment.description ?? "", filters: segment.filters }}
          submitLabel="Save changes"
          pending={update.isPending}
          error={update.error}
          onSubmit={(draft) => update.mutate(draft)}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  return (
    <li
      aria-label={segment.name}
      className="flex flex-col gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-medium">{segment.name}</h3>
        <div className="flex gap-1">
          <Link
            href={`/projects/${projectId}?segment=${segment.id}`}
            className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800"
          >
            Open on overview
          </Link>
          {canEdit && (
            <>
              <Button size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button
                size="sm"
                variant="danger"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(`Delete the segment "${segment.name}"?`)) remove.mutate();
                }}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      </div>
      {segment.description && <p className="text-sm text-slate-600 dark:text-slate-400">{segment.description}</p>}
      <ul aria-label={`Filters of ${segment.name}`} className="flex flex-wrap gap-2">
        {segment.filters.map((filter, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: a segment may filter one field twice; items hold no state.
            key={i}
            className="rounded-full bg-indigo-50 px-3 py-1 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
          >
            {filterLabel(filter, locale)}
          </li>
        ))}
      </ul>
      <DeleteError error={remove.error} />
    </li>
  );
}

export function SegmentsPage({ projectId }: { projectId: string }) {
  const list = useSegments(projectId);
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const create = useMutation({
    mutationFn: (draft: Draft) =>
      apiFetch<SegmentView>(`/api/v1/projects/${projectId}/segments`, {
        body: {
          name: draft.name,
          ...(draft.description ? { description: draft.description } : {}),
          filters: draft.filters,
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: segmentsKey(projectId) });
      setCreating(false);
    },
  });
  if (list.isPending) return <Skeleton className="h-40 w-full" />;
  if (list.isError) return <FormError error={list.error} />;
  const { segments, can_edit: canEdit } = list.data;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-xl font-semibold">Segments</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Saved filter sets: pick one on the overview or a report, lock one in an embed, watch one with an alert.
          </p>
        </div>
        {canEdit && !creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New segment
          </Button>
        )}
      </div>
      {creating && (
        <SegmentForm
          projectId={projectId}
          initial={EMPTY_DRAFT}
          submitLabel="Create segment"
          pending={create.isPending}
          error={create.error}
          onSubmit={(draft) => create.mutate(draft)}
          onCancel={() => setCreating(false)}
        />
      )}
      {segments.length === 0 ? (
        <EmptyState title="No segments yet">
          <p>Filter the overview, then save its filters as a segment.</p>
        </EmptyState>
      ) : (
        <ul aria-label="Segments" className="flex flex-col gap-2">
          {segments.map((segment) => (
            <SegmentRow key={segment.id} projectId={projectId} segment={segment} canEdit={canEdit} />
          ))}
        </ul>
      )}
    </div>
  );
}
