// Conversion filters on a small hand-built data set, every number worked out by hand: "visitors who
// did signup" keeps all of those visitors' events in the range (their pageviews, sessions, sources),
// tenant-bound; unique users and the conversion rate from the actor bitmaps, the rest from raw
// events even where rollups answer the unfiltered query, and equal either way. Project time zone Europe/Paris; DST starts there on 2026-03-29 at 02:00.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { ApiError } from "../errors";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import type { BreakdownResult, FunnelResult, MetricResult, RetentionResult, TrendResult } from "./results";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type Filter, type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const days: QueryRange = { from: "2026-03-27", to: "2026-03-30" }; // Paris: [2026-03-26T23:00Z, 2026-03-30T22:00Z)
const now = new Date("2026-04-15T12:00:00Z");

type Seed = [actor: string, name: string, at: string, session: string | null, extra?: Partial<EventRow>];
const FR = { country: "FR" };
const DE = { country: "DE" };
const US = { country: "US" };
const seed: Seed[] = [
  // alice signs up on the 27th and buys on the 29th.
  ["u:alice", "pageview", "2026-03-27T08:00:00Z", "a1", FR],
  ["u:alice", "pageview", "2026-03-27T08:05:00Z", "a1", FR],
  ["u:alice", "signup", "2026-03-27T08:10:00Z", "a1", FR],
  ["u:alice", "purchase", "2026-03-29T08:00:00Z", "a2", FR],
  // bob (no session ids: sessions by 30-minute gaps) signs up on the 29th.
  ["a:bob", "pageview", "2026-03-28T22:30:00Z", null, DE],
  ["a:bob", "pageview", "2026-03-28T22:50:00Z", null, DE],
  ["a:bob", "pageview", "2026-03-29T00:30:00Z", null, DE],
  ["a:bob", "signup", "2026-03-29T01:30:00Z", null, DE],
  // carol signs up and buys on the 30th.
  ["u:carol", "pageview", "2026-03-30T10:00:00Z", "c1", US],
  ["u:carol", "signup", "2026-03-30T10:01:00Z", "c1", US],
  ["u:carol", "purchase", "2026-03-30T10:31:00Z", "c1", US],
  // Visitors who never sign up.
  ["u:dave", "pageview", "2026-03-26T22:30:00Z", "d0", US], // 23:30 on the 26th in Paris: outside
  ["u:dave", "pageview", "2026-03-27T17:00:00Z", "d1", US],
  ["a:erin", "pageview", "2026-03-29T22:30:00Z", "e1", FR],
  ["a:frank", "pageview", "2026-03-26T23:30:00Z", "f1", FR],
];

function rowOf([actor, name, at, session, extra]: Seed): EventRow {
  const [kind, id] = actor.split(":") as ["u" | "a", string];
  return eventRow({
    name,
    timestamp: new Date(at),
    userId: kind === "u" ? id : null,
    anonymousId: kind === "a" ? id : null,
    sessionId: session,
    ...extra,
  });
}

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  const intruder = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-03-01"), new Date("2026-04-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed.map(rowOf));
  // In another tenant dave signs up too: that must not make him a converted visitor here.
  await writeEvents(getPool(), intruder.organizationId, intruder.projectId, [
    ...seed.map(rowOf),
    rowOf(["u:dave", "signup", "2026-03-27T17:05:00Z", "d1", US]),
  ]);
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

const did = (value: string | string[]): Filter =>
  Array.isArray(value) ? { field: "performed", op: "in", value } : { field: "performed", op: "equals", value };
const signedUp = did("signup");

/** Runs on raw events and as the planner chooses: the two must agree. */
async function run(input: QueryDefinitionInput, range: QueryRange = days) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, now };
  const raw = await runQuery({ ...base, useRollups: false });
  const auto = await runQuery(base);
  expect(auto.data).toEqual(raw.data);
  return { data: raw.data, usedRollups: auto.meta.rollups };
}

const value = async (input: QueryDefinitionInput, range?: QueryRange) =>
  ((await run({ compare: false, ...input } as QueryDefinitionInput, range)).data as MetricResult).value;

