"use client";
// The project overview that works with no set-up: headline metrics with comparison, a trend of the
// selected metric, and breakdowns; clicking a row filters every panel (drill-down). State lives in the URL.
// Live: the project's stream refetches the panels when events arrive (useProjectLive).
import { useState } from "react";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useProjectLive } from "@/components/hooks/use-project-live";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { useViewState } from "@/components/hooks/use-view-state";
import { BreakdownChart } from "@/components/widgets/breakdown-chart";
import { MetricCard } from "@/components/widgets/metric-card";
import { TrendChart } from "@/components/widgets/trend-chart";
import { ANY_DATA_REQUEST, BREAKDOWN_PANELS, HEADLINE_METRICS, headlineQuery, trendQuery } from "@/lib/query/overview";
import type { BreakdownResult, MetricResult, TrendResult } from "@/lib/query/results";
import type { Dimension } from "@/lib/query/schemas";
import { withDrillDown, withoutFilter } from "@/lib/query/view-state";
import { ActiveNow } from "./active-now";
import { QueryPanel } from "./query-panel";
import { TrackerSnippet } from "./tracker-snippet";

export function ProjectOverview({ projectId, origin }: { projectId: string; origin: string }) {
  const [view, setView] = useViewState();
  const [selected, setSelected] = useState(HEADLINE_METRICS[0]!);
  const live = useProjectLive(projectId);
  const anyData = useQueryResult<MetricResult>(projectId, ANY_DATA_REQUEST.query, {
    range: ANY_DATA_REQUEST.range,
    filters: [],
  });
  const trend = trendQuery(selected, view.range);
  const drill = (dimension: Dimension) => (value: string | null) =>
    setView((current) => withDrillDown(current, dimension, value));

  if (anyData.data && anyData.data.data.value === 0) return <TrackerSnippet origin={origin} projectId={projectId} />;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
        <ActiveNow {...live} />
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        {HEADLINE_METRICS.map((h) => (
          <QueryPanel<MetricResult>
            key={h.key}
            title={h.label}
            projectId={projectId}
            view={view}
            query={headlineQuery(h)}
          >
            {(result) => (
              <button
                type="button"
                onClick={() => setSelected(h)}
                aria-pressed={selected.key === h.key}
                className="w-full min-w-0 text-left"
              >
                <MetricCard result={result} measureType={h.measure.type} />
              </button>
            )}
          </QueryPanel>
        ))}
      </div>
      <QueryPanel<TrendResult> title={`${selected.label} over time`} projectId={projectId} view={view} query={trend}>
        {(result) => (
          <TrendChart result={result} variant="area" measureType={selected.measure.type} title={selected.label} />
        )}
      </QueryPanel>
      <div className="grid gap-4 md:grid-cols-2">
        {BREAKDOWN_PANELS.map((b) => (
          <QueryPanel<BreakdownResult>
            key={b.title}
            title={b.title}
            projectId={projectId}
            view={view}
            query={b.query}
            valueHeading={b.valueLabel}
          >
            {(result) => (
              <BreakdownChart
                result={result}
                variant="table"
                measureType={b.query.measure?.type ?? "count"}
                title={b.valueLabel}
                onSelect={drill(b.dimension)}
              />
            )}
          </QueryPanel>
        ))}
      </div>
    </div>
  );
}
