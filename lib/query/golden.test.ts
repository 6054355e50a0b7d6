// Golden tests: a small hand-built data set where every number below was worked out by hand.
// Project time zone Europe/Paris; DST starts there on 2026-03-29 at 02:00 (the day has 23 hours).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type Filter, type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const days: QueryRange = { from: "2026-03-27", to: "2026-03-30" }; // Paris: [2026-03-26T23:00Z, 2026-03-30T22:00Z)
const now = new Date("2026-04-15T12:00:00Z");

type Seed = [
  actor: string,
  name: string,
  at: string,
  path: string | null,
  session: string | null,
  extra?: Partial<EventRow>,
];
const chrome = { browser: "Chrome" };
const seed: Seed[] = [
  ["u:alice", "pageview", "2026-03-27T08:00:00Z", "/", "a1", { ...chrome, country: "FR", referrerHost: "google.com" }],
  ["u:alice", "pageview", "2026-03-27T08:05:00Z", "/pricing", "a1", { ...chrome, country: "FR" }],
  [
    "u:alice",
    "signup",
    "2026-03-27T08:10:00Z",
    "/signup",
    "a1",
    { ...chrome, country: "FR", properties: { plan: "pro", meta: { source: "ad" } } },
  ],
  [
    "u:alice",
    "purchase",
    "2026-03-29T08:00:00Z",
    "/checkout",
    "a2",
    { ...chrome, country: "FR", properties: { amount: 30 } },
  ],
  [
    "a:bob",
    "pageview",
    "2026-03-28T22:30:00Z",
    "/",
    null,
    { browser: "Firefox", country: "DE", utmSource: "newsletter" },
  ],
  ["a:bob", "pageview", "2026-03-28T22:50:00Z", "/docs", null, { browser: "Firefox", country: "DE" }],
  ["a:bob", "pageview", "2026-03-29T00:30:00Z", "/docs", null, { browser: "Firefox", country: "DE" }],
  [
    "a:bob",
    "signup",
    "2026-03-29T01:30:00Z",
    "/signup",
    null,
    { browser: "Firefox", country: "DE", properties: { plan: "free" } },
  ],
  [
    "u:carol",
    "pageview",
    "2026-03-30T10:00:00Z",
    "/pricing",
    "c1",
    { browser: "Safari", country: "US", referrerHost: "news.ycombinator.com" },
  ],
  [
    "u:carol",
    "signup",
    "2026-03-30T10:01:00Z",
    "/signup",
    "c1",
    { browser: "Safari", country: "US", properties: { plan: "pro", meta: { source: "hn" } } },
  ],
  [
    "u:carol",
    "purchase",
    "2026-03-30T10:31:00Z",
    "/checkout",
    "c1",
    { browser: "Safari", country: "US", properties: { amount: 50 } },
  ],
  ["u:dave", "pageview", "2026-03-26T22:30:00Z", "/", "d0", { ...chrome, country: "US" }], // 23:30 on the 26th in Paris: outside
  ["u:dave", "pageview", "2026-03-27T17:00:00Z", "/", "d1", { ...chrome, country: "US" }],
  ["a:erin", "pageview", "2026-03-29T22:30:00Z", "/", "e1", { browser: "Safari", country: "FR" }], // 00:30 on the 30th in Paris
  ["a:frank", "pageview", "2026-03-26T23:30:00Z", "/docs", "f1", { ...chrome, country: "FR" }], // 00:30 on the 27th in Paris
];

function rowOf([actor, name, at, path, session, extra]: Seed): EventRow {
  const [kind, id] = actor.split(":") as ["u" | "a", string];
  return eventRow({
    name,
    timestamp: new Date(at),
    userId: kind === "u" ? id : null,
    anonymousId: kind === "a" ? id : null,
    sessionId: session,
    path,
    ...extra,
  });
}

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  const intruder = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-03-01"), new Date("2026-04-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed.map(rowOf));
  // Another tenant's events in the same hours must never show up.
  await writeEvents(getPool(), intruder.organizationId, intruder.projectId, seed.map(rowOf));
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

