"use client";
// A project's Errors page: lumen-errors.js's JavaScript errors over the chosen range, as a daily
// count and grouped by fingerprint (message and top frame) with users, first and last seen and a
// trend. State lives in the URL, as on the overview.
import { QueryPanel } from "@/components/dashboard/query-panel";
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useViewState } from "@/components/hooks/use-view-state";
import { ErrorsTable } from "@/components/widgets/errors-table";
import { TrendChart } from "@/components/widgets/trend-chart";
import { ERRORS_EVENT } from "@/lib/query/monitoring-events";
import type { ErrorsResult, TrendResult } from "@/lib/query/results";
import { withoutFilter } from "@/lib/query/view-state";
import { MonitoringHint } from "./monitoring-hint";

export function ErrorsPage({ projectId }: { projectId: string }) {
  const [view, setView] = useViewState();
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-xl font-semibold">Errors</h2>
        <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      <QueryPanel<TrendResult>
        title="Errors over time"
        projectId={projectId}
        view={view}
        query={{ kind: "trend", event: ERRORS_EVENT, interval: "day" }}
        skeleton={{ kind: "chart", height: 200 }}
      >
        {(result) => <TrendChart result={result} variant="bar" title="Errors" height={200} />}
      </QueryPanel>
      <QueryPanel<ErrorsResult>
        title="Errors by fingerprint"
        projectId={projectId}
        view={view}
        query={{ kind: "errors", limit: 50 }}
        skeleton={{ kind: "table", rows: 5 }}
      >
        {(result) => <ErrorsTable result={result} />}
      </QueryPanel>
      <MonitoringHint module="lumen-errors.js" event={ERRORS_EVENT} />
    </div>
  );
}
