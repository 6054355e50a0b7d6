"use client";
// One widget of a report: runs its stored query for the current view and renders it with the
// shared widget components (the same ones embeds use).
import type { ReactNode } from "react";
import { QueryPanel } from "@/components/dashboard/query-panel";
import { WidgetView } from "@/components/widgets/widget-view";
import type { QueryDefinitionInput } from "@/lib/query/schemas";
import type { ViewState } from "@/lib/query/view-state";
import type { Viz } from "@/lib/reports/schemas";

export interface WidgetRecord {
  id: string;
  title: string;
  query: QueryDefinitionInput;
  viz: Viz;
  gridX: number;
  gridY: number;
  gridW: number;
  gridH: number;
}

export function WidgetCard({ widget, projectId, view, toolbar }: { widget: WidgetRecord; projectId: string; view: ViewState; toolbar?: ReactNode }) {
  const measureType = "measure" in widget.query ? widget.query.measure?.type : undefined;
  return (
    <div className="relative h-full">
      <QueryPanel title={widget.title} projectId={projectId} query={widget.query} view={view} className="h-full overflow-auto">
        {(result) => <WidgetView result={result} viz={widget.viz} measureType={measureType} title={widget.title} />}
      </QueryPanel>
      {toolbar && <div className="absolute right-12 top-3 flex gap-1">{toolbar}</div>}
    </div>
  );
}
