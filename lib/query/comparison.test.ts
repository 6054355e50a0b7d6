// Comparisons like with like, on hand-built data: a range that is not over is compared with the
// same elapsed part of the previous period (cut at the same local time of day), buckets still to
// come are blank, rates change in percentage points, and a trend's previous period lines up bucket
// by bucket. Project time zone Europe/Paris (UTC+1 in November, UTC+2 until 2026-10-25); the clock
// is held at Wednesday 2026-11-18 14:37 in Paris.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { resolveRange } from "./range";
import type { MetricResult, TrendResult } from "./results";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const now = new Date("2026-11-18T13:37:00Z");
const today: QueryRange = { relative: "today" };

type Seed = [actor: string, name: string, at: string, session: string];
const seed: Seed[] = [
  // Yesterday before 14:37 Paris (the comparable part).
  ["ann", "pageview", "2026-11-17T08:00:00Z", "s1"],
  ["ben", "pageview", "2026-11-17T12:00:00Z", "s2"],
  ["ben", "signup", "2026-11-17T12:05:00Z", "s2"],
  ["ivy", "pageview", "2026-11-17T13:20:00Z", "s10"], // its session goes on past 14:37: cut there, a bounce
  ["cat", "pageview", "2026-11-17T13:36:00Z", "s3"],
  ["cat", "click", "2026-11-17T13:36:30Z", "s3"],
  // Yesterday after 14:37 Paris.
  ["dan", "pageview", "2026-11-17T13:38:00Z", "s4"],
  ["ivy", "pageview", "2026-11-17T13:50:00Z", "s10"],
  ["eve", "pageview", "2026-11-17T18:00:00Z", "s5"],
  // Today until now.
  ["ann", "pageview", "2026-11-18T07:00:00Z", "s6"],
  ["ann", "click", "2026-11-18T07:01:00Z", "s6"],
  ["fay", "pageview", "2026-11-18T10:00:00Z", "s7"],
  ["gus", "pageview", "2026-11-18T13:10:00Z", "s8"],
  ["hal", "pageview", "2026-11-18T13:30:00Z", "s9"],
];
/** Arrives after the rollups' last refresh: read raw within the rollups' hours. */
const late: Seed = ["jon", "pageview", "2026-11-17T10:00:00Z", "s11"];

const rowOf = ([actor, name, at, session]: Seed) =>
  eventRow({ name, timestamp: new Date(at), userId: actor, sessionId: `${actor}-${session}` });

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-09-01"), new Date("2026-12-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed.map(rowOf));
  await refreshRollups(getPool(), { wait: true });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [rowOf(late)]);
});

afterAll(async () => {
  await closeDatabase();
});

/** Runs on raw events and as the planner chooses (rollups where they can answer): the two must agree. */
async function run(input: QueryDefinitionInput, range: QueryRange = today) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, now };
  const raw = await runQuery({ ...base, useRollups: false });
  const auto = await runQuery(base);
  expect(auto.data).toEqual(raw.data);
  return { data: raw.data, usedRollups: auto.meta.rollups };
}

describe("the previous period", () => {
  it.each<[string, QueryRange, { from: string; to: string; comparableTo: string }]>([
    // Unfinished: cut at 14:37 Paris, one period back.
    [
      "today: yesterday until the same time",
      today,
      { from: "2026-11-16T23:00:00.000Z", to: "2026-11-17T23:00:00.000Z", comparableTo: "2026-11-17T13:37:00.000Z" },
    ],
    [
      "the last 7 days: the 7 days before, until the same time a week ago",
      { relative: "last_7_days" },
      { from: "2026-11-04T23:00:00.000Z", to: "2026-11-11T23:00:00.000Z", comparableTo: "2026-11-11T13:37:00.000Z" },
    ],
    [
      "this month: last month until the same day and time (14:37 in summer time there)",
      { relative: "this_month" },
      { from: "2026-09-30T22:00:00.000Z", to: "2026-10-31T23:00:00.000Z", comparableTo: "2026-10-18T12:37:00.000Z" },
    ],
    [
      "this week: last week until the same weekday and time",
      { relative: "this_week" },
      { from: "2026-11-08T23:00:00.000Z", to: "2026-11-15T23:00:00.000Z", comparableTo: "2026-11-11T13:37:00.000Z" },
    ],
    [
      "days up to today: as many days before",
      { from: "2026-11-16", to: "2026-11-18" },
      { from: "2026-11-12T23:00:00.000Z", to: "2026-11-15T23:00:00.000Z", comparableTo: "2026-11-15T13:37:00.000Z" },
    ],
    // Over: the whole previous period.
    [
      "yesterday: the day before",
      { relative: "yesterday" },
      { from: "2026-11-15T23:00:00.000Z", to: "2026-11-16T23:00:00.000Z", comparableTo: "2026-11-16T23:00:00.000Z" },
    ],
    [
      "the last 24 hours: the 24 hours before",
      { relative: "last_24_hours" },
      { from: "2026-11-16T13:37:00.000Z", to: "2026-11-17T13:37:00.000Z", comparableTo: "2026-11-17T13:37:00.000Z" },
    ],
    [
      "instants: as long before",
      { from: "2026-11-10T06:00:00Z", to: "2026-11-10T09:30:00Z" },
      { from: "2026-11-10T02:30:00.000Z", to: "2026-11-10T06:00:00.000Z", comparableTo: "2026-11-10T06:00:00.000Z" },
    ],
    // Not begun: nothing of it is comparable yet.
    [
      "days to come: nothing comparable",
      { from: "2026-11-20", to: "2026-11-21" },
      { from: "2026-11-17T23:00:00.000Z", to: "2026-11-19T23:00:00.000Z", comparableTo: "2026-11-17T23:00:00.000Z" },
    ],
  ])("%s", async (_, range, expected) => {
    const { previous } = await resolveRange(getPool(), range, "Europe/Paris", now);
    expect({
      from: previous.from.toISOString(),
      to: previous.to.toISOString(),
      comparableTo: previous.comparableTo.toISOString(),
    }).toEqual(expected);
  });
});

