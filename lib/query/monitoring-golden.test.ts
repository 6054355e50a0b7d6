// Golden tests for the vitals and errors query kinds: hand-built web_vitals and js_error events
// where every percentile, share and group below was worked out by hand. Project time zone
// Europe/Paris; the range is its 27-30 March 2026 ([2026-03-26T23:00Z, 2026-03-30T22:00Z)).
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { ApiError } from "../errors";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { normaliseErrorMessage } from "./errors";
import type { ErrorsResult, VitalsResult } from "./results";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const days: QueryRange = { from: "2026-03-27", to: "2026-03-30" };
const now = new Date("2026-04-15T12:00:00Z");

const desktop = { path: "/", deviceType: "desktop", browser: "Chrome" };
const mobile = { path: "/pricing", deviceType: "mobile", browser: "Safari" };

function event(name: string, at: string, actor: string, fields: Partial<EventRow>): EventRow {
  const [kind, id] = actor.split(":") as ["u" | "a", string];
  return eventRow({
    name,
    timestamp: new Date(at),
    userId: kind === "u" ? id : null,
    anonymousId: kind === "a" ? id : null,
    ...fields,
  });
}

const vitals = (at: string, fields: Partial<EventRow>, properties: Record<string, unknown>) =>
  event("web_vitals", at, "a:v", { ...fields, properties });

const seed: EventRow[] = [
  // "/" on desktop Chrome: each metric's values are two good, two at or under the poor threshold
  // (the thresholds themselves are good, respectively needs improvement), one poor.
  vitals("2026-03-27T08:00:00Z", desktop, { lcp: 1000, inp: 100, cls: 0, fcp: 800, ttfb: 200, load: 1500 }),
  vitals("2026-03-27T09:00:00Z", desktop, { lcp: 2000, inp: 200, cls: 0.1, fcp: 1800, ttfb: 800, load: 2500 }),
  vitals("2026-03-28T09:00:00Z", desktop, { lcp: 3000, inp: 300, cls: 0.15, fcp: 2000, ttfb: 900, load: 3500 }),
  vitals("2026-03-29T09:00:00Z", desktop, { lcp: 4000, inp: 500, cls: 0.25, fcp: 3000, ttfb: 1800, load: 4500 }),
  vitals("2026-03-30T09:00:00Z", desktop, { lcp: 5000, inp: 600, cls: 0.3, fcp: 3100, ttfb: 1900 }),
  // "/pricing" on mobile Safari: two usable LCPs; a string and a negative number are left out.
  vitals("2026-03-28T10:00:00Z", mobile, { lcp: 2400 }),
  vitals("2026-03-28T11:00:00Z", mobile, { lcp: 4100 }),
  vitals("2026-03-28T12:00:00Z", mobile, { lcp: "slow", inp: -5 }),
  // Outside the range (23:30 on the 26th in Paris), and another event with the same properties.
  vitals("2026-03-26T22:30:00Z", desktop, { lcp: 90_000 }),
  event("pageview", "2026-03-28T09:00:00Z", "a:v", { ...desktop, properties: { lcp: 90_000 } }),
];

const pay = "at pay (https://shop.example/app.js:10:5)";
const retry = "at retry (https://shop.example/app.js:40:2)";
const jsError = (at: string, actor: string, properties: Record<string, unknown>) =>
  event("js_error", at, actor, { path: "/checkout", properties });

