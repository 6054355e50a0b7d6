// Runs a query definition for one project: resolves time zone and range, checks its cost, picks
// rollups or raw events, and returns the data with metadata about how it was answered.
import "server-only";
import type pg from "pg";
import { requestNow } from "../clock";
import { getPrisma, getReportPool } from "../db/client";
import { withSnapshotReaders } from "../db/snapshot-readers";
import { ApiError } from "../errors";
import { resolveQueryGoals } from "../goals/goals";
import { clampToRetention, type RetentionNotice } from "../privacy/retention-clamp";
import type { RetentionMonths } from "../privacy/retention-policy";
import { resolveSegments } from "../segments/resolve";
import { assertConversionRateDefined, isActorSetFilter, rollupsMayAnswer } from "./conversion-filter";
import { goalsWithBitmaps } from "./converted-actors";
import { checkQueryCost, type IntervalAdjustment } from "./cost";
import { runErrors } from "./errors";
import { queryUsesFirstSeen, readFirstSeenWatermark } from "./first-seen";
import { goalRateParts, withoutGoalMeasure } from "./goals";
import { runBreakdown } from "./kinds/breakdown";
import { runFunnel } from "./kinds/funnel";
import { runMetric } from "./kinds/metric";
import { runPaths } from "./kinds/paths";
import { derivedRetentionSource, runRetention } from "./kinds/retention";
import { runTrend } from "./kinds/trend";
import { changeOf, changeUnitOf } from "./measure-semantics";
import { DEFAULT_RANGE, resolveRange } from "./range";
import type { MetricResult, QueryResult } from "./results";
import type { QueryDefinition, QueryRange } from "./schemas";
import type { QueryScope } from "./scope";
import { assertSessionDimensionsSupported } from "./session-dimensions";
import { groupedSourceFor, RAW_SOURCE } from "./sources";
import { DEFAULT_SURFACE, type QueryCaller, type QuerySurface, statementTimeoutMs, surfaceLabel } from "./surfaces";
import { runVitals } from "./vitals";

/**
 * Raw retention shares its actor buckets with this many more connections on the query's snapshot:
 * one per core of the database server beyond the first (8-week retention on 10M events, 2 cores:
 * p95 2.7 s as parallel workers that merge a million partial groups in one process, 1.3 s as two
 * readers of 32 buckets each).
 */
const RETENTION_EXTRA_READERS = 1;

export interface RunQueryInput extends Partial<QueryCaller> {
  organizationId: string;
  projectId: string;
  query: QueryDefinition;
  range?: QueryRange;
  timezone?: string;
  /** A segment for this run (a view's picker, an embed's lock), ANDed with the query's own (lib/segments/resolve.ts). */
  segment?: string;
  now?: Date;
  /** Force raw events even where rollups could answer (tests compare both). */
  useRollups?: boolean;
}

export interface QueryMeta {
  took_ms: number;
  rollups: boolean;
  timezone: string;
  range: { from: string; to: string };
  /** Present when a trend's interval was made coarser to stay within its cost budget (lib/query/cost.ts). */
  interval_adjusted?: IntervalAdjustment;
  /** Present when the range reached back past what retention keeps (lib/privacy/retention-clamp.ts). */
  retention?: RetentionNotice;
}

export async function getProjectInOrganization(organizationId: string, projectId: string) {
  const project = await getPrisma().project.findFirst({ where: { id: projectId, organizationId } });
  // Another organization's project is indistinguishable from a missing one.
  if (!project) throw new ApiError("not_found", "No such project in this organization");
  return project;
}

/** All report connections busy past the pool's wait: a 503 that says so, rather than "database down". */
async function connectForReport(): Promise<pg.PoolClient> {
  const pool = getReportPool();
  try {
    return await pool.connect();
  } catch (error) {
    if (
      pool.totalCount >= (pool.options.max ?? 0) &&
      error instanceof Error &&
      /timeout exceeded when trying to connect/i.test(error.message)
    ) {
      throw new ApiError("unavailable", "Every report connection of this server is busy; retry shortly", undefined, {
        "retry-after": "5",
      });
    }
    throw error;
  }
}

/** PostgreSQL's query_canceled: our statement_timeout (or an operator's pg_cancel_backend, which is as final). */
const QUERY_CANCELED = "57014";

/**
 * Every statement of a query runs in one read-only REPEATABLE READ snapshot, so the rollup
 * watermark, the rollups and the raw events it combines are all from the same moment. On the report
 * pool, never ingestion's, and each statement bounded by the surface's timeout.
 */
