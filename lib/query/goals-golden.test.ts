// Goal measures and goal filters on a small hand-built data set, every number worked out by hand and
// checked against a raw computation: event goals (with a property condition), page goals (exact,
// wildcard, and LIKE's own wildcards taken literally), per bucket and per source, in the range only,
// tenant-bound. Project time zone Europe/Paris (UTC+1 in early March).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { ApiError } from "../errors";
import type { GoalDefinition } from "../goals/schemas";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";

import { runMetric } from "./kinds/metric";
import type { BreakdownResult, MetricResult, TrendResult } from "./results";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import {
  type Filter,
  metricQuerySchema,
  type QueryDefinitionInput,
  type QueryRange,
  queryDefinitionSchema,
} from "./schemas";
import { likePatternOf } from "./wildcard";

const days: QueryRange = { from: "2026-03-02", to: "2026-03-04" }; // Paris: [2026-03-01T23:00Z, 2026-03-04T23:00Z)
const now = new Date("2026-03-20T12:00:00Z");

type Seed = [actor: string, name: string, at: string, extra?: Partial<EventRow>];
const google = { utmSource: "google" };
const twitter = { utmSource: "twitter" };
const seed: Seed[] = [
  // ann reads a blog post from Google, looks at pricing, signs up on pro, buys the next day.
  ["u:ann", "pageview", "2026-03-02T09:00:00Z", { path: "/blog/a", ...google }],
  ["u:ann", "pageview", "2026-03-02T09:05:00Z", { path: "/pricing" }],
  ["u:ann", "signup", "2026-03-02T09:10:00Z", { path: "/signup", properties: { plan: "pro" } }],
  ["u:ann", "purchase", "2026-03-03T10:00:00Z", { path: "/checkout" }],
  // ben reads a nested blog post from Twitter and signs up on starter.
  ["a:ben", "pageview", "2026-03-03T12:00:00Z", { path: "/blog/b/c", ...twitter }],
  ["a:ben", "signup", "2026-03-03T12:05:00Z", { path: "/signup", properties: { plan: "starter" } }],
  // cat comes from Google twice, the second time to pricing.
  ["u:cat", "pageview", "2026-03-02T15:00:00Z", { path: "/", ...google }],
  ["u:cat", "pageview", "2026-03-04T08:00:00Z", { path: "/pricing", ...google }],
  // dan sees the blog's index, which "/blog/*" does not match.
  ["a:dan", "pageview", "2026-03-04T09:00:00Z", { path: "/blog", ...twitter }],
  // eve and fay tell "_" taken literally from "_" as LIKE's any-one-character.
  ["u:eve", "pageview", "2026-03-03T09:00:00Z", { path: "/blog_x" }],
  ["u:fay", "pageview", "2026-03-03T09:30:00Z", { path: "/blogax" }],
  // gus sees pricing in the range and signs up on pro after it (00:00 on the 5th in Paris is outside).
  ["u:gus", "pageview", "2026-03-04T10:00:00Z", { path: "/pricing" }],
  ["u:gus", "signup", "2026-03-05T10:00:00Z", { path: "/signup", properties: { plan: "pro" } }],
  // Before the range: hal signs up on pro (the previous period's only visitor).
  ["u:hal", "signup", "2026-02-28T10:00:00Z", { path: "/signup", properties: { plan: "pro" } }],
];
const VISITORS = 7; // ann, ben, cat, dan, eve, fay, gus

function rowOf([actor, name, at, extra]: Seed): EventRow {
  const [kind, id] = actor.split(":") as ["u" | "a", string];
  return eventRow({
    name,
    timestamp: new Date(at),
    userId: kind === "u" ? id : null,
    anonymousId: kind === "a" ? id : null,
    ...extra,
  });
}

const definitions = {
  proSignup: {
    type: "event",
    event: "signup",
    conditions: [{ field: "properties.plan", op: "equals", value: "pro" }],
  },
  signup: { type: "event", event: "signup", conditions: [] },
  blog: { type: "page", path: "/blog/*" },
  pricing: { type: "page", path: "/pricing" },
  underscore: { type: "page", path: "/blog_*" },
} satisfies Record<string, GoalDefinition>;
type GoalKey = keyof typeof definitions;

let tenant: Tenant;
let intruder: Tenant;
const goals = {} as Record<GoalKey, string>;
let intruderGoal: string;

