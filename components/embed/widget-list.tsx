"use client";
import type { MeasureType } from "@/components/widgets/format";
// The embed's widgets as the feed delivers them, each with its accessible chart (aria label, hidden
// data table) and, when the embed allows downloads, a CSV link for the same locked, filtered data.
import { WidgetView } from "@/components/widgets/widget-view";
import type { EmbedWidgetData } from "@/lib/embed/embed-data";
import type { ViewerChoices } from "@/lib/embed/schemas";
import type { Viz } from "@/lib/reports/schemas";
import { embedApiUrl } from "./embed-api";

interface WidgetListProps {
  widgets: EmbedWidgetData[];
  token: string;
  choices: ViewerChoices;
  downloads: boolean;
  bordered: boolean;
  titled: boolean;
  accent?: string;
}

export function WidgetList({ widgets, token, choices, downloads, bordered, titled, accent }: WidgetListProps) {
  return widgets.map((w) => (
    <section
      key={w.id}
      aria-label={w.title}
      data-testid="embed-widget"
      className={`min-w-0 rounded-lg p-4 ${bordered ? "border border-slate-200 dark:border-slate-800" : ""}`}
    >
      {(titled || downloads) && (
        <div className="mb-2 flex items-baseline justify-between gap-2">
          {titled ? <h2 className="text-sm font-semibold">{w.title}</h2> : <span />}
          {downloads && w.result && (
            <a
              href={embedApiUrl(token, "/csv", choices, { widget: w.id })}
              download
              aria-label={`Download ${w.title} as CSV`}
              className="rounded px-1.5 py-0.5 text-xs text-slate-500 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-400"
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
  ));
}
