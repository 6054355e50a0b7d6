// The cost budget of one query, checked once its range is resolved and before any of its SQL runs.
// What a query builds grows with its range and shape, not only with the data: a trend makes a row
// per bucket and series (hourly over ten years: 87,600 buckets), retention a cell per cohort and
// period, a funnel reads each later step over the range plus its window. Each is bounded here:
//   - range: at most maxRangeDays, ten years (with leap days and a zone's offset changes to spare):
//     every kind scans the range, a metric twice (the previous period).
//   - trend: at most maxBuckets per series, and maxCells buckets x series (top N + "other", twice
//     with the previous period).
//     Rather than refuse, the interval is made coarser (hour -> day -> week -> month) and the
//     answer's meta says so; refused (422 query_too_expensive) only when even months are too many.
//   - retention: at most maxBuckets cohorts and maxCells cohorts x (periods + 1). Not coarsened:
//     a weekly table answers another question than a daily one.
//   - errors: its trend as a trend's, one series per group (the limit): coarsened the same way.
//   - funnel: a window of at most maxFunnelWindowDays (a year, as other products allow), and
//     steps x (range + window), the days of events its steps read, at most maxFunnelStepDays.
//   - paths: a range of at most maxPathsRangeDays: it sorts every step event of the range's sessions
//     that reached the anchor (one sort whatever the steps; see ARCHITECTURE.md, "Paths"), so
//     the range is what its cost grows with. Steps (10) and values per step (20) are bounded by the
//     schema: at most 11 x 21 nodes and 10 x 21 x 21 links.
// Breakdown limits (at most 100) and retention periods (at most 52) are bounded by the schema.
// 1,000 points is more than a chart has pixels across; 20,000 cells are about 1 MB of JSON.
import { ApiError } from "../errors";
import type { ResolvedRange } from "./range";
import type { ErrorsQuery, FunnelQuery, PathsQuery, QueryDefinition, RetentionQuery, TrendQuery } from "./schemas";

export const QUERY_BUDGET = {
  maxRangeDays: 3_660,
  maxBuckets: 1_000,
  maxCells: 20_000,
  maxFunnelWindowDays: 365,
  maxFunnelStepDays: 10_000,
  /** A quarter: "last 90 days" with a DST change and partial days to spare. */
  maxPathsRangeDays: 92,
} as const;

type Interval = TrendQuery["interval"];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Average lengths (months of 30.44 days): a count off by one at the edges does not matter at these limits. */
const intervalMs: Record<Interval, number> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30.436875 * DAY_MS,
};
const COARSER: Interval[] = ["hour", "day", "week", "month"];

const count = (n: number) => n.toLocaleString("en-US");

export interface IntervalAdjustment {
  requested: Interval;
  used: Interval;
  reason: string;
}

export interface CheckedQuery {
  /** The query to run: the one asked for, or a trend with a coarser interval. */
  query: QueryDefinition;
  intervalAdjusted?: IntervalAdjustment;
}

function tooExpensive(path: string, message: string): ApiError {
  return new ApiError("query_too_expensive", message, [{ path, message }]);
}

/** Buckets of `unitMs` a range spans (a partial bucket counts). */
function bucketsIn(range: ResolvedRange, unitMs: number): number {
  return Math.max(1, Math.ceil((range.to.getTime() - range.from.getTime()) / unitMs));
}