export async function inSnapshot<T>(surface: QuerySurface, run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connectForReport();
  const timeoutMs = statementTimeoutMs(surface);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // Distinct counts and funnels sort or hash millions of rows: give them memory rather than temp files.
    await client.query(`SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = ${timeoutMs}`);
    const result = await run(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    if ((error as { code?: unknown }).code === QUERY_CANCELED) {
      throw new ApiError(
        "query_timeout",
        `The query ran longer than the ${timeoutMs / 1000} s allowed for ${surfaceLabel[surface]}; narrow its range or simplify it`,
        undefined,
        {
          "retry-after": "30",
        },
      );
    }
    throw error;
  } finally {
    client.release();
  }
}

/** The goals a query names, and those of them whose bitmaps are complete in its time zone. */
interface ResolvedGoals {
  goals: NonNullable<QueryScope["goals"]>;
  withBitmaps: ReadonlySet<string>;
}

const queryTimezone = (input: RunQueryInput, project: { timezone: string }) =>
  input.timezone ?? input.query.timezone ?? project.timezone;

/** Runs the query in its principal's turn when the caller has a gate (lib/query/query-gate.ts). */
export async function runQuery(input: RunQueryInput): Promise<{ data: QueryResult; meta: QueryMeta }> {
  const run = async () => {
    const started = performance.now();
    const project = await getProjectInOrganization(input.organizationId, input.projectId);
    // The goals its measure and filters name, from this project's goals: every surface (API, widgets, embeds, alerts, CSV) resolves them here.
    const goals = await resolveQueryGoals(project.organizationId, project.id, input.query);
    return inSnapshot(input.surface ?? DEFAULT_SURFACE, async (db) => {
      const withBitmaps = await goalsWithBitmaps(db, project, Object.keys(goals), queryTimezone(input, project));
      const rateParts = goalRateParts(input.query, goals, withBitmaps);
      return rateParts
        ? runGoalRate(db, input, project, started, { goals, withBitmaps }, rateParts)
        : runInSnapshot(db, input, project, started, { goals, withBitmaps });
    });
  };
  return input.gate ? input.gate.run(run) : run();
}

/**
 * A goal's conversion rate as one number from its two parts (goalRateParts), each answered as its
 * own query in the same snapshot: the rate and the previous period's are their quotients, exactly
 * the goal measure's (unique users over unique users), with none for no visitors.
 */
async function runGoalRate(
  db: pg.PoolClient,
  input: RunQueryInput,
  project: { organizationId: string; id: string; timezone: string } & RetentionMonths,
  started: number,
  goals: ResolvedGoals,
  parts: { converted: QueryDefinition; all: QueryDefinition },
) {
  const converted = await runInSnapshot(db, { ...input, query: parts.converted }, project, started, goals);
  const all = await runInSnapshot(db, { ...input, query: parts.all }, project, started, goals);
  const [c, a] = [converted.data as MetricResult, all.data as MetricResult];
  const share = (n: number | null, d: number | null) => (n === null || !d ? null : n / d);
  const value = share(c.value, a.value);
  const previous = share(c.previous, a.previous);
  const type = "goal_conversion_rate";
  return {
    data: { ...a, value, previous, change: changeOf(type, value, previous), change_unit: changeUnitOf(type) },
    meta: {
      ...all.meta,
      took_ms: Math.round((performance.now() - started) * 10) / 10,
      rollups: converted.meta.rollups && all.meta.rollups,
    },
  };
}

