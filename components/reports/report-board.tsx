"use client";
// A saved report: its widgets on a 12-column grid for the current range and filters, live as
// events arrive. Analysts and above can rename it, add and edit widgets, duplicate and delete them,
// move and resize them (report-grid.tsx); the layout is saved as it changes, and the server checks
// the role for every change.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { WidgetBuilder } from "@/components/builder/widget-builder";
import { ActiveNow } from "@/components/dashboard/active-now";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useProjectLive } from "@/components/hooks/use-project-live";
import { useViewState } from "@/components/hooks/use-view-state";
import { apiFetch } from "@/lib/api/client";
import { withoutFilter } from "@/lib/query/view-state";
import { fromWidget } from "@/lib/reports/builder-state";
import type { Placed } from "@/lib/reports/layout";
import type { WidgetInput } from "@/lib/reports/schemas";
import type { Role } from "@/lib/workspace/schemas";
import { EmbedDialog } from "./embed-dialog";
import { ReportGrid } from "./report-grid";
import { WidgetCard, type WidgetRecord } from "./widget-card";

const small =
  "rounded px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800";

interface ReportResponse {
  role: Role;
  report: { id: string; name: string; widgets: WidgetRecord[] };
}

type Editing = { mode: "new" } | { mode: "edit"; widget: WidgetRecord } | null;

export function ReportBoard({ projectId, reportId }: { projectId: string; reportId: string }) {
  const client = useQueryClient();
  const key = ["report", reportId];
  const [view, setView] = useViewState();
  const [editing, setEditing] = useState<Editing>(null);
  const [embedding, setEmbedding] = useState(false);
  const live = useProjectLive(projectId);
  const report = useQuery({ queryKey: key, queryFn: () => apiFetch<ReportResponse>(`/api/v1/reports/${reportId}`) });
  const refresh = () => client.invalidateQueries({ queryKey: key });

  const saveWidget = useMutation({
    mutationFn: (input: WidgetInput) =>
      editing?.mode === "edit"
        ? apiFetch(`/api/v1/widgets/${editing.widget.id}`, { method: "PATCH", body: input })
        : apiFetch(`/api/v1/reports/${reportId}/widgets`, { body: input }),
    onSuccess: () => {
      setEditing(null);
      void refresh();
    },
  });
  const widgetAction = useMutation({
    mutationFn: ({ id, action }: { id: string; action: "duplicate" | "delete" }) =>
      action === "delete"
        ? apiFetch(`/api/v1/widgets/${id}`, { method: "DELETE" })
        : apiFetch(`/api/v1/widgets/${id}/duplicate`, { body: {} }),
    onSuccess: refresh,
  });
  const rename = useMutation({
    mutationFn: (name: string) => apiFetch(`/api/v1/reports/${reportId}`, { method: "PATCH", body: { name } }),
    onSuccess: refresh,
  });
  const layout = useMutation({
    mutationFn: (items: Placed[]) =>
      apiFetch(`/api/v1/reports/${reportId}/layout`, { method: "PUT", body: { widgets: items } }),
    onMutate: async (items) => {
      // Show the new arrangement at once; the server copy follows (an older read in flight must not undo it).
      await client.cancelQueries({ queryKey: key });
      client.setQueryData<ReportResponse>(
        key,
        (old) =>
          old && {
            ...old,
            report: {
              ...old.report,
              widgets: old.report.widgets.map((w) => ({ ...w, ...gridOf(items.find((i) => i.id === w.id)) })),
            },
          },
      );
    },
    onSettled: refresh,
  });

  if (report.isError) return <p role="alert">{report.error.message}</p>;
  if (!report.data)
    return (
      <div
        className="h-64 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800"
        role="status"
        aria-label="Loading"
      />
    );
  const { role } = report.data;
  const widgets = report.data.report.widgets;
  const canEdit = role !== "viewer";
  const canEmbed = role === "admin" || role === "owner";
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        {canEdit ? (
          <input
            aria-label="Report name"
            defaultValue={report.data.report.name}
            onBlur={(e) =>
              e.target.value.trim() &&
              e.target.value !== report.data?.report.name &&
              rename.mutate(e.target.value.trim())
            }
            className="rounded-md border border-transparent bg-transparent px-1 text-xl font-semibold hover:border-slate-300 dark:hover:border-slate-700"
          />
        ) : (
          <h2 className="text-xl font-semibold">{report.data.report.name}</h2>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <ActiveNow {...live} />
          <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
          {canEmbed && (
            <button
              type="button"
              onClick={() => setEmbedding(true)}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Embed
            </button>
          )}
          {canEdit && (
            <button
              type="button"
              onClick={() => setEditing({ mode: "new" })}
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Add widget
            </button>
          )}
        </div>
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      {layout.isError && (
        <p role="alert" className="text-sm text-red-600">
          Could not save the layout: {layout.error.message}
        </p>
      )}
      {widgetAction.isError && (
        <p role="alert" className="text-sm text-red-600">
          {widgetAction.error.message}
        </p>
      )}
      {embedding && (
        <EmbedDialog
          reportId={reportId}
          widgets={report.data?.report.widgets ?? []}
          onClose={() => setEmbedding(false)}
        />
      )}
      {editing && (
        <div className="rounded-lg border border-indigo-200 bg-white p-4 dark:border-indigo-900 dark:bg-slate-900">
          <WidgetBuilder
            key={editing.mode === "edit" ? editing.widget.id : "new"}
            projectId={projectId}
            view={view}
            initial={
              editing.mode === "edit"
                ? fromWidget(editing.widget.title, editing.widget.query, editing.widget.viz)
                : undefined
            }
            saving={saveWidget.isPending}
            saveError={saveWidget.error}
            onSave={(input) => saveWidget.mutate(input)}
            onCancel={() => {
              saveWidget.reset();
              setEditing(null);
            }}
          />
        </div>
      )}
      {widgets.length === 0 && !editing && (
        <p className="text-slate-500">This report has no widgets yet.{canEdit ? " Add one to get started." : ""}</p>
      )}
      <ReportGrid
        widgets={widgets}
        editable={canEdit}
        onLayout={(items) => layout.mutate(items)}
        renderWidget={(widget, moveHandle) => (
          <WidgetCard
            widget={widget}
            projectId={projectId}
            view={view}
            toolbar={
              canEdit && (
                // biome-ignore lint/a11y/useSemanticElements: a flex row that must wrap; a fieldset sizes to min-content and would not.
                <div
                  role="group"
                  aria-label={`${widget.title}: widget controls`}
                  className="-mx-2 -mt-2 flex flex-wrap items-center gap-1"
                >
                  {moveHandle}
                  <span className="flex-1" />
                  <button
                    type="button"
                    className={small}
                    onClick={() => setEditing({ mode: "edit", widget })}
                    aria-label={`Edit ${widget.title}`}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className={small}
                    onClick={() => widgetAction.mutate({ id: widget.id, action: "duplicate" })}
                    aria-label={`Duplicate ${widget.title}`}
                  >
                    Duplicate
                  </button>
                  <button
                    type="button"
                    className={small}
                    onClick={() =>
                      confirm(`Delete "${widget.title}"?`) && widgetAction.mutate({ id: widget.id, action: "delete" })
                    }
                    aria-label={`Delete ${widget.title}`}
                  >
                    Delete
                  </button>
                </div>
              )
            }
          />
        )}
      />
    </div>
  );
}

function gridOf(item: Placed | undefined) {
  return item ? { gridX: item.grid.x, gridY: item.grid.y, gridW: item.grid.w, gridH: item.grid.h } : {};
}