function checkTrend(query: TrendQuery | ErrorsQuery, range: ResolvedRange): CheckedQuery {
  // The previous period, when compared, is as many series again; errors have one per group.
  const series =
    query.kind === "errors" ? query.limit : (query.breakdown ? query.breakdown.limit + 1 : 1) * (query.compare ? 2 : 1);
  const fits = (interval: Interval) => {
    const buckets = bucketsIn(range, intervalMs[interval]);
    return buckets <= QUERY_BUDGET.maxBuckets && buckets * series <= QUERY_BUDGET.maxCells;
  };
  const used = COARSER.slice(COARSER.indexOf(query.interval)).find(fits);
  const requested = bucketsIn(range, intervalMs[query.interval]);
  const why = `${count(requested)} ${query.interval} buckets x ${series} series is over the limit of ${count(QUERY_BUDGET.maxBuckets)} buckets per series and ${count(QUERY_BUDGET.maxCells)} buckets x series`;
  if (!used)
    throw tooExpensive("query.interval", `Too many buckets even by month: ${why}; narrow the range or the breakdown`);
  if (used === query.interval) return { query };
  return { query: { ...query, interval: used }, intervalAdjusted: { requested: query.interval, used, reason: why } };
}

function checkRetention(query: RetentionQuery, range: ResolvedRange): CheckedQuery {
  const cohorts = bucketsIn(range, intervalMs[query.period]);
  if (cohorts > QUERY_BUDGET.maxBuckets) {
    throw tooExpensive(
      "range",
      `${count(cohorts)} ${query.period} cohorts is over the limit of ${count(QUERY_BUDGET.maxBuckets)} cohorts; narrow the range or use weekly periods`,
    );
  }
  const cells = cohorts * (query.periods + 1);
  if (cells > QUERY_BUDGET.maxCells) {
    throw tooExpensive(
      "query.periods",
      `${count(cohorts)} cohorts x ${query.periods + 1} periods is over the limit of ${count(QUERY_BUDGET.maxCells)} cells; narrow the range or ask for fewer periods`,
    );
  }
  return { query };
}

const windowUnitMs: Record<FunnelQuery["window"]["unit"], number> = { minute: 60_000, hour: HOUR_MS, day: DAY_MS };

function checkFunnel(query: FunnelQuery, range: ResolvedRange): CheckedQuery {
  const windowDays = (query.window.value * windowUnitMs[query.window.unit]) / DAY_MS;
  if (windowDays > QUERY_BUDGET.maxFunnelWindowDays) {
    throw tooExpensive(
      "query.window",
      `A conversion window of ${count(Math.ceil(windowDays))} days is over the limit of ${QUERY_BUDGET.maxFunnelWindowDays} days`,
    );
  }
  const rangeDays = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  const stepDays = Math.ceil(query.steps.length * (rangeDays + windowDays));
  if (stepDays > QUERY_BUDGET.maxFunnelStepDays) {
    throw tooExpensive(
      "query.steps",
      `${query.steps.length} steps x (${count(Math.ceil(rangeDays))} days of range + ${count(Math.ceil(windowDays))} days of window) = ${count(stepDays)} days of events to read, over the limit of ${count(QUERY_BUDGET.maxFunnelStepDays)}; narrow the range or the window, or use fewer steps`,
    );
  }
  return { query };
}

function checkPaths(query: PathsQuery, range: ResolvedRange): CheckedQuery {
  const days = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  if (days > QUERY_BUDGET.maxPathsRangeDays) {
    throw tooExpensive(
      "range",
      `Paths over ${count(Math.ceil(days))} days is over the limit of ${QUERY_BUDGET.maxPathsRangeDays} days (each session's steps are sorted); narrow the range`,
    );
  }
  return { query };
}

/** The query within budget (a trend perhaps coarser), or a 422 query_too_expensive naming the limit. */
export function checkQueryCost(query: QueryDefinition, range: ResolvedRange): CheckedQuery {
  const days = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  if (days > QUERY_BUDGET.maxRangeDays) {
    throw tooExpensive(
      "range",
      `A range of ${count(Math.ceil(days))} days is over the limit of ${count(QUERY_BUDGET.maxRangeDays)} days (10 years) per query`,
    );
  }
  switch (query.kind) {
    case "trend":
    case "errors":
      return checkTrend(query, range);
    case "retention":
      return checkRetention(query, range);
    case "funnel":
      return checkFunnel(query, range);
    case "paths":
      return checkPaths(query, range);
    case "metric":
    case "breakdown":
    case "vitals":
      return { query };
  }
}
