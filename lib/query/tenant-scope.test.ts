// Every statement any query kind sends reads events or rollups only through the tenant condition:
// each reference to those tables comes with its own organization_id and project_id parameters.
import { afterAll, expect, it } from "vitest";
import { closeDatabase, getPool } from "../db/client";
import { resolveSegments } from "../segments/resolve";
import { countCubeGroupedSql, countCubePlanIfAnswerable } from "./count-cube";
import { filteredVisitorsGroupedSql, filteredVisitorsPlanIfAnswerable } from "./filtered-visitors";
import { visitorTypeGroupedSql } from "./first-seen";
import { runBreakdown } from "./kinds/breakdown";
import { runFunnel } from "./kinds/funnel";
import { runMetric } from "./kinds/metric";
import { pathsSql, runPaths } from "./kinds/paths";
import { runRetention } from "./kinds/retention";
import { runTrend } from "./kinds/trend";
import { groupedMeasureSql } from "./measure";
import type { ComparisonRange } from "./range";
import { rollupGroupedSql, rollupPlanIfAnswerable } from "./rollups";
import {
  breakdownQuerySchema,
  funnelQuerySchema,
  metricQuerySchema,
  pathsQuerySchema,
  retentionQuerySchema,
  trendQuerySchema,
} from "./schemas";
import type { QueryScope } from "./scope";
import { stepTableKeptSql } from "./session-paths";
import { sessionRollupGroupedSql, sessionRollupPlanIfAnswerable, sessionSelectorOf } from "./session-rollups";
import { GOAL_MEASURES } from "./vocabulary";

afterAll(async () => {
  await closeDatabase();
});

/** Tables holding tenant data that queries read. */
const TABLES = [
  "events",
  "event_rollups",
  "event_actor_bitmaps",
  "project_actors",
  "dimension_actor_bitmaps",
  "event_counts_daily",
  "actor_count_slices",
  "mixed_actor_bitmaps",
  "mixed_actor_days",
  "pair_actor_bitmaps",
  "pair_complete_bitmaps",
  "session_fragments",
  "session_counts",
  "session_key_values",
  "session_paths",
  "session_path_events",
  "session_path_counts",
  "segments",
  "actor_first_seen",
].join("|");

/** Per-project state of the refresh that queries consult, keyed by project id alone. */
const STATE_TABLES = [
  "rollup_daily_state",
  "event_counts_state",
  "mixed_actor_state",
  "pair_state",
  "session_spans",
].join("|");

const org = "11111111-1111-4111-8111-111111111111";
const project = "22222222-2222-4222-8222-222222222222";
const scope: QueryScope = {
  organizationId: org,
  projectId: project,
  from: new Date("2026-01-01T00:00:00Z"),
  to: new Date("2026-01-08T00:00:00Z"),
  timezone: "UTC",
  filters: [],
};
const comparison: ComparisonRange = {
  from: new Date("2025-12-25T00:00:00Z"),
  to: new Date("2026-01-01T00:00:00Z"),
  comparableTo: new Date("2025-12-28T12:34:56Z"),
  shift: { calendar: true, interval: "7 days" },
};
const now = new Date("2026-01-04T12:34:56Z");

