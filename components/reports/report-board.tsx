"use client";
// A saved report: its widgets on a 12-column grid for the current range and filters. Analysts and
// above can rename it, add and edit widgets, duplicate and delete them, drag a widget onto another
// to swap places, and drag a corner to resize; the layout is saved as it changes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { WidgetBuilder } from "@/components/builder/widget-builder";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useViewState } from "@/components/hooks/use-view-state";
import { apiFetch } from "@/lib/api/client";
import { withoutFilter } from "@/lib/query/view-state";
import { fromWidget } from "@/lib/reports/builder-state";
import { COLUMNS, resize, swap, type Placed } from "@/lib/reports/layout";
import type { WidgetInput } from "@/lib/reports/schemas";
import type { Role } from "@/lib/workspace/schemas";
import { EmbedDialog } from "./embed-dialog";
import { WidgetCard, type WidgetRecord } from "./widget-card";

const ROW_PX = 90;
const small = "rounded bg-white/90 px-1.5 py-0.5 text-xs shadow-sm hover:bg-slate-100 dark:bg-slate-800/90 dark:hover:bg-slate-700";

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
  const [dragged, setDragged] = useState<string | null>(null);
  const [embedding, setEmbedding] = useState(false);
  const gridRef = useRef<HTMLDivElement>(null);
  const report = useQuery({ queryKey: key, queryFn: () => apiFetch<ReportResponse>(`/api/v1/reports/${reportId}`) });
  const refresh = () => client.invalidateQueries({ queryKey: key });

  const saveWidget = useMutation({
    mutationFn: (input: WidgetInput) =>
      editing?.mode === "edit" ? apiFetch(`/api/v1/widgets/${editing.widget.id}`, { method: "PATCH", body: input }) : apiFetch(`/api/v1/reports/${reportId}/widgets`, { body: input }),
    onSuccess: () => {
      setEditing(null);
      void refresh();
    },
  });
  const widgetAction = useMutation({
    mutationFn: ({ id, action }: { id: string; action: "duplicate" | "delete" }) =>
      action === "delete" ? apiFetch(`/api/v1/widgets/${id}`, { method: "DELETE" }) : apiFetch(`/api/v1/widgets/${id}/duplicate`, { body: {} }),
    onSuccess: refresh,
  });
  const rename = useMutation({ mutationFn: (name: string) => apiFetch(`/api/v1/reports/${reportId}`, { method: "PATCH", body: { name } }), onSuccess: refresh });
  const layout = useMutation({
    mutationFn: (items: Placed[]) => apiFetch(`/api/v1/reports/${reportId}/layout`, { method: "PUT", body: { widgets: items } }),
    onMutate: (items) => {
      // Show the new arrangement at once; the server copy follows.
      client.setQueryData<ReportResponse>(key, (old) =>
        old && { ...old, report: { ...old.report, widgets: old.report.widgets.map((w) => ({ ...w, ...gridOf(items.find((i) => i.id === w.id)) })) } },
      );
    },
    onSettled: refresh,
  });

  if (report.isError) return <p role="alert">{report.error.message}</p>;
  if (!report.data) return <div className="h-64 animate-pulse rounded-lg bg-slate-100 dark:bg-slate-800" aria-label="Loading" />;
  const { role } = report.data;
  const widgets = report.data.report.widgets;
  const canEdit = role !== "viewer";
  const canEmbed = role === "admin" || role === "owner";
  const placed: Placed[] = widgets.map((w) => ({ id: w.id, grid: { x: w.gridX, y: w.gridY, w: w.gridW, h: w.gridH } }));

  function startResize(event: ReactPointerEvent, widget: WidgetRecord) {
    const columnPx = (gridRef.current?.clientWidth ?? 1200) / COLUMNS;
    const start = { x: event.clientX, y: event.clientY };
    const onUp = (up: PointerEvent) => {
      window.removeEventListener("pointerup", onUp);
      const w = widget.gridW + Math.round((up.clientX - start.x) / columnPx);
      const h = widget.gridH + Math.round((up.clientY - start.y) / ROW_PX);
      if (w !== widget.gridW || h !== widget.gridH) layout.mutate(resize(placed, widget.id, { w, h }));
    };
    window.addEventListener("pointerup", onUp);
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        {canEdit ? (
          <input
            aria-label="Report name"
            defaultValue={report.data.report.name}
            onBlur={(e) => e.target.value.trim() && e.target.value !== report.data?.report.name && rename.mutate(e.target.value.trim())}
            className="rounded-md border border-transparent bg-transparent px-1 text-xl font-semibold hover:border-slate-300 dark:hover:border-slate-700"
          />
        ) : (
          <h2 className="text-xl font-semibold">{report.data.report.name}</h2>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
          {canEmbed && (
            <button type="button" onClick={() => setEmbedding(true)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
              Embed
            </button>
          )}
          {canEdit && (
            <button type="button" onClick={() => setEditing({ mode: "new" })} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
              Add widget
            </button>
          )}
        </div>
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      {embedding && <EmbedDialog reportId={reportId} widgets={report.data?.report.widgets ?? []} onClose={() => setEmbedding(false)} />}
      {editing && (
        <div className="rounded-lg border border-indigo-200 bg-white p-4 dark:border-indigo-900 dark:bg-slate-900">
          <WidgetBuilder
            key={editing.mode === "edit" ? editing.widget.id : "new"}
            projectId={projectId}
            view={view}
            initial={editing.mode === "edit" ? fromWidget(editing.widget.title, editing.widget.query, editing.widget.viz) : undefined}
            saving={saveWidget.isPending}
            onSave={(input) => saveWidget.mutate(input)}
            onCancel={() => setEditing(null)}
          />
          {saveWidget.isError && <p role="alert" className="mt-2 text-sm text-red-600">{saveWidget.error.message}</p>}
        </div>
      )}
      {widgets.length === 0 && !editing && <p className="text-slate-500">This report has no widgets yet.{canEdit ? " Add one to get started." : ""}</p>}
      <div ref={gridRef} className="grid grid-cols-1 gap-4 md:grid-cols-12" style={{ gridAutoRows: `${ROW_PX}px` }}>
        {widgets.map((widget) => (
          <div
            key={widget.id}
            data-testid="widget"
            data-widget-title={widget.title}
            draggable={canEdit}
            onDragStart={() => setDragged(widget.id)}
            onDragOver={(e) => canEdit && dragged && e.preventDefault()}
            onDrop={() => {
              if (dragged) layout.mutate(swap(placed, dragged, widget.id));
              setDragged(null);
            }}
            className="relative min-h-[180px] md:min-h-0 md:[grid-column:var(--col)] md:[grid-row:var(--row)]"
            style={{ "--col": `${widget.gridX + 1} / span ${widget.gridW}`, "--row": `${widget.gridY + 1} / span ${widget.gridH}` } as React.CSSProperties}
          >
            <WidgetCard
              widget={widget}
              projectId={projectId}
              view={view}
              toolbar={
                canEdit && (
                  <>
                    <button type="button" className={small} onClick={() => setEditing({ mode: "edit", widget })} aria-label={`Edit ${widget.title}`}>
                      Edit
                    </button>
                    <button type="button" className={small} onClick={() => widgetAction.mutate({ id: widget.id, action: "duplicate" })} aria-label={`Duplicate ${widget.title}`}>
                      Duplicate
                    </button>
                    <button type="button" className={small} onClick={() => layout.mutate(resize(placed, widget.id, { w: widget.gridW === COLUMNS ? 6 : COLUMNS, h: widget.gridH }))} aria-label={`Toggle width of ${widget.title}`}>
                      Width
                    </button>
                    <button type="button" className={small} onClick={() => confirm(`Delete "${widget.title}"?`) && widgetAction.mutate({ id: widget.id, action: "delete" })} aria-label={`Delete ${widget.title}`}>
                      Delete
                    </button>
                  </>
                )
              }
            />
            {canEdit && (
              <span
                role="presentation"
                onPointerDown={(e) => startResize(e, widget)}
                className="absolute bottom-1 right-1 hidden h-4 w-4 cursor-se-resize rounded-sm border-b-2 border-r-2 border-slate-400 md:block"
              />
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

function gridOf(item: Placed | undefined) {
  return item ? { gridX: item.grid.x, gridY: item.grid.y, gridW: item.grid.w, gridH: item.grid.h } : {};
}
