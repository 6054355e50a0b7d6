"use client";
// Every widget with fixed sample results, in light and dark, for visual checks and e2e/widgets.spec.ts.
// Static: no data fetching, no database.
import { useState } from "react";
import { WidgetFrame } from "@/components/widgets/widget-frame";
import { WidgetView } from "@/components/widgets/widget-view";
import type {
  BreakdownResult,
  FunnelResult,
  FunnelStepResult,
  MetricResult,
  PathsResult,
  RetentionResult,
  TrendResult,
} from "@/lib/query/results";

const days = Array.from({ length: 14 }, (_, i) => `2025-03-${String(i + 1).padStart(2, "0")}`);
const buckets = days.map((day) => ({ start: `${day}T00:00:00.000Z`, label: `${day}T00:00` }));
const wave = (base: number, amp: number, phase = 0) =>
  days.map((_, i) => Math.round(base + amp * Math.sin(i / 2 + phase) + i * base * 0.02));
const series = (key: string | null, values: number[], other = false) => ({
  key,
  other,
  values,
  total: values.reduce((a, b) => a + b, 0),
});

const pageviews: TrendResult = { kind: "trend", interval: "day", buckets, series: [series(null, wave(1200, 300))] };
const bySource: TrendResult = {
  kind: "trend",
  interval: "day",
  dimension: "referrer",
  buckets,
  series: [
    series("google", wave(500, 120)),
    series("twitter", wave(220, 80, 1)),
    series(null, wave(150, 40, 2)),
    series(null, wave(90, 30, 3), true),
  ],
};
const visitors: MetricResult = {
  kind: "metric",
  value: 48_213,
  previous: 41_020,
  change: 48_213 / 41_020 - 1,
  change_unit: "relative",
  previous_range: { from: "2025-02-15T00:00:00Z", to: "2025-03-01T00:00:00Z" },
};
const bounce: MetricResult = {
  kind: "metric",
  value: 0.382,
  previous: 0.415,
  change: 0.382 - 0.415,
  change_unit: "points",
  previous_range: null,
};
const duration: MetricResult = {
  kind: "metric",
  value: 200,
  previous: 230,
  change: 200 / 230 - 1,
  change_unit: "relative",
  previous_range: null,
};
const pages: BreakdownResult = {
  kind: "breakdown",
  dimension: "path",
  rows: [
    { value: "/", measure: 8210 },
    { value: "/pricing", measure: 4320 },
    { value: "/docs/getting-started", measure: 2950 },
    { value: "/blog/launch", measure: 1210 },
    { value: null, measure: 380 },
  ],
  other: 1740,
};
const step = (index: number, label: string, count: number, first: number, previous: number): FunnelStepResult => ({
  index,
  event: label.toLowerCase().replaceAll(" ", "_"),
  label,
  count,
  conversion_from_first: count / first,
  conversion_from_previous: count / previous,
  drop_off: index === 0 ? 0 : previous - count,
});
const steps = (counts: number[]) =>
  counts.map((c, i) =>
    step(i, ["Viewed pricing", "Started signup", "Activated"][i]!, c, counts[0]!, counts[Math.max(0, i - 1)]!),
  );
const signup: FunnelResult = {
  kind: "funnel",
  steps: steps([5200, 2080, 936]),
  breakdown: [
    { value: "google", other: false, steps: steps([3100, 1400, 700]) },
    { value: null, other: false, steps: steps([900, 280, 96]) },
    { value: null, other: true, steps: steps([1200, 400, 140]) },
  ],
};
const retention: RetentionResult = {
  kind: "retention",
  period: "week",
  cohorts: [0, 1, 2, 3, 4].map((w) => {
    const size = [412, 380, 455, 398, 120][w]!;
    const counts = [0, 1, 2, 3, 4, 5].map((k) =>
      w + k > 4 ? null : Math.round(size * (k === 0 ? 1 : 0.45 * 0.8 ** k)),
    );
    const label = `2025-02-${String(3 + w * 7).padStart(2, "0")}`;
    return {
      start: `${label}T00:00:00.000Z`,
      label,
      size,
      counts,
      rates: counts.map((c) => (c === null ? null : c / size)),
    };
  }),
};

