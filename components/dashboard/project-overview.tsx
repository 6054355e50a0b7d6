"use client";
// The project overview that works with no set-up: headline metrics with comparison, a trend of the
// selected metric (with the previous period on request), and breakdowns; clicking a row filters
// every panel (drill-down), clicking a custom event keeps the visitors who did it (a conversion
// filter, with their conversion rate), and so does clicking a goal of the Goals panel; a saved
// segment narrows every panel. State lives in the URL.
// Live: the project's stream refetches the panels when events arrive (useProjectLive).
import { useState } from "react";
import { CompareToggle } from "@/components/filters/compare-toggle";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { goalNamesOf, useGoals } from "@/components/hooks/use-goals";
import { useProjectLive } from "@/components/hooks/use-project-live";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { useViewState } from "@/components/hooks/use-view-state";
import { SegmentPicker } from "@/components/segments/segment-picker";
import { BreakdownChart } from "@/components/widgets/breakdown-chart";
import { MetricCard } from "@/components/widgets/metric-card";
import { TrendChart } from "@/components/widgets/trend-chart";
import {
  ANY_DATA_REQUEST,
  BREAKDOWN_PANELS,
  type BreakdownPanel,
  headlineMetricsFor,
  headlineQuery,
  trendQuery,
} from "@/lib/query/overview";
import type { BreakdownResult, MetricResult, TrendResult } from "@/lib/query/results";
import { withConversion, withDrillDown, withGoalConversion, withoutFilter } from "@/lib/query/view-state";
import { ActiveNow } from "./active-now";
import { GoalsPanel } from "./goals-panel";
import { PanelTabs } from "./panel-tabs";
import { QueryPanel } from "./query-panel";
import { TrackerSnippet } from "./tracker-snippet";

export function ProjectOverview({ projectId, origin }: { projectId: string; origin: string }) {
  const [view, setView] = useViewState();
  const metrics = headlineMetricsFor(view);
  const [selectedKey, setSelectedKey] = useState(metrics[0]!.key);
  const selected = metrics.find((m) => m.key === selectedKey) ?? metrics[0]!;
  // The tab each panel shows (by panel title), where it has several: top, entry or exit pages.
  const [tabOf, setTabOf] = useState<Record<string, string>>({});
  const live = useProjectLive(projectId);
  const goals = useGoals(projectId);
  const anyData = useQueryResult<MetricResult>(projectId, ANY_DATA_REQUEST.query, {
    range: ANY_DATA_REQUEST.range,
    filters: [],
  });
  const trend = trendQuery(selected, view.range);
  const drill = (panel: BreakdownPanel) => (value: string | null) =>
    setView((current) =>
      panel.selects === "visitors" && value !== null
        ? withConversion(current, value)
        : withDrillDown(current, panel.dimension, value),
    );

  if (anyData.data && anyData.data.data.value === 0) return <TrackerSnippet origin={origin} projectId={projectId} />;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
          <CompareToggle
            checked={!!view.compare}
            onChange={(compare) => setView((current) => ({ ...current, compare }))}
          />
        </div>
        <ActiveNow {...live} />
      </div>
      <SegmentPicker projectId={projectId} view={view} setView={setView} />
      <FilterChips
        filters={view.filters}
        onRemove={(i) => setView((current) => withoutFilter(current, i))}
        goalNames={goalNamesOf(goals.data)}
      />
      <div
        className={`grid grid-cols-2 gap-3 ${metrics.length > 5 ? "md:grid-cols-3 xl:grid-cols-6" : "md:grid-cols-5"}`}
      >
        {metrics.map((h) => (
          <QueryPanel<MetricResult>
            key={h.key}
            title={h.label}
            projectId={projectId}
            view={view}
            query={headlineQuery(h)}
            skeleton={{ kind: "metric" }}
          >
            {(result) => (
              <button
                type="button"
                onClick={() => setSelectedKey(h.key)}
                aria-pressed={selected.key === h.key}
                className="w-full min-w-0 text-left"
              >
                <MetricCard result={result} measureType={h.measure.type} />
              </button>
            )}
          </QueryPanel>
        ))}
      </div>
      <QueryPanel<TrendResult>
        title={`${selected.label} over time`}
        projectId={projectId}
        view={view}
        query={trend}
        skeleton={{ kind: "chart", height: 280 }}
      >
        {(result) => (
          <TrendChart result={result} variant="area" measureType={selected.measure.type} title={selected.label} />
        )}
      </QueryPanel>
      <div className="grid gap-4 md:grid-cols-2">
        {BREAKDOWN_PANELS.map((panel) => {
          const tabs = [panel, ...(panel.tabs ?? [])];
          const b = tabs.find((t) => t.title === tabOf[panel.title]) ?? panel;
          return (
            <QueryPanel<BreakdownResult>
              key={panel.title}
              title={b.title}
              projectId={projectId}
              view={view}
              query={b.query}
              skeleton={{ kind: "table", rows: 5 }}
              valueHeading={b.valueLabel}
              toolbar={
                tabs.length > 1 && (
                  <PanelTabs
                    label={panel.title}
                    tabs={tabs.map((t) => t.title)}
                    selected={b.title}
                    onSelect={(title) => setTabOf((current) => ({ ...current, [panel.title]: title }))}
                  />
                )
              }
            >
              {(result) => (
                <BreakdownChart
                  result={result}
                  variant="table"
                  measureType={b.query.measure?.type ?? "count"}
                  title={b.valueLabel}
                  onSelect={drill(b)}
                />
              )}
            </QueryPanel>
          );
        })}
        <GoalsPanel
          projectId={projectId}
          view={view}
          goals={goals.data}
          goalsError={goals.error}
          onSelect={(goalId) => setView((current) => withGoalConversion(current, goalId))}
        />
      </div>
    </div>
  );
}
