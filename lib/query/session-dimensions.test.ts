// Golden tests for entry and exit pages, pages per session and time on page: a hand-built data set
// where every number was worked out by hand, answered from raw events and from the session rollups
// alike. UTC; the range is 2026-03-10..2026-03-11 (whole days).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, queryDefinitionSchema } from "./schemas";

const range = { from: "2026-03-10", to: "2026-03-11" };
const now = new Date("2026-04-01T12:00:00Z");
let tenant: Tenant;

type Seed = [who: Partial<EventRow>, name: string, at: string, path: string | null];
const u1 = { userId: "u1", sessionId: "s1" };
const u2 = { userId: "u2", sessionId: "s2" };
const a3 = { anonymousId: "a3" };
const u4 = { userId: "u4", sessionId: "s4" };
const edge = { userId: "ue", sessionId: "edge" };
const tie = { userId: "ut", sessionId: "tie" };
const seed: Seed[] = [
  // s1: entry /home, exit /signup, 3 pageviews; /home viewed 120 s, /pricing 300 s (signup between).
  [u1, "pageview", "2026-03-10T10:00:00Z", "/home"],
  [u1, "pageview", "2026-03-10T10:02:00Z", "/pricing"],
  [u1, "signup", "2026-03-10T10:03:00Z", "/pricing"],
  [u1, "pageview", "2026-03-10T10:07:00Z", "/signup"],
  // s2 spans an hour: entry /pricing (viewed 1,200 s), exit /docs.
  [u2, "pageview", "2026-03-10T11:50:00Z", "/pricing"],
  [u2, "pageview", "2026-03-10T12:10:00Z", "/docs"],
  // No session id: two sessions by the 30-minute rule. /docs -> /home (600 s on /docs), then /pricing alone.
  [a3, "pageview", "2026-03-10T09:00:00Z", "/docs"],
  [a3, "pageview", "2026-03-10T09:10:00Z", "/home"],
  [a3, "pageview", "2026-03-10T09:50:00Z", "/pricing"],
  [a3, "signup", "2026-03-10T09:55:00Z", "/signup"],
  // s4: no pageview, so no entry or exit page.
  [u4, "signup", "2026-03-10T13:00:00Z", "/signup"],
  // edge: entered on /blog before the range; in the range it enters on /home (viewed 300 s) and leaves on /docs.
  [edge, "pageview", "2026-03-09T23:50:00Z", "/blog"],
  [edge, "pageview", "2026-03-10T00:05:00Z", "/home"],
  [edge, "pageview", "2026-03-10T00:10:00Z", "/docs"],
  // tie: two pageviews at the same instant; the lesser path enters (viewed 0 s), the greater exits.
  [tie, "pageview", "2026-03-11T14:00:00.000Z", "/b"],
  [tie, "pageview", "2026-03-11T14:00:00.000Z", "/a"],
];