const page = (value: string, count: number, drop_off: number) => ({ type: "page" as const, value, count, drop_off });
const journeys: PathsResult = {
  kind: "paths",
  mode: "start",
  anchor: { type: "page", value: "/" },
  steps: [
    { position: 0, count: 1000, drop_off: 380, nodes: [page("/", 1000, 380)] },
    {
      position: 1,
      count: 620,
      drop_off: 250,
      nodes: [
        page("/pricing", 300, 90),
        page("/docs", 200, 100),
        { type: "other", value: null, count: 120, drop_off: 60 },
      ],
    },
    {
      position: 2,
      count: 370,
      drop_off: 370,
      nodes: [
        { type: "event", value: "signup", count: 170, drop_off: 170 },
        page("/docs", 120, 120),
        page("/pricing", 80, 80),
      ],
    },
  ],
  links: [
    { step: 0, from: 0, to: 0, count: 300 },
    { step: 0, from: 0, to: 1, count: 200 },
    { step: 0, from: 0, to: 2, count: 120 },
    { step: 1, from: 0, to: 0, count: 150 },
    { step: 1, from: 0, to: 1, count: 60 },
    { step: 1, from: 1, to: 2, count: 80 },
    { step: 1, from: 1, to: 0, count: 20 },
    { step: 1, from: 2, to: 1, count: 60 },
  ],
};

function Gallery({ accent }: { accent?: string }) {
  const [selected, setSelected] = useState<string | null | undefined>(undefined);
  const [retries, setRetries] = useState(0);
  const common = { accent };
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
      <WidgetFrame title="Pageviews (line)" className="md:col-span-2">
        <WidgetView result={pageviews} viz={{ type: "line" }} title="Pageviews" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Visitors">
        <WidgetView
          result={visitors}
          viz={{ type: "metric" }}
          measureType="unique_users"
          title="Visitors"
          {...common}
        />
        <WidgetView
          result={bounce}
          viz={{ type: "metric" }}
          measureType="bounce_rate"
          title="Bounce rate"
          {...common}
        />
        <WidgetView
          result={duration}
          viz={{ type: "metric" }}
          measureType="avg_session_duration"
          title="Session duration"
          {...common}
        />
      </WidgetFrame>
      <WidgetFrame title="Visits by source (bar)">
        <WidgetView result={bySource} viz={{ type: "bar" }} title="Visits by source" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Visits by source (area)">
        <WidgetView result={bySource} viz={{ type: "area" }} title="Visits by source" {...common} />
      </WidgetFrame>
      <WidgetFrame
        title="Top pages (bars)"
        actions={
          <p className="text-xs text-slate-500" aria-live="polite">
            {selected !== undefined && `Selected: ${selected ?? "(none)"}`}
          </p>
        }
      >
        <WidgetView result={pages} viz={{ type: "bar" }} title="Pageviews" onSelect={setSelected} {...common} />
      </WidgetFrame>
      <WidgetFrame title="Top pages (donut)">
        <WidgetView result={pages} viz={{ type: "donut" }} title="Pageviews" onSelect={setSelected} {...common} />
      </WidgetFrame>
      <WidgetFrame title="Top pages (pie)">
        <WidgetView result={pages} viz={{ type: "pie", height: 200 }} title="Pageviews" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Top pages (table)">
        <WidgetView result={pages} viz={{ type: "table" }} title="Pageviews" onSelect={setSelected} {...common} />
      </WidgetFrame>
      <WidgetFrame title="Signup funnel (horizontal)">
        <WidgetView result={signup} viz={{ type: "funnel" }} title="Signup funnel" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Signup funnel (vertical)">
        <WidgetView
          result={{ ...signup, breakdown: null }}
          viz={{ type: "funnel", orientation: "vertical", height: 160 }}
          title="Signup funnel (vertical)"
          {...common}
        />
      </WidgetFrame>
      <WidgetFrame title="Weekly retention" className="md:col-span-2">
        <WidgetView result={retention} viz={{ type: "retention" }} title="Weekly retention" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Paths from home" className="md:col-span-2">
        <WidgetView result={journeys} viz={{ type: "sankey" }} title="Paths from home" {...common} />
      </WidgetFrame>
      <WidgetFrame title="Loading" loading />
      <WidgetFrame
        title="Failing"
        error={`Query timed out (retried ${retries}×)`}
        onRetry={() => setRetries((n) => n + 1)}
      />
      <WidgetFrame title="Empty" empty />
    </div>
  );
}

export default function WidgetsPreviewPage() {
  return (
    <main className="flex flex-col">
      <section aria-label="Light" className="bg-slate-50 p-6">
        <h1 className="mb-4 text-xl font-semibold">Widgets preview</h1>
        <Gallery />
      </section>
      <section aria-label="Dark" className="dark bg-slate-950 p-6 text-slate-100">
        <h2 className="mb-4 text-xl font-semibold">Dark, with an embed accent</h2>
        <Gallery accent="#f97316" />
      </section>
    </main>
  );
}