async function createGoal(t: Tenant, name: string, definition: GoalDefinition): Promise<string> {
  const goal = await getPrisma().goal.create({
    data: { organizationId: t.organizationId, projectId: t.projectId, name, definition },
  });
  return goal.id;
}

beforeAll(async () => {
  [tenant, intruder] = await Promise.all([createTenant(), createTenant()]);
  await ensureEventPartitions(getPool(), new Date("2026-02-01"), new Date("2026-04-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed.map(rowOf));
  // In another tenant everyone signs up on pro and reads the blog: none of it counts here.
  await writeEvents(getPool(), intruder.organizationId, intruder.projectId, [
    ...seed.map(rowOf),
    ...["u:cat", "a:dan", "u:eve"].flatMap((actor) => [
      rowOf([actor, "signup", "2026-03-03T11:00:00Z", { properties: { plan: "pro" } }]),
      rowOf([actor, "pageview", "2026-03-03T11:00:00Z", { path: "/blog/x" }]),
    ]),
  ]);
  for (const [key, definition] of Object.entries(definitions))
    goals[key as GoalKey] = await createGoal(tenant, key, definition);
  intruderGoal = await createGoal(intruder, "blog", definitions.blog);
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

/** Runs from raw events and as the planner chooses: the two agree. */
async function runBoth(input: QueryDefinitionInput, range: QueryRange = days) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, now };
  const raw = await runQuery({ ...base, useRollups: false });
  const auto = await runQuery(base);
  expect(auto.data).toEqual(raw.data);
  return { data: raw.data, usedRollups: auto.meta.rollups };
}

const run = async (input: QueryDefinitionInput, range?: QueryRange) => (await runBoth(input, range)).data;

const metric = async (input: Omit<Extract<QueryDefinitionInput, { kind: "metric" }>, "kind">, range?: QueryRange) =>
  ((await run({ kind: "metric", compare: false, ...input }, range)) as MetricResult).value;

const measure = (type: "goal_conversion_rate" | "goal_visitors" | "goal_completions", goal: GoalKey) => ({
  type,
  goal: goals[goal],
});
const completed = (goal: GoalKey, op: "equals" | "not_equals" = "equals"): Filter => ({
  field: "goal",
  op,
  value: goals[goal],
});

/** The events completing a goal in the range, straight from the table: the raw computation the measures must equal. */
async function rawCompletions(where: string, params: unknown[]) {
  const { rows } = await getPool().query<{ completions: number; visitors: number }>(
    `SELECT count(*)::int AS completions, count(DISTINCT actor)::int AS visitors FROM events
     WHERE organization_id = $1 AND project_id = $2 AND timestamp >= '2026-03-01T23:00:00Z' AND timestamp < '2026-03-04T23:00:00Z'
       AND ${where}`,
    [tenant.organizationId, tenant.projectId, ...params],
  );
  return rows[0]!;
}

describe("goal measures, one number", () => {
  it.each<[GoalKey, number, number, string, unknown[]]>([
    ["proSignup", 1, 1, "name = 'signup' AND properties->>'plan' = $3", ["pro"]],
    ["signup", 2, 2, "name = 'signup'", []],
    ["blog", 2, 2, "name = 'pageview' AND left(path, 6) = $3", ["/blog/"]],
    ["pricing", 3, 3, "name = 'pageview' AND path = $3", ["/pricing"]],
    ["underscore", 1, 1, "name = 'pageview' AND path = $3", ["/blog_x"]],
  ])(
    "%s: completions %i, visitors %i, rate over all 7 visitors",
    async (goal, completions, visitors, where, params) => {
      expect(await rawCompletions(where, params)).toEqual({ completions, visitors });
      expect(await metric({ measure: measure("goal_completions", goal) })).toBe(completions);
      expect(await metric({ measure: measure("goal_visitors", goal) })).toBe(visitors);
      expect(await metric({ measure: measure("goal_conversion_rate", goal) })).toBeCloseTo(visitors / VISITORS, 12);
    },
  );

  it("equals the conversion filters' answers for an event goal without conditions", async () => {
    const performed: Filter[] = [{ field: "performed", op: "equals", value: "signup" }];
    expect(await metric({ measure: measure("goal_visitors", "signup") })).toBe(
      await metric({ measure: { type: "unique_users" }, filters: performed }),
    );
    expect(await metric({ measure: measure("goal_conversion_rate", "signup") })).toBe(
      await metric({ measure: { type: "conversion_rate" }, filters: performed }),
    );
  });

  it("counts only what was done in the range, and compares with the previous period", async () => {
    // gus's pro signup is after the range; hal's before it, alone in the previous three days.
    const data = (await run({
      kind: "metric",
      measure: measure("goal_visitors", "proSignup"),
      compare: true,
    })) as MetricResult;
    expect(data).toMatchObject({ value: 1, previous: 1, change: 0, change_unit: "relative" });
    const rate = (await run({
      kind: "metric",
      measure: measure("goal_conversion_rate", "proSignup"),
      compare: true,
    })) as MetricResult;
    expect(rate).toMatchObject({ previous: 1, change_unit: "points" });
    expect(rate.value).toBeCloseTo(1 / VISITORS, 12);
    expect(rate.change).toBeCloseTo(1 / VISITORS - 1, 12);
  });

  it("keeps the query's other filters on both sides of the rate", async () => {
    // Google's visitors: ann (blog) and cat; visitors who signed up: ann (pricing) and ben.
    expect(
      await metric({
        measure: measure("goal_conversion_rate", "blog"),
        filters: [{ field: "utm_source", op: "equals", value: "google" }],
      }),
    ).toBe(0.5);
    expect(
      await metric({
        measure: measure("goal_conversion_rate", "pricing"),
        filters: [{ field: "performed", op: "equals", value: "signup" }],
      }),
    ).toBe(0.5);
  });
});

describe("goal measures answered as event queries", () => {
  const paris = { from: new Date("2026-03-01T23:00:00Z"), to: new Date("2026-03-04T23:00:00Z") };

  it("reads rollups for completions and visitors, and the rate as one number, raw by dimension", async () => {
    const rollups = async (type: Parameters<typeof measure>[0], goal: GoalKey, kind: "metric" | "breakdown") =>
      (
        await runBoth(
          kind === "metric"
            ? { kind, compare: false, measure: measure(type, goal) }
            : { kind, dimension: "utm_source", measure: measure(type, goal) },
        )
      ).usedRollups;
    expect(await rollups("goal_completions", "signup", "metric")).toBe(true);
    expect(await rollups("goal_completions", "blog", "breakdown")).toBe(true);
    expect(await rollups("goal_visitors", "pricing", "metric")).toBe(true);
    expect(await rollups("goal_visitors", "blog", "metric")).toBe(true);
    // Unique users under a goal filter: the filtered visitors' bitmaps (converted-actors.ts).
    expect(await rollups("goal_visitors", "blog", "breakdown")).toBe(true);
    expect(await rollups("goal_conversion_rate", "pricing", "metric")).toBe(true);
    expect(await rollups("goal_conversion_rate", "blog", "breakdown")).toBe(false);
  });

  it.each(Object.keys(definitions) as GoalKey[])(
    "%s: the goal measures' own SQL answers as the rewritten queries do",
    async (goal) => {
      const scope = {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        ...paris,
        timezone: "Europe/Paris",
        filters: [],
        goals: Object.fromEntries((Object.keys(definitions) as GoalKey[]).map((k) => [goals[k], definitions[k]])),
      };
      const unused = { ...paris, comparableTo: paris.to, shift: { calendar: true as const, interval: "3 days" } };
      for (const type of ["goal_completions", "goal_visitors", "goal_conversion_rate"] as const) {
        const query = metricQuerySchema.parse({ kind: "metric", compare: false, measure: measure(type, goal) });
        const own = await runMetric(getPool(), scope, query, unused);
        expect(own.value).toBe(await metric({ measure: measure(type, goal) }));
      }
    },
  );
});

describe("goal measures by time and by source", () => {
  it("trends completions, visitors and the rate by day", async () => {
    const series = async (type: Parameters<typeof measure>[0], goal: GoalKey) =>
      ((await run({ kind: "trend", interval: "day", measure: measure(type, goal) })) as TrendResult).series[0]!.values;
    // pricing: ann on the 2nd, cat and gus on the 4th.
    expect(await series("goal_completions", "pricing")).toEqual([1, 0, 2]);
    // Visitors of each day who signed up in the range: ann (2nd, 3rd), ben (3rd).
    expect(await series("goal_visitors", "signup")).toEqual([1, 2, 0]);
    // Over each day's visitors: ann, cat; ann, ben, eve, fay; cat, dan, gus.
    expect(await series("goal_conversion_rate", "signup")).toEqual([0.5, 0.5, 0]);
  });

  it("gives the conversion rate by source (the classic)", async () => {
    const data = (await run({
      kind: "breakdown",
      dimension: "utm_source",
      measure: measure("goal_conversion_rate", "blog"),
    })) as BreakdownResult;
    // google: ann of ann, cat; twitter: ben of ben, dan; none: ann, ben of ann, ben, eve, fay, gus.
    expect(data.rows).toEqual([
      { value: "google", measure: 0.5 },
      { value: "twitter", measure: 0.5 },
      { value: null, measure: 0.4 },
    ]);
    const visitors = (await run({
      kind: "breakdown",
      dimension: "utm_source",
      measure: measure("goal_visitors", "blog"),
    })) as BreakdownResult;
    expect(visitors.rows).toEqual([
      { value: null, measure: 2 },
      { value: "google", measure: 1 },
      { value: "twitter", measure: 1 },
    ]);
  });
});

describe("goal filters: the visitors who completed a goal", () => {
  // The goals' ids exist once beforeAll has run: the table names them, each test builds its filters.
  it.each<[string, () => Filter[], number, number]>([
    ["completed blog", () => [completed("blog")], 2, 3],
    ["did not complete blog", () => [completed("blog", "not_equals")], 5, 6],
    ["completed pro signup and pricing", () => [completed("proSignup"), completed("pricing")], 1, 2],
  ])("%s: visitors and pageviews", async (_, filtersOf, visitors, pageviews) => {
    const filters = filtersOf();
    expect(await metric({ measure: { type: "unique_users" }, filters })).toBe(visitors);
    expect(await metric({ event: "pageview", filters })).toBe(pageviews);
  });

  it("gives the conversion rate of the overview's headline", async () => {
    expect(await metric({ measure: { type: "conversion_rate" }, filters: [completed("blog")] })).toBeCloseTo(
      2 / VISITORS,
      12,
    );
  });
});

describe("what is refused", () => {
  it("a goal of another project, or none, in a measure or a filter: 400 naming where", async () => {
    for (const [input, path] of [
      [{ kind: "metric", measure: { type: "goal_visitors", goal: intruderGoal } }, "query.measure.goal"],
      [{ kind: "metric", measure: { type: "goal_completions", goal: randomUUID() } }, "query.measure.goal"],
      [{ kind: "trend", filters: [{ field: "goal", op: "equals", value: intruderGoal }] }, "query.filters[0].value"],
    ] as [QueryDefinitionInput, string][]) {
      const error = await runQuery({
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        query: queryDefinitionSchema.parse(input),
        range: days,
        now,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("invalid_request");
      expect((error as ApiError).details).toEqual([{ path, message: "no such goal in this project" }]);
    }
  });

  it.each<[string, unknown]>([
    ["a goal measure without a goal", { kind: "metric", measure: { type: "goal_visitors" } }],
    ["a goal that is not an id", { kind: "metric", measure: { type: "goal_visitors", goal: "signup" } }],
    ["a goal filter with contains", { kind: "metric", filters: [{ field: "goal", op: "contains", value: "x" }] }],
    ["a goal filter on a name", { kind: "metric", filters: [{ field: "goal", op: "equals", value: "signup" }] }],
    [
      "a goal filter in a funnel step",
      {
        kind: "funnel",
        steps: [{ event: "a", filters: [{ field: "goal", op: "equals", value: randomUUID() }] }, { event: "b" }],
      },
    ],
  ])("%s", (_, query) => {
    expect(queryDefinitionSchema.safeParse(query).success).toBe(false);
  });
});

describe("path patterns", () => {
  it.each<[string, number]>([
    ["/blog/*", 2],
    ["/blog*", 5],
    ["/blog_*", 1],
    ["/*ing", 3],
    ["/pricing", 3],
  ])("the filter path matches %s keeps %i visitors, from rollups as from raw events", async (pattern, visitors) => {
    const { data, usedRollups } = await runBoth({
      kind: "metric",
      compare: false,
      measure: { type: "unique_users" },
      filters: [{ field: "path", op: "matches", value: pattern }],
    });
    expect((data as MetricResult).value).toBe(visitors);
    expect(usedRollups).toBe(true);
  });

  it.each([
    ["/blog/*", "/blog/%"],
    ["/*/pricing", "/%/pricing"],
    ["/a_b%c", "/a\\_b\\%c"],
    ["/back\\slash*", "/back\\\\slash%"],
  ])("%s is LIKE %s", (pattern, like) => {
    expect(likePatternOf(pattern)).toBe(like);
  });
});
