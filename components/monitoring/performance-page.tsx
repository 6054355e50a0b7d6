"use client";
import { QueryPanel } from "@/components/dashboard/query-panel";
// A project's Performance page: web vitals from lumen-vitals.js over the chosen range, overall (p75
// and the shares rated good / needs improvement / poor) and per page, device and browser. State
// lives in the URL, as on the overview.
import { FilterChips } from "@/components/filters/filter-chips";
import { RangePicker } from "@/components/filters/range-picker";
import { useViewState } from "@/components/hooks/use-view-state";
import { VitalsSharesChart } from "@/components/widgets/vitals-shares-chart";
import { VitalsTable } from "@/components/widgets/vitals-table";
import type { VitalsResult } from "@/lib/query/results";
import type { VitalsQuery } from "@/lib/query/schemas";
import { withoutFilter } from "@/lib/query/view-state";
import { MonitoringHint } from "./monitoring-hint";

const GROUPS: { title: string; group_by: NonNullable<VitalsQuery["group_by"]> }[] = [
  { title: "By page", group_by: "page" },
  { title: "By device", group_by: "device" },
  { title: "By browser", group_by: "browser" },
];

export function PerformancePage({ projectId }: { projectId: string }) {
  const [view, setView] = useViewState();
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-xl font-semibold">Performance</h2>
        <RangePicker range={view.range} onChange={(range) => setView((current) => ({ ...current, range }))} />
      </div>
      <FilterChips filters={view.filters} onRemove={(i) => setView((current) => withoutFilter(current, i))} />
      <div className="grid gap-4 lg:grid-cols-2">
        <QueryPanel<VitalsResult>
          title="Core Web Vitals"
          projectId={projectId}
          view={view}
          query={{ kind: "vitals" }}
          skeleton={{ kind: "chart", height: 220 }}
        >
          {(result) => <VitalsSharesChart result={result} />}
        </QueryPanel>
        <QueryPanel<VitalsResult>
          title="All pages (p75)"
          projectId={projectId}
          view={view}
          query={{ kind: "vitals" }}
          skeleton={{ kind: "table", rows: 1 }}
        >
          {(result) => <VitalsTable result={result} title="All pages" />}
        </QueryPanel>
      </div>
      {GROUPS.map((group) => (
        <QueryPanel<VitalsResult>
          key={group.group_by}
          title={group.title}
          projectId={projectId}
          view={view}
          query={{ kind: "vitals", group_by: group.group_by, limit: 20 }}
          skeleton={{ kind: "table", rows: 5 }}
        >
          {(result) => <VitalsTable result={result} title={`Web vitals ${group.title.toLowerCase()}`} />}
        </QueryPanel>
      ))}
      <MonitoringHint module="lumen-vitals.js" event="web_vitals" />
    </div>
  );
}