describe("the overview's panels for visitors who did signup", () => {
  it.each<[string, QueryDefinitionInput, number]>([
    ["visitors: those who did it", { kind: "metric", measure: { type: "unique_users" } }, 3],
    ["pageviews: theirs", { kind: "metric", event: "pageview" }, 6],
    // alice a1, a2; bob 22:30-22:50, 00:30, 01:30 (gaps over 30 minutes); carol c1.
    ["sessions: theirs", { kind: "metric", measure: { type: "sessions" } }, 6],
    // Of their 4 sessions with a pageview, only bob's 00:30 one bounced.
    ["bounce rate: of their sessions", { kind: "metric", measure: { type: "bounce_rate" } }, 1 / 4],
    // 600 s (a1) + 1200 s (bob's first) + 1860 s (c1) over 6 sessions.
    ["session duration: of their sessions", { kind: "metric", measure: { type: "avg_session_duration" } }, 610],
    ["conversion rate: they over all 6 visitors", { kind: "metric", measure: { type: "conversion_rate" } }, 0.5],
  ])("%s", async (_, query, expected) => {
    const result = await run({ ...query, filters: [signedUp] } as QueryDefinitionInput);
    expect((result.data as MetricResult).value).toBeCloseTo(expected, 12);
    // Who did signup is a set of actors: the bitmaps answer for visitors, the count slices for
    // their events' counts, raw events for their sessions.
    const measure = ("measure" in query ? query.measure?.type : undefined) ?? "count";
    expect(result.usedRollups).toBe(["unique_users", "conversion_rate", "count"].includes(measure));
  });

  it("reads rollups without the filter, bitmaps for visitors with it, raw for their events, and agrees with raw", async () => {
    expect((await run({ kind: "metric", measure: { type: "unique_users" } })).usedRollups).toBe(true);
    expect((await run({ kind: "metric", measure: { type: "sessions" } })).usedRollups).toBe(true);
    expect((await run({ kind: "metric", measure: { type: "unique_users" }, filters: [signedUp] })).usedRollups).toBe(
      true,
    );
    expect((await run({ kind: "metric", measure: { type: "sessions" }, filters: [signedUp] })).usedRollups).toBe(false);
    // "Did not" stays raw; two conversion filters keep the actors in both sets (alice and carol).
    const notSigned: Filter = { field: "performed", op: "not_equals", value: "signup" };
    const visitors = { kind: "metric", measure: { type: "unique_users" } } as const;
    expect((await run({ ...visitors, filters: [notSigned] })).usedRollups).toBe(false);
    const both = [signedUp, did("purchase")];
    const bothOfThem = await run({ ...visitors, filters: both });
    expect([(bothOfThem.data as MetricResult).value, bothOfThem.usedRollups]).toEqual([2, true]);
    const rate = await run({ kind: "metric", measure: { type: "conversion_rate" }, filters: both });
    expect([(rate.data as MetricResult).value, rate.usedRollups]).toEqual([2 / 6, true]);
  });

  it("trends their pageviews by day", async () => {
    const { data } = await run({ kind: "trend", event: "pageview", interval: "day", filters: [signedUp] });
    expect((data as TrendResult).series[0]!.values).toEqual([2, 2, 1, 1]);
  });

  it("breaks their visits down by country, and their custom events by name", async () => {
    const countries = await run({
      kind: "breakdown",
      dimension: "country",
      measure: { type: "unique_users" },
      filters: [signedUp],
    });
    expect((countries.data as BreakdownResult).rows).toEqual([
      { value: "DE", measure: 1 },
      { value: "FR", measure: 1 },
      { value: "US", measure: 1 },
    ]);
    const events = await run({
      kind: "breakdown",
      dimension: "event",
      filters: [{ field: "event", op: "not_in", value: ["pageview"] }, signedUp],
    });
    expect((events.data as BreakdownResult).rows).toEqual([
      { value: "signup", measure: 3 },
      { value: "purchase", measure: 2 },
    ]);
  });

  it("differs from the event filter, which keeps only the signup events themselves", async () => {
    const byEvent = [{ field: "event", op: "equals", value: "signup" }] as Filter[];
    expect(await value({ kind: "metric", event: "pageview", filters: byEvent })).toBe(0);
    expect(await value({ kind: "metric", measure: { type: "bounce_rate" }, filters: byEvent })).toBeNull();
    expect(await value({ kind: "metric", event: "pageview", filters: [signedUp] })).toBe(6);
  });
});