describe("today's headline metrics", () => {
  it.each<[QueryDefinitionInput, number, number, number, "relative" | "points"]>([
    // Today so far against yesterday until 14:37: not against all of yesterday (8 pageviews).
    [{ kind: "metric", event: "pageview" }, 4, 5, -0.2, "relative"],
    [{ kind: "metric", measure: { type: "unique_users" } }, 4, 5, -0.2, "relative"],
    [{ kind: "metric", measure: { type: "sessions" } }, 4, 5, -0.2, "relative"],
    // 3 of 4 sessions bounced today, 3 of 5 yesterday until 14:37 (ivy's session cut there: one pageview).
    [{ kind: "metric", measure: { type: "bounce_rate" } }, 0.75, 0.6, 0.15, "points"],
  ])("%o", async (query, value, previous, change, unit) => {
    const { data, usedRollups } = await run(query);
    // The cut at 14:37 is not on the hour: the rollups answer the whole hours, raw events the rest.
    expect(usedRollups).toBe(true);
    const metric = data as MetricResult;
    expect(metric.value).toBeCloseTo(value, 12);
    expect(metric.previous).toBeCloseTo(previous, 12);
    expect(metric.change).toBeCloseTo(change, 12);
    expect(metric.change_unit).toBe(unit);
    expect(metric.previous_range).toEqual({ from: "2026-11-16T23:00:00.000Z", to: "2026-11-17T13:37:00.000Z" });
  });

  it("compares a finished day with the whole day before", async () => {
    const { data } = await run({ kind: "metric", event: "pageview" }, { relative: "yesterday" });
    expect(data).toMatchObject({ value: 8, previous: 0, change: null });
  });
});

describe("trends", () => {
  const hourly = (values: Record<string, number | null>, fill: number | null) =>
    Array.from({ length: 24 }, (_, h) => {
      const hour = String(h).padStart(2, "0");
      return hour in values ? values[hour] : fill;
    });

  it("leave the hours still to come blank, and draw the whole previous day against them", async () => {
    const { data } = await run({ kind: "trend", event: "pageview", interval: "hour", compare: true });
    const trend = data as TrendResult;
    expect(trend.buckets).toHaveLength(24);
    const future = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(15 + i), null] as const));
    expect(trend.series[0]!.values).toEqual(hourly({ "08": 1, "11": 1, "14": 2, ...future }, 0));
    expect(trend.series[0]!.total).toBe(4);
    expect(trend.previous!.range).toEqual({ from: "2026-11-16T23:00:00.000Z", to: "2026-11-17T23:00:00.000Z" });
    expect(trend.previous!.buckets.map((b) => b?.label.slice(11))).toEqual(
      hourly({}, null).map((_, h) => `${String(h).padStart(2, "0")}:00`),
    );
    expect(trend.previous!.series[0]!.values).toEqual(hourly({ "09": 1, "11": 1, "13": 1, "14": 4, "19": 1 }, 0));
    expect(trend.previous!.series[0]!.total).toBe(8);
  });

  it("blank the days to come whatever the measure", async () => {
    const { data } = await run(
      { kind: "trend", measure: { type: "unique_users" }, interval: "day" },
      {
        relative: "this_week",
      },
    );
    const trend = data as TrendResult;
    expect(trend.buckets.map((b) => b.label.slice(0, 10))).toEqual([
      "2026-11-16",
      "2026-11-17",
      "2026-11-18",
      "2026-11-19",
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
    ]);
    expect(trend.series[0]!.values).toEqual([0, 7, 4, null, null, null, null]);
    expect(trend.previous).toBeUndefined();
  });

  it("line the previous month up day by day: November's days against October's first 30", async () => {
    const { data } = await run(
      { kind: "trend", measure: { type: "sessions" }, interval: "day", compare: true },
      { relative: "this_month" },
    );
    const trend = data as TrendResult;
    expect(trend.buckets).toHaveLength(30);
    expect(trend.previous!.buckets).toHaveLength(30);
    expect(trend.previous!.buckets[0]!.label).toBe("2026-10-01T00:00");
    expect(trend.previous!.buckets[29]!.label).toBe("2026-10-30T00:00");
    expect(trend.previous!.series[0]!.values.every((v) => v === 0)).toBe(true);
    expect(trend.series[0]!.values.slice(16, 19)).toEqual([7, 4, null]);
  });

  it("line hours up on the local clock across a change of time (25 hours against 24)", async () => {
    const { data } = await run(
      { kind: "trend", event: "pageview", interval: "hour", compare: true },
      { from: "2026-10-25", to: "2026-10-25" },
    );
    const trend = data as TrendResult;
    const labels = trend.buckets.map((b) => b.label.slice(11));
    expect(labels.slice(0, 5)).toEqual(["00:00", "01:00", "02:00", "02:00", "03:00"]);
    expect(trend.previous!.buckets.slice(0, 5).map((b) => b?.label)).toEqual([
      "2026-10-24T00:00",
      "2026-10-24T01:00",
      "2026-10-24T02:00",
      "2026-10-24T02:00",
      "2026-10-24T03:00",
    ]);
    expect(trend.previous!.buckets.at(-1)?.label).toBe("2026-10-24T23:00");
  });
});