async function runInSnapshot(
  db: pg.PoolClient,
  input: RunQueryInput,
  project: { organizationId: string; id: string; timezone: string } & RetentionMonths,
  started: number,
  { goals, withBitmaps }: ResolvedGoals,
) {
  const timezone = queryTimezone(input, project);
  const now = input.now ?? requestNow();
  const { previous, ...range } = await resolveRange(
    db,
    input.range ?? input.query.range ?? DEFAULT_RANGE,
    timezone,
    now,
  );
  // Segments first: everything after (cost, rollups, conversion filters) sees their filters as the query's own.
  const segmented = await resolveSegments(
    db,
    { organizationId: project.organizationId, projectId: project.id },
    input.query,
    input.segment,
  );
  const { query: costed, intervalAdjusted } = checkQueryCost(segmented, range);
  assertConversionRateDefined(costed);
  assertSessionDimensionsSupported(costed);
  let query = withoutGoalMeasure(costed, goals, withBitmaps);
  const scope: QueryScope = {
    organizationId: project.organizationId,
    projectId: project.id,
    ...range,
    timezone,
    event: "event" in query ? query.event : undefined,
    filters: query.filters,
    goals,
    ...(queryUsesFirstSeen(query) ? { firstSeenWatermark: await readFirstSeenWatermark(db) } : {}),
  };
  if (query.kind === "funnel" || query.kind === "retention" || query.kind === "paths") {
    // They group millions of raw events by user (paths: raw events by session, or a session's
    // steps per row of the step table): let both cores scan and hash them (measured on
    // 10M events: a 30-day funnel 2.3 s -> 1.85 s). PostgreSQL's default costs only go parallel
    // for far larger scans. Two workers and a leader that only gathers and finalizes, rather than
    // three processes on two cores (the funnel 1.67 -> 1.60 s). Retention read bucket by bucket
    // shares its work among snapshot readers instead (see RETENTION_EXTRA_READERS).
    await db.query(
      "SET LOCAL parallel_setup_cost = 10; SET LOCAL parallel_tuple_cost = 0.001; SET LOCAL parallel_leader_participation = off",
    );
  }
  // A comparison reads its previous period through the same source: every period must be answerable by it.
  const compares = (query.kind === "metric" || query.kind === "trend") && query.compare;
  const comparedScopes: QueryScope[] = !compares
    ? []
    : [{ ...scope, from: previous.from, to: query.kind === "metric" ? previous.comparableTo : previous.to }];
  const raw = input.useRollups === false || !rollupsMayAnswer(query);
  const source =
    raw || query.kind === "funnel" || query.kind === "retention"
      ? RAW_SOURCE
      : await groupedSourceFor(db, [scope, ...comparedScopes], query);
  // Filters that keep actors (who did an event, new or returning) are semi-joins of the range's
  // events with a set of actors read from events or first-seen rows. Statistics that do not know the
  // project's rows yet (a new project, a fresh partition, a tenant grown since the last ANALYZE)
  // estimate both sides at one row, and the planner then loops over one side for each row of the
  // other: 0.3-1 s on 3k events, growing with their product. With statistics it hashes them, and
  // the plan is the same either way (600k events: 0.55-1.2 s with and without this setting);
  // without, 300-1,000 ms became 6-11 ms. A property filter's lookups (property-events.ts) are
  // LATERAL, so they stay loops. Set back after this query: a goal's rate runs another in the snapshot.
  const hashesKeptActors = !source.rollups && query.filters.some(isActorSetFilter);
  if (hashesKeptActors) await db.query("SET LOCAL enable_nestloop = off");
  const retentionSource = raw ? null : await derivedRetentionSource(db, scope, query);
  let rollups = source.rollups || retentionSource !== null;
  // Privacy hook: a range reaching back past retention is clamped (session rollups read id-less
  // sessions raw), and a comparison with a period past it dropped (lib/privacy/retention-clamp.ts).
  const kept = await clampToRetention(db, project, scope, {
    timezone,
    now,
    fromAggregates: source.fromAggregates || retentionSource !== null,
    previousFrom: compares ? previous.from : undefined,
  });
  if (kept.notice) {
    scope.from = kept.from;
    if (kept.notice.comparison_dropped && (query.kind === "metric" || query.kind === "trend"))
      query = { ...query, compare: false };
  }
  const { grouped } = source;
  let data: QueryResult;
  switch (query.kind) {
    case "trend":
      data = await runTrend(db, scope, query, now, previous, grouped);
      break;
    case "metric":
      data = await runMetric(db, scope, query, previous, grouped);
      break;
    case "breakdown":
      data = await runBreakdown(db, scope, query, grouped);
      break;
    case "funnel":
      data = await runFunnel(db, scope, query);
      break;
    case "retention":
      data = await runRetention(
        db,
        scope,
        query,
        now,
        retentionSource ?? { kind: "raw", readers: (work) => withSnapshotReaders(db, RETENTION_EXTRA_READERS, work) },
      );
      break;
    case "vitals":
      data = await runVitals(db, scope, query);
      break;
    case "errors":
      data = await runErrors(db, scope, query);
      break;
    case "paths": {
      const paths = await runPaths(db, scope, query, !raw);
      data = paths.data;
      rollups = paths.fromSteps;
      break;
    }
  }
  if (hashesKeptActors) await db.query("SET LOCAL enable_nestloop = DEFAULT");
  return {
    data,
    meta: {
      took_ms: Math.round((performance.now() - started) * 10) / 10,
      rollups,
      timezone,
      range: { from: scope.from.toISOString(), to: scope.to.toISOString() },
      ...(intervalAdjusted ? { interval_adjusted: intervalAdjusted } : {}),
      ...(kept.notice ? { retention: kept.notice } : {}),
    },
  };
}