seed.push(
  jsError("2026-03-27T09:00:00Z", "u:alice", {
    kind: "error",
    message: "Checkout failed for order 1234",
    top_frame: pay,
  }),
  jsError("2026-03-29T09:00:00Z", "a:bob", {
    kind: "error",
    message: "Checkout failed for order 5678",
    top_frame: pay,
  }),
  jsError("2026-03-29T10:00:00Z", "u:alice", {
    kind: "error",
    message: "Checkout failed for order 1234",
    top_frame: pay,
  }),
  // The same message from another place is another error.
  jsError("2026-03-28T12:00:00Z", "u:carol", {
    kind: "error",
    message: "Checkout failed for order 1234",
    top_frame: retry,
  }),
  jsError("2026-03-30T10:00:00Z", "u:carol", {
    kind: "unhandledrejection",
    message: "Network timeout after 3000 ms",
    top_frame: "",
  }),
  // Outside the range, and another event name.
  jsError("2026-03-26T22:00:00Z", "u:alice", { kind: "error", message: "Checkout failed for order 1", top_frame: pay }),
  event("custom_error", "2026-03-28T12:00:00Z", "u:alice", { properties: { message: "x", top_frame: pay } }),
);

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  const intruder = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-03-01"), new Date("2026-04-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed);
  // Another tenant's events in the same hours must never show up.
  await writeEvents(getPool(), intruder.organizationId, intruder.projectId, seed);
});

afterAll(async () => {
  await closeDatabase();
});

async function run(input: QueryDefinitionInput, range: QueryRange = days) {
  return runQuery({
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query: queryDefinitionSchema.parse(input),
    range,
    now,
  });
}

describe("vitals", () => {
  it("gives p50/p75/p95 and the good / needs improvement / poor shares per page", async () => {
    const { data } = await run({ kind: "vitals", group_by: "page" });
    const result = data as VitalsResult;
    expect(result.group_by).toBe("page");
    expect(result.rows.map((row) => [row.value, row.samples])).toEqual([
      ["/", 5],
      ["/pricing", 3],
    ]);
    const home = result.rows[0]!.metrics;
    expect(home.lcp).toEqual({
      samples: 5,
      p50: 3000,
      p75: 4000,
      p95: 4800,
      good: 0.4,
      needs_improvement: 0.4,
      poor: 0.2,
    });
    expect(home.inp).toEqual({
      samples: 5,
      p50: 300,
      p75: 500,
      p95: 580,
      good: 0.4,
      needs_improvement: 0.4,
      poor: 0.2,
    });
    expect(home.cls).toEqual({
      samples: 5,
      p50: 0.15,
      p75: 0.25,
      p95: 0.29,
      good: 0.4,
      needs_improvement: 0.4,
      poor: 0.2,
    });
    expect(home.fcp).toMatchObject({ p75: 3000, good: 0.4, needs_improvement: 0.4, poor: 0.2 });
    expect(home.ttfb).toMatchObject({ p50: 900, p75: 1800, good: 0.4, needs_improvement: 0.4, poor: 0.2 });
    // Page load has no published thresholds: percentiles only.
    expect(home.load).toEqual({
      samples: 4,
      p50: 3000,
      p75: 3750,
      p95: 4350,
      good: null,
      needs_improvement: null,
      poor: null,
    });
    const pricing = result.rows[1]!.metrics;
    expect(pricing.lcp).toEqual({
      samples: 2,
      p50: 3250,
      p75: 3675,
      p95: 4015,
      good: 0.5,
      needs_improvement: 0,
      poor: 0.5,
    });
    expect(pricing.inp).toBeNull();
    expect(pricing.cls).toBeNull();
  });

  it("answers one row for everything without a group, and per device or browser", async () => {
    const all = (await run({ kind: "vitals" })).data as VitalsResult;
    expect(all.rows).toHaveLength(1);
    expect(all.rows[0]!.value).toBeNull();
    expect(all.rows[0]!.samples).toBe(8);
    // 1000, 2000, 2400, 3000, 4000, 4100, 5000: the 75th percentile is halfway from 4000 to 4100.
    const lcp = all.rows[0]!.metrics.lcp!;
    expect([lcp.samples, lcp.p75]).toEqual([7, 4050]);
    expect(lcp.good).toBeCloseTo(3 / 7, 10);
    expect(lcp.poor).toBeCloseTo(2 / 7, 10);
    expect(lcp.needs_improvement).toBeCloseTo(2 / 7, 10);

    const devices = (await run({ kind: "vitals", group_by: "device" })).data as VitalsResult;
    expect(devices.rows.map((row) => [row.value, row.samples, row.metrics.lcp?.p75])).toEqual([
      ["desktop", 5, 4000],
      ["mobile", 3, 3675],
    ]);
    const browsers = (await run({ kind: "vitals", group_by: "browser", limit: 1 })).data as VitalsResult;
    expect(browsers.rows.map((row) => row.value)).toEqual(["Chrome"]);
  });

  it("takes the query's filters", async () => {
    const { data } = await run({
      kind: "vitals",
      filters: [{ field: "device", op: "equals", value: "mobile" }],
    });
    expect((data as VitalsResult).rows[0]!.samples).toBe(3);
  });
});

