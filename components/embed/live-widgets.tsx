"use client";
// The embed's widgets: first the server-rendered data, then every update from the embed's one
// server-sent events stream (EventSource reconnects by itself, sending Last-Event-ID).
import { useEffect, useState } from "react";
import { WidgetView } from "@/components/widgets/widget-view";
import type { MeasureType } from "@/components/widgets/format";
import type { EmbedWidgetData } from "@/lib/embed/embed-data";
import type { Viz } from "@/lib/reports/schemas";

interface LiveWidgetsProps {
  token: string;
  initial: EmbedWidgetData[];
  bordered: boolean;
  titled: boolean;
  accent?: string;
}

export function LiveWidgets({ token, initial, bordered, titled, accent }: LiveWidgetsProps) {
  const [widgets, setWidgets] = useState(initial);
  useEffect(() => {
    const source = new EventSource(`/api/v1/embed/${token}/stream`);
    source.addEventListener("data", (event) => {
      setWidgets((JSON.parse((event as MessageEvent<string>).data) as { widgets: EmbedWidgetData[] }).widgets);
    });
    return () => source.close();
  }, [token]);

  return widgets.map((w) => (
    <section key={w.id} aria-label={w.title} data-testid="embed-widget" className={`min-w-0 rounded-lg p-4 ${bordered ? "border border-slate-200 dark:border-slate-800" : ""}`}>
      {titled && <h2 className="mb-2 text-sm font-semibold">{w.title}</h2>}
      {w.result ? <WidgetView result={w.result} viz={w.viz as Viz} measureType={w.measureType as MeasureType | undefined} title={w.title} accent={accent} /> : <p role="alert">{w.error}</p>}
    </section>
  ));
}