beforeAll(async () => {
  tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"));
  await writeEvents(
    getPool(),
    tenant.organizationId,
    tenant.projectId,
    seed.map(([who, name, at, path]) => eventRow({ ...who, name, timestamp: new Date(at), path })),
  );
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

/** The answer from raw events and as the app answers it (rollups where they can): both must agree. */
async function run(input: QueryDefinitionInput) {
  const query = queryDefinitionSchema.parse(input);
  const base = {
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query,
    range,
    timezone: "UTC",
    now,
  };
  const [raw, app] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  expect(app.data).toEqual(raw.data);
  return { data: raw.data as never, rollups: app.meta.rollups };
}

const rowsOf = (data: { rows: { value: string | null; measure: number | null }[] }) =>
  data.rows.map((r) => [r.value, r.measure]);

describe("entry and exit pages", () => {
  it("breaks sessions down by the page of their first pageview, from the session rollups", async () => {
    const { data, rollups } = await run({ kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" } });
    expect(rollups).toBe(true);
    expect(rowsOf(data)).toEqual([
      ["/home", 2],
      ["/pricing", 2],
      ["/a", 1],
      ["/docs", 1],
      [null, 1],
    ]);
  });

  it("breaks sessions down by the page of their last pageview", async () => {
    const { data, rollups } = await run({ kind: "breakdown", dimension: "exit_page", measure: { type: "sessions" } });
    expect(rollups).toBe(true);
    expect(rowsOf(data)).toEqual([
      ["/docs", 2],
      ["/b", 1],
      ["/home", 1],
      ["/pricing", 1],
      ["/signup", 1],
      [null, 1],
    ]);
  });

  it("keeps the top pages and sums the rest into other", async () => {
    const { data } = await run({
      kind: "breakdown",
      dimension: "entry_page",
      measure: { type: "sessions" },
      limit: 2,
    });
    expect(rowsOf(data)).toEqual([
      ["/home", 2],
      ["/pricing", 2],
    ]);
    expect((data as { other: number }).other).toBe(3);
  });

  it("measures pages per session and bounce rate by entry page", async () => {
    const pages = await run({ kind: "breakdown", dimension: "entry_page", measure: { type: "pages_per_session" } });
    expect(pages.rollups).toBe(true);
    // /home: s1 (3) and the cut edge session (2); /pricing: s2 (2) and a3's second (1).
    expect(rowsOf(pages.data)).toEqual([
      ["/home", 2.5],
      ["/a", 2],
      ["/docs", 2],
      ["/pricing", 1.5],
      [null, 0],
    ]);
    const bounces = await run({ kind: "breakdown", dimension: "entry_page", measure: { type: "bounce_rate" } });
    // a3's second session is one pageview and a signup: an interaction, so no bounce.
    expect(rowsOf(bounces.data)).toEqual([
      ["/a", 0],
      ["/docs", 0],
      ["/home", 0],
      ["/pricing", 0],
    ]);
  });

  it("gives every event its session's entry page", async () => {
    const { data, rollups } = await run({ kind: "breakdown", dimension: "entry_page" });
    expect(rollups).toBe(false);
    // /home: s1's 4 events and the edge session's 2 in range; /pricing: s2's 2 and a3's last 2.
    expect(rowsOf(data)).toEqual([
      ["/home", 6],
      ["/pricing", 4],
      ["/a", 2],
      ["/docs", 2],
      [null, 1],
    ]);
  });

  it("splits a trend by entry page, bucketed by the session's start", async () => {
    const { data, rollups } = await run({
      kind: "trend",
      interval: "day",
      measure: { type: "sessions" },
      breakdown: { dimension: "entry_page", limit: 2 },
    });
    expect(rollups).toBe(true);
    const trend = data as { series: { key: string | null; other: boolean; values: number[] }[] };
    expect(trend.series.map((s) => [s.key, s.other, s.values])).toEqual([
      ["/home", false, [2, 0]],
      ["/pricing", false, [2, 0]],
      [null, true, [2, 1]],
    ]);
  });

  it("keeps the sessions that entered or left on a page under a filter", async () => {
    const entered = [{ field: "entry_page", op: "equals", value: "/home" }] as const;
    expect((await run({ kind: "metric", measure: { type: "sessions" }, filters: [...entered] })).data).toMatchObject({
      value: 2,
    });
    // Their events (s1's 4, the edge session's 2 in range), their pageviews, their pages per session.
    expect((await run({ kind: "metric", filters: [...entered] })).data).toMatchObject({ value: 6 });
    expect((await run({ kind: "metric", event: "pageview", filters: [...entered] })).data).toMatchObject({ value: 5 });
    expect(
      (await run({ kind: "metric", measure: { type: "pages_per_session" }, filters: [...entered] })).data,
    ).toMatchObject({ value: 2.5 });
    const left = await run({
      kind: "breakdown",
      dimension: "entry_page",
      measure: { type: "sessions" },
      filters: [{ field: "exit_page", op: "equals", value: "/docs" }],
    });
    expect(rowsOf(left.data)).toEqual([
      ["/home", 1],
      ["/pricing", 1],
    ]);
    const noPageview = await run({
      kind: "metric",
      measure: { type: "sessions" },
      filters: [{ field: "entry_page", op: "is_not_set" }],
    });
    expect(noPageview.data).toMatchObject({ value: 1 });
  });

  it("breaks a funnel down by the entry page of the session of each user's first step", async () => {
    const { data } = await run({
      kind: "funnel",
      steps: [{ event: "pageview" }, { event: "signup" }],
      window: { value: 1, unit: "day" },
      breakdown: { dimension: "entry_page", limit: 5 },
    });
    const funnel = data as { breakdown: { value: string | null; steps: { count: number }[] }[] };
    expect(funnel.breakdown.map((b) => [b.value, b.steps.map((s) => s.count)])).toEqual([
      ["/home", [2, 1]],
      ["/a", [1, 0]],
      ["/docs", [1, 1]],
      ["/pricing", [1, 0]],
    ]);
  });
});

describe("pages per session and time on page", () => {
  it("averages pageviews over every session (those without a pageview count as 0)", async () => {
    const { data, rollups } = await run({ kind: "metric", measure: { type: "pages_per_session" }, compare: false });
    expect(rollups).toBe(true);
    // 3 + 2 + 2 + 1 + 0 + 2 + 2 pageviews over 7 sessions.
    expect((data as { value: number }).value).toBeCloseTo(12 / 7, 12);
  });

  it("averages the seconds to the session's next pageview, leaving each session's last pageview out", async () => {
    const { data } = await run({ kind: "metric", measure: { type: "time_on_page" }, compare: false });
    // 120 + 300 (s1), 1,200 (s2), 600 (a3), 300 (edge, cut at the range), 0 (tie) over 6 pageviews.
    expect((data as { value: number }).value).toBe(420);
  });

  it("breaks time on page down by page, the classic table", async () => {
    const { data } = await run({ kind: "breakdown", dimension: "path", measure: { type: "time_on_page" } });
    expect(rowsOf(data)).toEqual([
      ["/pricing", 750],
      ["/docs", 600],
      ["/home", 210],
      ["/a", 0],
    ]);
  });

  it("measures time on page of the sessions a filter keeps, and by the day of the pageview", async () => {
    const filtered = await run({
      kind: "metric",
      measure: { type: "time_on_page" },
      compare: false,
      filters: [{ field: "entry_page", op: "equals", value: "/pricing" }],
    });
    expect((filtered.data as { value: number }).value).toBe(1200);
    const trend = await run({ kind: "trend", interval: "day", measure: { type: "time_on_page" } });
    expect((trend.data as { series: { values: (number | null)[] }[] }).series[0]!.values).toEqual([504, 0]);
  });
});

describe("validation", () => {
  it("refuses a property on a measure that takes none, and session filters where they do not apply", async () => {
    expect(
      queryDefinitionSchema.safeParse({
        kind: "metric",
        measure: { type: "pages_per_session", property: "properties.amount" },
      }).success,
    ).toBe(false);
    await expect(
      runQuery({
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        query: queryDefinitionSchema.parse({
          kind: "retention",
          start_event: "pageview",
          return_event: "pageview",
          filters: [{ field: "entry_page", op: "equals", value: "/home" }],
        }),
        range,
        now,
      }),
    ).rejects.toMatchObject({ code: "invalid_request" });
  });
});
