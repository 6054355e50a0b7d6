"use client";
// The embed's widgets as the feed delivers them, each with its accessible chart (aria label, hidden
// data table) and, when the embed allows downloads, a CSV link for the same locked, filtered data.
// A report embed keeps the report's saved layout: the same 12-column grid as the report page
// (components/widgets/grid-cell.ts), one column in the saved order in a frame narrower than 768 px.
import { useMemo } from "react";
import type { MeasureType } from "@/components/widgets/format";
import { cellClass, cellStyle, gridClass } from "@/components/widgets/grid-cell";
import { WidgetView } from "@/components/widgets/widget-view";
import type { EmbedWidgetData } from "@/lib/embed/embed-data";
import type { ViewerChoices } from "@/lib/embed/schemas";
import { normalize } from "@/lib/reports/layout";
import type { Viz } from "@/lib/reports/schemas";
import { embedApiUrl } from "./embed-api";

interface WidgetListProps {
  widgets: EmbedWidgetData[];
  /** A whole report on its grid, or one widget across the frame. */
  layout: "report" | "widget";
  token: string;
  choices: ViewerChoices;
  downloads: boolean;
  bordered: boolean;
  titled: boolean;
  accent?: string;
}

export function WidgetList({ widgets, layout, token, choices, downloads, bordered, titled, accent }: WidgetListProps) {
  // Drawn packed, in reading order, as the report page draws the same saved grids: never overlapping.
  const placed = useMemo(
    () => (layout === "report" ? normalize(widgets.map((w) => ({ id: w.id, grid: w.grid }))) : []),
    [widgets, layout],
  );
  const gridOf = new Map(placed.map((p) => [p.id, p.grid]));
  const ordered = layout === "report" ? placed.map((p) => widgets.find((w) => w.id === p.id)!) : widgets;
  return (
    <div data-testid="embed-grid" className={layout === "report" ? gridClass : "grid gap-4"}>
      {ordered.map((w) => {
        const grid = gridOf.get(w.id);
        return (
          <section
            key={w.id}
            aria-label={w.title}
            data-testid="embed-widget"
            className={`rounded-lg p-4 ${grid ? `${cellClass} md:h-full md:overflow-auto` : "min-w-0"} ${bordered ? "border border-slate-200 dark:border-slate-800" : ""}`}
            style={grid ? cellStyle(grid) : undefined}
          >
            {(titled || downloads) && (
              <div className="mb-2 flex items-baseline justify-between gap-2">
                {titled ? <h2 className="min-w-0 truncate text-sm font-semibold">{w.title}</h2> : <span />}
                {downloads && w.result && (
                  <a
                    href={embedApiUrl(token, "/csv", choices, { widget: w.id })}
                    download
                    aria-label={`Download ${w.title} as CSV`}
                    className="shrink-0 rounded px-1.5 py-0.5 text-xs text-slate-600 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-400"
                  >
                    CSV
                  </a>
                )}
              </div>
            )}
            {w.result ? (
              <WidgetView
                result={w.result}
                viz={w.viz as Viz}
                measureType={w.measureType as MeasureType | undefined}
                title={w.title}
                titled={titled}
                accent={accent}
              />
            ) : (
              <p role="alert">{w.error}</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
