"use client";
// The project overview that works with no set-up: headline metrics with comparison, a trend of the
// selected metric, and breakdowns; clicking a row filters every panel (drill-down). State lives in the URL.
import { useState } from "react";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useQueryResult } from "@/components/hooks/use-query-result";
import { useViewState } from "@/components/hooks/use-view-state";
import { BreakdownChart } from "@/components/widgets/breakdown-chart";
import { MetricCard } from "@/components/widgets/metric-card";
import { TrendChart } from "@/components/widgets/trend-chart";
import type { BreakdownResult, MetricResult, TrendResult } from "@/lib/query/results";
import type { Dimension, Measure, QueryDefinitionInput } from "@/lib/query/schemas";
import { withDrillDown, withoutFilter } from "@/lib/query/view-state";
import { PASSIVE_EVENTS } from "@/lib/query/passive-events";
import { ActiveNow } from "./active-now";
import { QueryPanel } from "./query-panel";
import { TrackerSnippet } from "./tracker-snippet";

const headline: { key: string; label: string; measure: Measure; event?: string }[] = [
  { key: "visitors", label: "Visitors", measure: { type: "unique_users" } },
  { key: "pageviews", label: "Pageviews", measure: { type: "count" }, event: "pageview" },
  { key: "sessions", label: "Sessions", measure: { type: "sessions" } },
  { key: "bounce", label: "Bounce rate", measure: { type: "bounce_rate" } },
  { key: "duration", label: "Session duration", measure: { type: "avg_session_duration" } },
];

const breakdowns: { title: string; dimension: Dimension; event?: string; measure?: Measure }[] = [
  { title: "Top pages", dimension: "path", event: "pageview" },
  { title: "Referrers", dimension: "referrer", measure: { type: "unique_users" } },
  { title: "UTM sources", dimension: "utm_source", measure: { type: "unique_users" } },
  { title: "Countries", dimension: "country", measure: { type: "unique_users" } },
  { title: "Browsers", dimension: "browser", measure: { type: "unique_users" } },
  { title: "Operating systems", dimension: "os", measure: { type: "unique_users" } },
  { title: "Devices", dimension: "device", measure: { type: "unique_users" } },
];

export function ProjectOverview({ projectId, origin }: { projectId: string; origin: string }) {
  const [view, setView] = useViewState();
  const [selected, setSelected] = useState(headline[0]!);
  const anyData = useQueryResult<MetricResult>(projectId, { kind: "metric", compare: false }, { range: { relative: "last_90_days" }, filters: [] });
  const interval = "relative" in view.range && ["today", "yesterday", "last_24_hours"].includes(view.range.relative) ? "hour" : "day";
  const trend: QueryDefinitionInput = { kind: "trend", measure: selected.measure, event: selected.event, interval };
  const drill = (dimension: Dimension) => (value: string | null) => setView((current) => withDrillDown(current, dimension, value));

  if (anyData.data && anyData.data.data.value === 0) return <TrackerSnippet origin={origin} projectId={projectId} />;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
        <ActiveNow projectId={projectId} />
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        {headline.map((h) => (
          <QueryPanel<MetricResult> key={h.key} title={h.label} projectId={projectId} view={view} query={{ kind: "metric", measure: h.measure, event: h.event }}>
            {(result) => (
              <button type="button" onClick={() => setSelected(h)} aria-pressed={selected.key === h.key} className="text-left">
                <MetricCard result={result} measureType={h.measure.type} />
              </button>
            )}
          </QueryPanel>
        ))}
      </div>
      <QueryPanel<TrendResult> title={`${selected.label} over time`} projectId={projectId} view={view} query={trend}>
        {(result) => <TrendChart result={result} variant="area" measureType={selected.measure.type} title={selected.label} />}
      </QueryPanel>
      <div className="grid gap-4 md:grid-cols-2">
        {breakdowns.map((b) => (
          <QueryPanel<BreakdownResult> key={b.title} title={b.title} projectId={projectId} view={view} query={{ kind: "breakdown", dimension: b.dimension, event: b.event, measure: b.measure, limit: 10 }}>
            {(result) => <BreakdownChart result={result} variant="table" measureType={(b.measure ?? { type: "count" }).type} title={b.measure ? "Visitors" : "Pageviews"} onSelect={drill(b.dimension)} />}
          </QueryPanel>
        ))}
        <QueryPanel<BreakdownResult>
          title="Custom events"
          projectId={projectId}
          view={view}
          query={{ kind: "breakdown", dimension: "event", limit: 10, filters: [{ field: "event", op: "not_in", value: PASSIVE_EVENTS }] }}
        >
          {(result) => <BreakdownChart result={result} variant="table" title="Events" onSelect={drill("event")} />}
        </QueryPanel>
      </div>
    </div>
  );
}