it("binds every events and rollups reference to the organization and project", async () => {
  const sent: { text: string; values: unknown[] }[] = [];
  const pool = getPool();
  const recording = {
    query: (q: { text: string; values: unknown[] }) => {
      sent.push(q);
      return pool.query(q);
    },
  } as unknown as typeof pool;
  const watermark = "2026-01-05 00:00:00+00";
  const grouped = [
    groupedMeasureSql,
    rollupGroupedSql({ watermark, daily: false }),
    rollupGroupedSql({ watermark, daily: true }),
  ];
  for (const g of grouped) {
    await runTrend(
      recording,
      scope,
      trendQuerySchema.parse({ kind: "trend", breakdown: { dimension: "path" }, compare: true }),
      now,
      comparison,
      g,
    );
    await runMetric(
      recording,
      scope,
      metricQuerySchema.parse({ kind: "metric", measure: { type: "unique_users" } }),
      comparison,
      g,
    );
    await runBreakdown(recording, scope, breakdownQuerySchema.parse({ kind: "breakdown", dimension: "country" }), g);
  }
  await runMetric(
    recording,
    scope,
    metricQuerySchema.parse({ kind: "metric", measure: { type: "bounce_rate" } }),
    comparison,
  );
  // Goal measures (and a goal filter): the goal's events, read in a semi-join, are bound too.
  const pageGoal = "33333333-3333-4333-8333-333333333333";
  const eventGoal = "44444444-4444-4444-8444-444444444444";
  const withGoals: QueryScope = {
    ...scope,
    filters: [{ field: "goal", op: "equals", value: eventGoal }],
    goals: {
      [pageGoal]: { type: "page", path: "/blog/*" },
      [eventGoal]: {
        type: "event",
        event: "signup",
        conditions: [{ field: "properties.plan", op: "equals", value: "pro" }],
      },
    },
  };
  for (const type of GOAL_MEASURES) {
    const measure = { type, goal: pageGoal };
    await runMetric(recording, withGoals, metricQuerySchema.parse({ kind: "metric", measure }), comparison);
    await runBreakdown(
      recording,
      withGoals,
      breakdownQuerySchema.parse({ kind: "breakdown", dimension: "utm_source", measure }),
    );
  }
  // The filtered overview's sources: daily counts, intersections of per-value bitmaps (with a pair),
  // session rollups selected by a key and a profile value.
  const filtered: QueryScope = {
    ...scope,
    filters: [
      { field: "path", op: "equals", value: "/pricing" },
      { field: "device", op: "equals", value: "mobile" },
    ],
  };
  await runBreakdown(
    recording,
    filtered,
    breakdownQuerySchema.parse({ kind: "breakdown", dimension: "country", filters: filtered.filters }),
    countCubeGroupedSql({ watermark }),
  );
  for (const dimension of ["country", "referrer"]) {
    await runBreakdown(
      recording,
      filtered,
      breakdownQuerySchema.parse({
        kind: "breakdown",
        dimension,
        measure: { type: "unique_users" },
        filters: filtered.filters,
      }),
      filteredVisitorsGroupedSql({ watermark }),
    );
  }
  await runMetric(
    recording,
    filtered,
    metricQuerySchema.parse({
      kind: "metric",
      measure: { type: "bounce_rate" },
      filters: filtered.filters,
      compare: true,
    }),
    comparison,
    sessionRollupGroupedSql({ watermark, selector: sessionSelectorOf(filtered.filters)!, longestHours: 3 }),
  );
  // Entry and exit pages: from the session rollups (grouped, and filtered on an exit page), and raw.
  const paged: QueryScope = { ...scope, filters: [{ field: "exit_page", op: "equals", value: "/pricing" }] };
  for (const [s, dimension, g] of [
    [scope, "entry_page", sessionRollupGroupedSql({ watermark, selector: sessionSelectorOf([])!, longestHours: 3 })],
    [
      paged,
      "exit_page",
      sessionRollupGroupedSql({ watermark, selector: sessionSelectorOf(paged.filters)!, longestHours: 3 }),
    ],
    [paged, "entry_page", groupedMeasureSql],
  ] as const) {
    await runBreakdown(
      recording,
      s,
      breakdownQuerySchema.parse({ kind: "breakdown", dimension, measure: { type: "pages_per_session" } }),
      g,
    );
  }
  await runBreakdown(
    recording,
    paged,
    breakdownQuerySchema.parse({ kind: "breakdown", dimension: "path", measure: { type: "time_on_page" } }),
  );
  await runFunnel(
    recording,
    scope,
    funnelQuerySchema.parse({
      kind: "funnel",
      steps: [{ event: "a" }, { event: "b" }],
      breakdown: { dimension: "entry_page" },
    }),
  );
  await runFunnel(
    recording,
    scope,
    funnelQuerySchema.parse({
      kind: "funnel",
      steps: [{ event: "a" }, { event: "b" }, { event: "c" }],
      breakdown: { dimension: "os" },
    }),
  );
  // First seen: new vs returning from first seen and the range's visitors, visitor dimensions and filters raw.
  for (const visitors of grouped) {
    const split = visitorTypeGroupedSql(visitors, "2026-01-05 00:00:00+00");
    await runBreakdown(
      recording,
      scope,
      breakdownQuerySchema.parse({ kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } }),
      split,
    );
    await runTrend(
      recording,
      scope,
      trendQuerySchema.parse({ kind: "trend", measure: { type: "returning_users" }, compare: true }),
      now,
      comparison,
      split,
    );
  }
  const firstTouch: QueryScope = { ...scope, filters: [{ field: "first_referrer", op: "equals", value: "a.example" }] };
  await runBreakdown(
    recording,
    firstTouch,
    breakdownQuerySchema.parse({ kind: "breakdown", dimension: "visitor_type", filters: firstTouch.filters }),
  );
  await runTrend(
    recording,
    firstTouch,
    trendQuerySchema.parse({ kind: "trend", measure: { type: "new_users" }, breakdown: { dimension: "first_page" } }),
    now,
    comparison,
  );
  await runFunnel(
    recording,
    firstTouch,
    funnelQuerySchema.parse({
      kind: "funnel",
      steps: [{ event: "a" }, { event: "b", filters: [{ field: "visitor_type", op: "equals", value: "new" }] }],
      breakdown: { dimension: "first_utm_source" },
    }),
  );
  const retention = retentionQuerySchema.parse({ kind: "retention", start_event: "a", return_event: "b" });
  await runRetention(recording, scope, retention, new Date());
  await runRetention(recording, scope, retention, new Date(), { kind: "raw", minEventsForBuckets: 0 });

  await runPaths(recording, scope, pathsQuerySchema.parse({ kind: "paths", start: { page: "/docs/*" } }));
  await runPaths(
    recording,
    { ...scope, filters: [{ field: "performed", op: "equals", value: "signup" }] },
    pathsQuerySchema.parse({ kind: "paths", end: { event: "signup" } }),
  );
  // From the step table, whatever the test database's refresh state.
  for (const input of [{ start: { page: "/docs/*" } }, { end: { event: "signup" } }]) {
    const paths = pathsQuerySchema.parse({ kind: "paths", ...input });
    const plan = { watermark: "2026-01-05T00:00:00Z", longestHours: 1 };
    await recording.query(pathsSql(paths, stepTableKeptSql(plan, scope, paths)).toQuery());
  }

  // A query's segments are read with the same binding (a missing segment is refused after the read).
  await resolveSegments(
    recording,
    { organizationId: org, projectId: project },
    metricQuerySchema.parse({ kind: "metric", segment: "33333333-3333-4333-8333-333333333333" }),
  ).catch(() => undefined);
  // What decides the sources: the plans that look the refresh's state up.
  const plans = [
    rollupPlanIfAnswerable,
    countCubePlanIfAnswerable,
    filteredVisitorsPlanIfAnswerable,
    sessionRollupPlanIfAnswerable,
  ];
  const filteredMetric = (type: "count" | "unique_users" | "sessions") =>
    metricQuerySchema.parse({ kind: "metric", measure: { type }, filters: filtered.filters });
  for (const type of ["count", "unique_users", "sessions"] as const)
    for (const plan of plans) await plan(recording, filtered, filteredMetric(type));

  const reading = sent.filter((q) => new RegExp(`\\b(${TABLES}) [a-z]\\b`).test(q.text));
  expect(reading.length).toBeGreaterThan(10);
  for (const { text, values } of reading) {
    const references = [...text.matchAll(new RegExp(`\\b(?:FROM|JOIN) (?:${TABLES}) ([a-z])\\b`, "g"))];
    expect(references.length).toBeGreaterThan(0);
    for (const [, alias] of references) {
      const bound = new RegExp(
        `\\b${alias}\\.organization_id = \\$(\\d+)::uuid AND ${alias}\\.project_id = \\$(\\d+)::uuid`,
        "g",
      );
      const bindings = [...text.matchAll(bound)];
      expect(bindings.length, text).toBeGreaterThanOrEqual(1);
      for (const [, orgParam, projectParam] of bindings) {
        expect(values[Number(orgParam) - 1]).toBe(org);
        expect(values[Number(projectParam) - 1]).toBe(project);
      }
    }
    const unbound = (text.match(new RegExp(`\\b(?:FROM|JOIN) (?:${TABLES}) [a-z]\\b`, "g")) ?? []).length;
    const bounds = (text.match(/\b[a-z]\.organization_id = \$\d+::uuid AND [a-z]\.project_id = \$\d+::uuid/g) ?? [])
      .length;
    expect(bounds, text).toBeGreaterThanOrEqual(unbound);
  }
  // The refresh's per-project state (which sources are built, the longest session) is keyed by the
  // project alone: a project id is unique across organizations, and the query's project has
  // already been authorised. Each reference is still bound to that project.
  const stateReads = sent.filter((q) => new RegExp(`\\b(?:FROM|JOIN) (?:${STATE_TABLES})\\b`).test(q.text));
  expect(stateReads.length).toBeGreaterThan(0);
  for (const { text, values } of stateReads) {
    const references = (text.match(new RegExp(`\\b(?:FROM|JOIN) (?:${STATE_TABLES})\\b`, "g")) ?? []).length;
    const bound = new RegExp(
      `\\b(?:FROM|JOIN) (?:${STATE_TABLES})(?: ([a-z]))? WHERE (?:[a-z]\\.)?project_id = \\$(\\d+)::uuid`,
      "g",
    );
    const bindings = [...text.matchAll(bound)].filter(([, , param]) => values[Number(param) - 1] === project);
    expect(bindings.length, text).toBeGreaterThanOrEqual(references);
  }
});
