"use client";
// A saved report: its widgets on a 12-column grid for the current range and filters, live as
// events arrive. Analysts and above can rename it, add and edit widgets, duplicate and delete them,
// move and resize them (report-grid.tsx); the layout is saved as it changes, and the server checks
// the role for every change.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AlertMeLink } from "@/components/alerts/alert-me-link";
import { WidgetBuilder } from "@/components/builder/widget-builder";
import { ActiveNow } from "@/components/dashboard/active-now";
import { CompareToggle } from "@/components/filters/compare-toggle";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useProjectLive } from "@/components/hooks/use-project-live";
import { useViewState } from "@/components/hooks/use-view-state";
import { SegmentPicker } from "@/components/segments/segment-picker";
import { Button, buttonClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { Skeleton } from "@/components/ui/skeleton";
import { apiFetch } from "@/lib/api/client";
import { withoutFilter } from "@/lib/query/view-state";
import { fromWidget } from "@/lib/reports/builder-state";
import type { Placed } from "@/lib/reports/layout";
import type { WidgetInput } from "@/lib/reports/schemas";
import type { Role } from "@/lib/workspace/schemas";
import { EmbedDialog } from "./embed-dialog";
import { ReportGrid } from "./report-grid";
import { WidgetCard, type WidgetRecord } from "./widget-card";

/** The widget toolbar's actions, as icons (16 px, current colour) so the row fits the narrowest card. */
const ICONS = {
  edit: "M11.3 2.3a1 1 0 0 1 1.4 0l1 1a1 1 0 0 1 0 1.4L6 12.4 3 13l.6-3z",
  duplicate: "M5 5V3h8v8h-2M3 5h8v8H3z",
  delete: "M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5",
} as const;

function ToolbarIcon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className="h-4 w-4 fill-none stroke-current"
      strokeWidth={1.5}
      strokeLinejoin="round"
    >
      <path d={ICONS[name]} />
    </svg>
  );
}

/** The page's outline while the report loads: its title bar and a row of two cards. */
function ReportSkeleton() {
  return (
    <div role="status" aria-label="Loading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-8 w-72" />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Skeleton className="h-[408px]" />
        <Skeleton className="hidden h-[408px] md:block" />
      </div>
    </div>
  );
}

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
  // Layout saves go one at a time in the order made (one scope per report): two quick drops sent
  // together could land in either order and leave the first arrangement saved. Each is keepalive,
  // so a drop made just before leaving the page is still saved.
  const layoutKey = ["report-layout", reportId];
  const layout = useMutation({
    mutationKey: layoutKey,
    scope: { id: `report-layout:${reportId}` },
    mutationFn: (items: Placed[]) =>
      apiFetch(`/api/v1/reports/${reportId}/layout`, { method: "PUT", body: { widgets: items }, keepalive: true }),
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
    // Only the last queued save reads the server's copy back: reading it between two saves would
    // show the older arrangement again until the next one lands.
    onSettled: () => (client.isMutating({ mutationKey: layoutKey }) === 1 ? refresh() : undefined),
  });

  if (report.isError) return <FormError error={report.error} />;
  if (!report.data) return <ReportSkeleton />;
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
          <CompareToggle
            checked={!!view.compare}
            onChange={(compare) => setView((current) => ({ ...current, compare }))}
          />
          {canEmbed && <Button onClick={() => setEmbedding(true)}>Embed</Button>}
          {canEdit && (
            <Button variant="primary" onClick={() => setEditing({ mode: "new" })}>
              Add widget
            </Button>
          )}
        </div>
      </div>
      <SegmentPicker projectId={projectId} view={view} setView={setView} />
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      <FormError error={layout.isError && `Could not save the layout: ${layout.error.message}`} />
      <FormError error={widgetAction.error} />
      {embedding && (
        <EmbedDialog
          projectId={projectId}
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
        <p className="text-slate-600 dark:text-slate-400">
          This report has no widgets yet.{canEdit ? " Add one to get started." : ""}
        </p>
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
                  <AlertMeLink
                    projectId={projectId}
                    title={widget.title}
                    query={widget.query}
                    className={buttonClass({ variant: "quiet", size: "sm" })}
                  />
                  <Button
                    size="icon"
                    variant="quiet"
                    onClick={() => setEditing({ mode: "edit", widget })}
                    aria-label={`Edit ${widget.title}`}
                    title="Edit"
                  >
                    <ToolbarIcon name="edit" />
                  </Button>
                  <Button
                    size="icon"
                    variant="quiet"
                    onClick={() => widgetAction.mutate({ id: widget.id, action: "duplicate" })}
                    aria-label={`Duplicate ${widget.title}`}
                    title="Duplicate"
                  >
                    <ToolbarIcon name="duplicate" />
                  </Button>
                  <Button
                    size="icon"
                    variant="quiet"
                    onClick={() =>
                      confirm(`Delete "${widget.title}"?`) && widgetAction.mutate({ id: widget.id, action: "delete" })
                    }
                    aria-label={`Delete ${widget.title}`}
                    title="Delete"
                  >
                    <ToolbarIcon name="delete" />
                  </Button>
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
