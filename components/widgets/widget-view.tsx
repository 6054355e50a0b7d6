"use client";
// The single entry point dashboards and embeds use: a query result plus a visualization choice in,
// the matching renderer out.
import type { QueryResult } from "@/lib/query/results";
import { BreakdownChart } from "./breakdown-chart";
import { ErrorsTable } from "./errors-table";
import type { MeasureType } from "./format";
import { FunnelChart } from "./funnel-chart";
import { MetricCard } from "./metric-card";
import { PathsFlow, PathsTable } from "./paths-flow";
import { RetentionGrid } from "./retention-grid";
import { TrendChart, TrendTable } from "./trend-chart";
import { VitalsTable } from "./vitals-table";

export type VizType =
  | "line"
  | "bar"
  | "area"
  | "pie"
  | "donut"
  | "table"
  | "metric"
  | "funnel"
  | "retention"
  | "vitals"
  | "errors"
  | "sankey";

export interface Viz {
  type: VizType;
  /** Funnel bar direction. */
  orientation?: "horizontal" | "vertical";
  /** Metric: a decrease is good (defaults to true for bounce rate). */
  invert?: boolean;
  /** Chart height in pixels (trend, pie/donut, vertical funnel, flow). */
  height?: number;
}

export interface WidgetViewProps {
  result: QueryResult;
  viz: Viz;
  measureType?: MeasureType;
  /** What is measured, e.g. "Pageviews": used in labels and accessible names. */
  title?: string;
  /** The frame around the widget already shows the title, so a metric does not repeat it as a caption. */
  titled?: boolean;
  accent?: string;
  locale?: string;
  /** Breakdown drill-down: the clicked stored value (null for the "no value" group). */
  onSelect?: (value: string | null) => void;
}

/** True when there is nothing worth drawing, so the frame shows "No data in this period" instead. */
export function isEmptyResult(result: QueryResult): boolean {
  switch (result.kind) {
    case "trend":
      return result.series.every((s) => s.values.every((v) => v === null || v === 0));
    case "metric":
      return false; // 0 or "–" is itself the answer
    case "breakdown":
      return result.rows.length === 0 && result.other === null;
    case "funnel":
      return (result.steps[0]?.count ?? 0) === 0;
    case "retention":
      return result.cohorts.every((c) => c.size === 0);
    case "vitals":
      return result.rows.length === 0;
    case "errors":
      return result.groups.length === 0;
    case "paths":
      return result.steps.every((step) => step.count === 0);
  }
}

// The result's kind decides the renderer; the viz only picks a variant where one applies, so a
// saved viz that no longer fits the query (e.g. "pie" on a trend) still shows something sensible.
export function WidgetView({
  result,
  viz,
  measureType,
  title,
  titled = false,
  accent,
  locale,
  onSelect,
}: WidgetViewProps) {
  const common = { measureType, title, accent, locale };
  switch (result.kind) {
    case "trend":
      if (viz.type === "table")
        return <TrendTable result={result} measureType={measureType} title={title} locale={locale} />;
      return (
        <TrendChart
          result={result}
          {...common}
          variant={viz.type === "bar" || viz.type === "area" ? viz.type : "line"}
          height={viz.height}
        />
      );
    case "metric":
      return (
        <MetricCard
          result={result}
          measureType={measureType}
          label={titled ? undefined : title}
          invert={viz.invert}
          locale={locale}
        />
      );
    case "breakdown":
      return (
        <BreakdownChart
          result={result}
          {...common}
          variant={viz.type === "pie" || viz.type === "donut" || viz.type === "table" ? viz.type : "bar"}
          height={viz.height}
          onSelect={onSelect}
        />
      );
    case "funnel":
      return (
        <FunnelChart
          result={result}
          title={title}
          accent={accent}
          locale={locale}
          orientation={viz.orientation}
          height={viz.height}
        />
      );
    case "retention":
      return <RetentionGrid result={result} title={title} accent={accent} locale={locale} />;
    case "vitals":
      return <VitalsTable result={result} title={title} locale={locale} />;
    case "errors":
      return <ErrorsTable result={result} title={title} accent={accent} locale={locale} />;
    case "paths":
      if (viz.type === "table") return <PathsTable result={result} title={title} locale={locale} />;
      return <PathsFlow result={result} title={title} accent={accent} locale={locale} height={viz.height} />;
  }
}
