// What a widget shows while its data loads: the outline of what will replace it, at about its size,
// so the page does not jump when the data arrives. A metric is a number and a comparison line (the
// number sized by the same container query as MetricCard's), a chart its plot's height, a table a
// header and a few rows.
import { Skeleton } from "@/components/ui/skeleton";

export type SkeletonShape =
  | { kind: "metric" }
  | { kind: "chart"; height: number }
  | { kind: "table"; rows: number }
  | { kind: "block" };

/** The outline that fits a saved widget's visualisation. */
export function skeletonForViz(viz: { type: string; height?: number }): SkeletonShape {
  switch (viz.type) {
    case "metric":
      return { kind: "metric" };
    case "line":
    case "bar":
    case "area":
      return { kind: "chart", height: viz.height ?? 280 };
    case "table":
    case "retention":
    case "vitals":
    case "errors":
      return { kind: "table", rows: 5 };
    case "pie":
    case "donut":
      return { kind: "chart", height: viz.height ?? 240 };
    case "sankey":
      return { kind: "chart", height: viz.height ?? 320 };
    default:
      return { kind: "chart", height: viz.height ?? 200 };
  }
}

export function WidgetSkeleton({ shape = { kind: "block" } }: { shape?: SkeletonShape }) {
  switch (shape.kind) {
    case "metric":
      return (
        <div className="@container flex flex-col gap-1" data-testid="widget-skeleton">
          <Skeleton className="h-[clamp(1.875rem,20cqi,2.8125rem)] w-2/3" />
          <Skeleton className="my-0.5 h-4 w-4/5" />
        </div>
      );
    case "chart":
      return <Skeleton className="w-full" style={{ height: shape.height }} data-testid="widget-skeleton" />;
    case "table":
      return (
        <div className="flex flex-col" data-testid="widget-skeleton">
          {Array.from({ length: shape.rows + 1 }, (_, i) => (
            <div
              key={i}
              className="flex h-8 items-center gap-3 border-t border-slate-100 first:border-t-0 dark:border-slate-800"
            >
              <Skeleton className="h-3.5 w-5" />
              <Skeleton className="h-3.5 flex-1" />
              <Skeleton className="h-3.5 w-12" />
            </div>
          ))}
        </div>
      );
    case "block":
      return (
        <div className="flex flex-col gap-3" data-testid="widget-skeleton">
          <Skeleton className="h-6 w-1/3" />
          <Skeleton className="h-40 w-full" />
        </div>
      );
  }
}