const fingerprint = (message: string, topFrame: string) =>
  createHash("md5")
    .update(`${normaliseErrorMessage(message)}\n${topFrame}`)
    .digest("hex")
    .slice(0, 16);

describe("errors", () => {
  it("groups by normalised message and top frame, with counts, users, first and last seen and a daily trend", async () => {
    const { data } = await run({ kind: "errors" });
    const result = data as ErrorsResult;
    expect(result.total).toEqual({ count: 5, users: 3 });
    expect(result.buckets.map((b) => b.label)).toEqual([
      "2026-03-27T00:00",
      "2026-03-28T00:00",
      "2026-03-29T00:00",
      "2026-03-30T00:00",
    ]);
    expect(result.groups).toHaveLength(3);
    expect(result.groups[0]).toEqual({
      fingerprint: fingerprint("Checkout failed for order 1234", pay),
      message: "Checkout failed for order 1234", // the latest occurrence's
      kind: "error",
      top_frame: pay,
      count: 3,
      users: 2,
      first_seen: "2026-03-27T09:00:00.000Z",
      last_seen: "2026-03-29T10:00:00.000Z",
      trend: [1, 0, 2, 0],
    });
    const rest = result.groups.slice(1).map(({ fingerprint, count, users, trend, kind }) => ({
      fingerprint,
      count,
      users,
      trend,
      kind,
    }));
    expect(rest).toEqual(
      expect.arrayContaining([
        {
          fingerprint: fingerprint("Checkout failed for order 1234", retry),
          count: 1,
          users: 1,
          trend: [0, 1, 0, 0],
          kind: "error",
        },
        {
          fingerprint: fingerprint("Network timeout after 3000 ms", ""),
          count: 1,
          users: 1,
          trend: [0, 0, 0, 1],
          kind: "unhandledrejection",
        },
      ]),
    );
  });

  it("normalises ids, hex and numbers in messages", () => {
    expect(normaliseErrorMessage("Order 12 of 3.5 failed at 0x1f for 4f9c2e1a-0b7d-4c1e-9a3f-2d6e8b1c0a9f ")).toBe(
      "Order <n> of <n> failed at <hex> for <id>",
    );
    expect(normaliseErrorMessage("Cannot read properties of undefined (reading 'id')")).toBe(
      "Cannot read properties of undefined (reading 'id')",
    );
  });

  it("keeps the most frequent groups up to the limit", async () => {
    const { data } = await run({ kind: "errors", limit: 1 });
    expect((data as ErrorsResult).groups.map((g) => g.count)).toEqual([3]);
  });

  it("makes the trend's interval coarser over a long range, within the cost budget", async () => {
    const { data, meta } = await run(
      { kind: "errors", interval: "hour", limit: 20 },
      { from: "2024-01-01", to: "2026-12-31" },
    );
    expect(meta.interval_adjusted).toMatchObject({ requested: "hour", used: "week" });
    expect((data as ErrorsResult).interval).toBe("week");
  });

  it("refuses a range past the budget", async () => {
    await expect(run({ kind: "errors" }, { from: "2010-01-01", to: "2026-12-31" })).rejects.toBeInstanceOf(ApiError);
  });
});

describe("schemas", () => {
  it("refuses unknown groups and limits out of bounds", () => {
    expect(queryDefinitionSchema.safeParse({ kind: "vitals", group_by: "os" }).success).toBe(false);
    expect(queryDefinitionSchema.safeParse({ kind: "errors", limit: 101 }).success).toBe(false);
    expect(queryDefinitionSchema.safeParse({ kind: "errors", limit: 0 }).success).toBe(false);
  });
});
