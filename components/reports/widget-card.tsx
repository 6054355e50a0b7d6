"use client";
// One widget of a report: runs its stored query for the current view and renders it with the
// shared widget components (the same ones embeds use). The card's title is the widget's only one.
import type { ReactNode } from "react";
import { QueryPanel } from "@/components/dashboard/query-panel";
import { skeletonForViz } from "@/components/widgets/widget-skeleton";
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

interface WidgetCardProps {
  widget: WidgetRecord;
  projectId: string;
  view: ViewState;
  /** Editing controls, on their own row above the title. */
  toolbar?: ReactNode;
}

export function WidgetCard({ widget, projectId, view, toolbar }: WidgetCardProps) {
  const measureType = "measure" in widget.query ? widget.query.measure?.type : undefined;
  return (
    // On the 12-column grid the card fills its cell and scrolls what does not fit; in one column it
    // grows to its content. Editable cards keep their bottom-right corner for the resize handle.
    <QueryPanel
      title={widget.title}
      projectId={projectId}
      query={widget.query}
      view={view}
      toolbar={toolbar}
      skeleton={skeletonForViz(widget.viz)}
      className={`md:h-full md:overflow-auto ${toolbar ? "md:pb-7" : ""}`}
    >
      {(result) => (
        <WidgetView result={result} viz={widget.viz} measureType={measureType} title={widget.title} titled />
      )}
    </QueryPanel>
  );
}