/** Runs on raw events, and also from rollups where they can answer: the two must agree. */
async function run(input: QueryDefinitionInput, options: { range?: QueryRange; timezone?: string } = {}) {
  const query = queryDefinitionSchema.parse(input);
  const base = {
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query,
    range: options.range ?? days,
    timezone: options.timezone,
    now,
  };
  const raw = await runQuery({ ...base, useRollups: false });
  const auto = await runQuery(base);
  expect(auto.data).toEqual(raw.data);
  return { ...raw, usedRollups: auto.meta.rollups };
}

describe("trend", () => {
  it("counts per local day, with the project's time zone deciding which day an event falls on", async () => {
    const result = await run({ kind: "trend", event: "pageview", interval: "day" });
    expect(result.usedRollups).toBe(true);
    expect(result.meta.range).toEqual({ from: "2026-03-26T23:00:00.000Z", to: "2026-03-30T22:00:00.000Z" });
    const data = result.data as { buckets: { label: string }[]; series: { values: number[]; total: number }[] };
    expect(data.buckets.map((b) => b.label)).toEqual([
      "2026-03-27T00:00",
      "2026-03-28T00:00",
      "2026-03-29T00:00",
      "2026-03-30T00:00",
    ]);
    expect(data.series[0]!.values).toEqual([4, 2, 1, 2]);
    expect(data.series[0]!.total).toBe(9);

    const utc = await run({ kind: "trend", event: "pageview", interval: "day" }, { timezone: "UTC" });
    expect((utc.data as { series: { values: number[] }[] }).series[0]!.values).toEqual([3, 2, 2, 1]);
  });

  it("has 23 hourly buckets on the day DST starts, and zero where nothing happened", async () => {
    const result = await run({ kind: "trend", interval: "hour" }, { range: { from: "2026-03-29", to: "2026-03-29" } });
    const data = result.data as { buckets: { label: string }[]; series: { values: number[] }[] };
    expect(data.buckets).toHaveLength(23);
    expect(data.buckets.slice(0, 4).map((b) => b.label)).toEqual([
      "2026-03-29T00:00",
      "2026-03-29T01:00",
      "2026-03-29T03:00",
      "2026-03-29T04:00",
    ]);
    const byLabel = Object.fromEntries(data.buckets.map((b, i) => [b.label.slice(11), data.series[0]!.values[i]]));
    expect(byLabel).toMatchObject({ "00:00": 0, "01:00": 1, "03:00": 1, "10:00": 1, "23:00": 0 });
    expect(data.series[0]!.values.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("fills days without events with zero", async () => {
    const result = await run({ kind: "trend", event: "purchase", interval: "day" });
    expect((result.data as { series: { values: number[] }[] }).series[0]!.values).toEqual([0, 0, 1, 1]);
  });

  it("splits into the top series and other", async () => {
    const result = await run({
      kind: "trend",
      event: "pageview",
      interval: "day",
      breakdown: { dimension: "browser", limit: 1 },
    });
    const series = (
      result.data as { series: { key: string | null; other: boolean; values: number[]; total: number }[] }
    ).series;
    expect(series).toEqual([
      { key: "Chrome", other: false, values: [4, 0, 0, 0], total: 4 },
      { key: null, other: true, values: [0, 2, 1, 2], total: 5 },
    ]);
  });

  it("counts unique users per week", async () => {
    const result = await run({ kind: "trend", measure: { type: "unique_users" }, interval: "week" });
    const data = result.data as { buckets: { label: string }[]; series: { values: number[] }[] };
    // Paris weeks start on Monday 2026-03-23 (alice, bob, dave, frank) and Monday 2026-03-30 (carol, erin).
    expect(data.buckets.map((b) => b.label)).toEqual(["2026-03-23T00:00", "2026-03-30T00:00"]);
    expect(data.series[0]!.values).toEqual([4, 2]);
  });
});

describe("metric", () => {
  it("compares with the previous period of as many local days", async () => {
    const result = await run({ kind: "metric", event: "pageview" });
    expect(result.data).toMatchObject({ value: 9, previous: 1, change: 8, change_unit: "relative" });
    // The 4 Paris days before, midnight to midnight: 96 hours, where DST made the range itself 95.
    expect(result.data).toMatchObject({
      previous_range: { from: "2026-03-22T23:00:00.000Z", to: "2026-03-26T23:00:00.000Z" },
    });
  });

  it.each([
    [{ type: "count" }, undefined, 14],
    [{ type: "unique_users" }, undefined, 6],
    [{ type: "sessions" }, undefined, 9],
    [{ type: "bounce_rate" }, undefined, 4 / 7],
    [{ type: "avg_session_duration" }, undefined, 3660 / 9],
    [{ type: "sum", property: "properties.amount" }, "purchase", 80],
    [{ type: "avg", property: "properties.amount" }, "purchase", 40],
    [{ type: "min", property: "properties.amount" }, "purchase", 30],
    [{ type: "max", property: "properties.amount" }, "purchase", 50],
  ] as const)("measures %o", async (measure, event, expected) => {
    const result = await run({ kind: "metric", measure, event, compare: false });
    expect((result.data as { value: number }).value).toBeCloseTo(expected, 10);
  });

  it.each<[Filter, number]>([
    [{ field: "path", op: "contains", value: "DOC" }, 3],
    [{ field: "browser", op: "not_equals", value: "Chrome" }, 5],
    [{ field: "country", op: "in", value: ["FR", "US"] }, 6],
    [{ field: "utm_source", op: "is_set" }, 1],
    [{ field: "referrer", op: "is_not_set" }, 7],
  ])("filters pageviews by %o", async (filter, expected) => {
    const result = await run({ kind: "metric", event: "pageview", compare: false, filters: [filter] });
    expect((result.data as { value: number }).value).toBe(expected);
  });

  it.each<[Filter, number]>([
    // The three signups carry a plan; the other eleven events of the range have no such property.
    [{ field: "properties.plan", op: "is_set" }, 3],
    [{ field: "properties.plan", op: "is_not_set" }, 11],
  ])("counts the events that carry a property or not: %o", async (filter, expected) => {
    const result = await run({ kind: "metric", compare: false, filters: [filter] });
    expect((result.data as { value: number }).value).toBe(expected);
  });

  it("filters on nested and numeric properties", async () => {
    const nested = await run({
      kind: "metric",
      event: "signup",
      compare: false,
      filters: [{ field: "properties.meta.source", op: "equals", value: "hn" }],
    });
    expect((nested.data as { value: number }).value).toBe(1);
    const numeric = await run({
      kind: "metric",
      event: "purchase",
      compare: false,
      filters: [{ field: "properties.amount", op: "gt", value: 40 }],
    });
    expect((numeric.data as { value: number }).value).toBe(1);
    const typed = await run({
      kind: "metric",
      event: "purchase",
      compare: false,
      filters: [{ field: "properties.amount", op: "equals", value: "50" }],
    });
    expect((typed.data as { value: number }).value).toBe(0);
  });
});

describe("breakdown", () => {
  it("sorts, keeps the top N and folds the rest into other", async () => {
    const result = await run({ kind: "breakdown", event: "pageview", dimension: "path", limit: 2 });
    expect(result.data).toEqual({
      kind: "breakdown",
      dimension: "path",
      rows: [
        { value: "/", measure: 4 },
        { value: "/docs", measure: 3 },
      ],
      other: 2,
    });
  });

  it("groups by a property", async () => {
    const result = await run({ kind: "breakdown", event: "signup", dimension: "properties.plan" });
    expect((result.data as { rows: unknown[] }).rows).toEqual([
      { value: "pro", measure: 2 },
      { value: "free", measure: 1 },
    ]);
  });

  it("counts unique users per referrer, with no referrer as its own row", async () => {
    const result = await run({ kind: "breakdown", measure: { type: "unique_users" }, dimension: "referrer" });
    expect((result.data as { rows: unknown[] }).rows).toEqual([
      { value: null, measure: 6 },
      { value: "google.com", measure: 1 },
      { value: "news.ycombinator.com", measure: 1 },
    ]);
  });

  it("groups sessions by their first event (entry page)", async () => {
    const result = await run({ kind: "breakdown", measure: { type: "sessions" }, dimension: "path" });
    expect((result.data as { rows: unknown[] }).rows).toEqual([
      { value: "/", measure: 4 },
      { value: "/docs", measure: 2 },
      { value: "/checkout", measure: 1 },
      { value: "/pricing", measure: 1 },
      { value: "/signup", measure: 1 },
    ]);
  });
});

describe("funnel", () => {
  const steps = [{ event: "pageview" }, { event: "signup" }, { event: "purchase" }];
  const counts = (data: unknown) => (data as { steps: { count: number }[] }).steps.map((s) => s.count);

  it("counts users through ordered steps within the window from step 1", async () => {
    expect(counts((await run({ kind: "funnel", steps, window: { value: 1, unit: "hour" } })).data)).toEqual([6, 2, 1]);
    expect(counts((await run({ kind: "funnel", steps, window: { value: 1, unit: "day" } })).data)).toEqual([6, 3, 1]);
  });

  it("includes a step exactly at the window's edge and excludes one just past it", async () => {
    expect(counts((await run({ kind: "funnel", steps, window: { value: 31, unit: "minute" } })).data)).toEqual([
      6, 2, 1,
    ]);
    expect(counts((await run({ kind: "funnel", steps, window: { value: 30, unit: "minute" } })).data)).toEqual([
      6, 2, 0,
    ]);
  });

  it("reports conversion and drop-off per step", async () => {
    const { data } = await run({ kind: "funnel", steps, window: { value: 1, unit: "hour" } });
    expect((data as { steps: unknown[] }).steps[1]).toMatchObject({
      count: 2,
      conversion_from_first: 2 / 6,
      conversion_from_previous: 2 / 6,
      drop_off: 4,
    });
    expect((data as { steps: unknown[] }).steps[2]).toMatchObject({
      count: 1,
      conversion_from_first: 1 / 6,
      conversion_from_previous: 1 / 2,
      drop_off: 1,
    });
  });

  it("breaks down by the first step's country, top N and other", async () => {
    const { data } = await run({
      kind: "funnel",
      steps,
      window: { value: 1, unit: "hour" },
      breakdown: { dimension: "country", limit: 2 },
    });
    const groups = (data as { breakdown: { value: string | null; other: boolean; steps: { count: number }[] }[] })
      .breakdown;
    expect(groups.map((g) => [g.value, g.other, g.steps.map((s) => s.count)])).toEqual([
      ["FR", false, [3, 1, 0]],
      ["US", false, [2, 1, 1]],
      [null, true, [1, 0, 0]],
    ]);
  });
});

describe("retention", () => {
  it("groups users by their first day and follows them day by day", async () => {
    const { data } = await run({
      kind: "retention",
      start_event: "pageview",
      return_event: "pageview",
      period: "day",
      periods: 3,
    });
    const cohorts = (
      data as { cohorts: { label: string; size: number; counts: (number | null)[]; rates: (number | null)[] }[] }
    ).cohorts;
    expect(cohorts.map((c) => [c.label, c.size, c.counts])).toEqual([
      ["2026-03-27", 3, [3, 0, 0, 0]],
      ["2026-03-28", 1, [1, 1, 0, null]],
      ["2026-03-29", 0, [0, 0, null, null]],
      ["2026-03-30", 2, [2, null, null, null]],
    ]);
    expect(cohorts[1]!.rates).toEqual([1, 1, 0, null]);
    expect(cohorts[2]!.rates).toEqual([null, null, null, null]);
  });
});