describe("conversion filters", () => {
  it.each<[string, Filter[], number, number]>([
    ["did purchase", [did("purchase")], 2, 3],
    ["did one of signup, purchase", [did(["signup", "purchase"])], 3, 6],
    ["did not sign up", [{ field: "performed", op: "not_equals", value: "signup" }], 3, 3],
    ["did neither", [{ field: "performed", op: "not_in", value: ["signup", "purchase"] }], 3, 3],
    ["did both", [signedUp, did("purchase")], 2, 3],
    ["signed up, on their French events", [signedUp, { field: "country", op: "equals", value: "FR" }], 1, 2],
  ])("%s: visitors and pageviews", async (_, filters, visitors, pageviews) => {
    expect(await value({ kind: "metric", measure: { type: "unique_users" }, filters })).toBe(visitors);
    expect(await value({ kind: "metric", event: "pageview", filters })).toBe(pageviews);
  });

  it("keeps nobody when one of several keeps nobody, from the bitmaps", async () => {
    // The ANDed sets are empty: no chunk row, where the kept actors are counted as they are too.
    const filters = [signedUp, did("never_happened")];
    const visitors = await run({ kind: "metric", measure: { type: "unique_users" }, filters });
    expect([(visitors.data as MetricResult).value, visitors.usedRollups]).toEqual([0, true]);
    const countries = await run({
      kind: "breakdown",
      dimension: "country",
      measure: { type: "unique_users" },
      filters,
    });
    expect([(countries.data as BreakdownResult).rows, countries.usedRollups]).toEqual([[], true]);
  });

  it("counts only what was done in the range", async () => {
    // From the 29th: bob and carol sign up; alice signed up on the 27th (her purchase on the 29th is in range).
    const range: QueryRange = { from: "2026-03-29", to: "2026-03-30" };
    expect(await value({ kind: "metric", measure: { type: "unique_users" }, filters: [signedUp] }, range)).toBe(2);
    expect(await value({ kind: "metric", event: "pageview", filters: [signedUp] }, range)).toBe(2);
    // alice, bob, carol and erin were there: 2 of 4.
    expect(await value({ kind: "metric", measure: { type: "conversion_rate" }, filters: [signedUp] }, range)).toBe(0.5);
  });

  it("gives the conversion rate per country and per day", async () => {
    const byCountry = await run({
      kind: "breakdown",
      dimension: "country",
      measure: { type: "conversion_rate" },
      filters: [signedUp],
    });
    // DE: bob of bob; US: carol of carol and dave; FR: alice of alice, erin and frank.
    expect((byCountry.data as BreakdownResult).rows.map((r) => [r.value, r.measure])).toEqual([
      ["DE", 1],
      ["US", 0.5],
      ["FR", 1 / 3],
    ]);
    const byDay = await run({
      kind: "trend",
      interval: "day",
      measure: { type: "conversion_rate" },
      filters: [signedUp],
    });
    expect((byDay.data as TrendResult).series[0]!.values).toEqual([1 / 3, 1, 1, 0.5]);
  });

  it("keeps the funnel's and retention's users to those who did it", async () => {
    const funnel = await run({
      kind: "funnel",
      steps: [{ event: "pageview" }, { event: "signup" }],
      window: { value: 1, unit: "hour" },
      filters: [did("purchase")],
    });
    expect((funnel.data as FunnelResult).steps.map((s) => s.count)).toEqual([2, 2]);
    const retention = await run({
      kind: "retention",
      start_event: "pageview",
      return_event: "pageview",
      period: "day",
      periods: 3,
      filters: [did("purchase")],
    });
    expect((retention.data as RetentionResult).cohorts.map((c) => [c.label, c.size, c.counts])).toEqual([
      ["2026-03-27", 1, [1, 0, 0, 0]],
      ["2026-03-28", 0, [0, 0, 0, null]],
      ["2026-03-29", 0, [0, 0, null, null]],
      ["2026-03-30", 1, [1, null, null, null]],
    ]);
  });

  it("compares with who did it in the previous period", async () => {
    const { data } = await run(
      { kind: "metric", measure: { type: "conversion_rate" }, filters: [signedUp] },
      {
        from: "2026-03-29",
        to: "2026-03-30",
      },
    );
    // The 27th and 28th: alice signed up, of alice, bob, dave and frank.
    expect(data).toMatchObject({ value: 0.5, previous: 0.25, change: 0.25, change_unit: "points" });
  });
});

describe("what is refused", () => {
  it.each<[string, unknown]>([
    ["an operator other than equals, not_equals, in, not_in", { field: "performed", op: "contains", value: "sign" }],
    ["no event name", { field: "performed", op: "equals", value: "" }],
    ["a number", { field: "performed", op: "equals", value: 3 }],
    ["no value", { field: "performed", op: "is_set" }],
  ])("%s", (_, filter) => {
    expect(queryDefinitionSchema.safeParse({ kind: "metric", filters: [filter] }).success).toBe(false);
  });

  it("more than three per query, or in a funnel step's own filters", () => {
    expect(
      queryDefinitionSchema.safeParse({
        kind: "metric",
        filters: ["a", "b", "c", "d"].map((name) => did(name)),
      }).success,
    ).toBe(false);
    expect(
      queryDefinitionSchema.safeParse({
        kind: "funnel",
        steps: [{ event: "pageview", filters: [signedUp] }, { event: "signup" }],
      }).success,
    ).toBe(false);
  });

  it("a conversion rate with nothing to convert to", async () => {
    for (const filters of [[], [{ field: "performed", op: "not_equals", value: "signup" }]] as Filter[][]) {
      const error = await run({ kind: "metric", measure: { type: "conversion_rate" }, filters }).catch((e) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("invalid_request");
    }
  });
});
