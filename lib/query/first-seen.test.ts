// New vs returning visitors and first-touch attributes on a hand-built data set, every number worked
// out by hand: across the range's edges, per trend bucket, for a visitor who browsed anonymously and
// then signed in, with late events moving first seen earlier (before and after the refresh folds
// them), against a raw computation (each actor's earliest event over all history), and beside the
// session dimensions (new visitors of the sessions entering on a page, sessions by visitor type).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

// UTC days 10, 11 and 12 March: [2026-03-10T00:00Z, 2026-03-13T00:00Z).
const range: QueryRange = { from: "2026-03-10", to: "2026-03-12" };
const timezone = "UTC";
const now = new Date("2026-04-15T12:00:00Z");

type Fields = Partial<EventRow> & Pick<EventRow, "name" | "timestamp">;
const at = (iso: string) => new Date(iso);
const pageview = (iso: string, fields: Partial<EventRow>): Fields => ({
  name: "pageview",
  timestamp: at(iso),
  ...fields,
});

const seed: Fields[] = [
  // old: first seen before the range, back in it on the 11th: returning.
  pageview("2026-03-01T10:00:00Z", { userId: "old", path: "/", referrerHost: "old.example" }),
  pageview("2026-03-11T10:00:00Z", { userId: "old", path: "/pricing" }),
  // fresh: first seen on the 10th from a campaign: new in the range, new on the 10th, returning on the 12th.
  pageview("2026-03-10T09:00:00Z", { userId: "fresh", path: "/landing", referrerHost: "google.com", utmSource: "ads" }),
  pageview("2026-03-12T09:00:00Z", { userId: "fresh", path: "/pricing" }),
  // dev: anonymous since the 5th (returning), signs in on the 11th: the user id is a new actor then.
  pageview("2026-03-05T08:00:00Z", { anonymousId: "dev-anon", path: "/", referrerHost: "blog.example" }),
  pageview("2026-03-11T08:00:00Z", { anonymousId: "dev-anon", path: "/docs" }),
  { name: "signup", timestamp: at("2026-03-11T08:30:00Z"), userId: "dev", anonymousId: "dev-anon", path: "/signup" },
  // A server-side event of no one: no visitor type, no first touch.
  { name: "ping", timestamp: at("2026-03-11T12:00:00Z") },
  // after: first seen after the range.
  pageview("2026-03-14T10:00:00Z", { userId: "after", path: "/" }),
];

/** Arriving after the first refresh, with old timestamps. */
const late: Fields[] = [
  // fresh was in fact first seen before the range, from another referrer: now returning.
  pageview("2026-03-09T12:00:00Z", { userId: "fresh", path: "/early", referrerHost: "early.example" }),
  // after was in fact first seen inside the range: now new.
  pageview("2026-03-11T15:00:00Z", { userId: "after", path: "/", utmSource: "ads" }),
];

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  const intruder = await createTenant();
  await ensureEventPartitions(getPool(), new Date("2026-03-01"), new Date("2026-04-01"));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seed.map(eventRow));
  // Another tenant's visitors with the same ids, first seen inside the range, must never count.
  await writeEvents(
    getPool(),
    intruder.organizationId,
    intruder.projectId,
    [
      pageview("2026-03-10T01:00:00Z", { userId: "old", referrerHost: "intruder.example" }),
      pageview("2026-03-10T01:00:00Z", { anonymousId: "dev-anon" }),
    ].map(eventRow),
  );
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

/** Raw events, and whatever source the planner picks: the two agree. */
async function run(input: QueryDefinitionInput, options: { range?: QueryRange } = {}) {
  const query = queryDefinitionSchema.parse(input);
  const base = {
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query,
    range: options.range ?? range,
    timezone,
    now,
  };
  const raw = await runQuery({ ...base, useRollups: false });
  const auto = await runQuery(base);
  expect(auto.data, JSON.stringify(input)).toEqual(raw.data);
  return { data: raw.data as never, derived: auto.meta.rollups };
}

const metric = async (input: Omit<QueryDefinitionInput & { kind: "metric" }, "kind">) =>
  ((await run({ kind: "metric", compare: false, ...input })).data as { value: number }).value;

const breakdownRows = async (input: Omit<QueryDefinitionInput & { kind: "breakdown" }, "kind">) =>
  ((await run({ kind: "breakdown", ...input })).data as { rows: { value: string | null; measure: number }[] }).rows;

const series = async (input: Omit<QueryDefinitionInput & { kind: "trend" }, "kind">) =>
  (
    (await run({ kind: "trend", interval: "day", ...input })).data as {
      series: { key: string | null; values: number[] }[];
    }
  ).series;

/** Each actor's earliest event over the project's whole history, as SQL computes it from raw events. */
async function rawFirstSeen() {
  const { rows } = await getPool().query(
    `SELECT DISTINCT ON (e.actor) e.actor::text AS actor, timestamp AS first_seen_at, referrer_host AS first_referrer,
            utm_source AS first_utm_source, path AS first_path
     FROM events e WHERE project_id = $1 AND e.actor IS NOT NULL ORDER BY e.actor, e.timestamp, e.event_id`,
    [tenant.projectId],
  );
  return rows.sort(byActor);
}

const byActor = (a: { actor: string }, b: { actor: string }) => a.actor.localeCompare(b.actor);

/** first_seen_hourly's counts of the project, and actor_first_seen's rows counted by UTC hour: equal. */
async function hourlyCounts() {
  const db = getPool();
  const [kept, counted] = await Promise.all([
    db.query(
      "SELECT hour, visitors::int FROM first_seen_hourly WHERE project_id = $1 AND visitors <> 0 ORDER BY hour",
      [tenant.projectId],
    ),
    db.query(
      `SELECT date_trunc('hour', first_seen_at, 'UTC') AS hour, count(*)::int AS visitors
       FROM actor_first_seen WHERE project_id = $1 GROUP BY 1 ORDER BY 1`,
      [tenant.projectId],
    ),
  ]);
  return { kept: kept.rows, counted: counted.rows };
}

async function expectHourlyCountsKept() {
  const { kept, counted } = await hourlyCounts();
  expect(kept).toEqual(counted);
}

async function storedFirstSeen() {
  const { rows } = await getPool().query(
    `SELECT actor::text, first_seen_at, first_referrer, first_utm_source, first_path
     FROM actor_first_seen WHERE project_id = $1`,
    [tenant.projectId],
  );
  return rows.sort(byActor);
}

/** New and returning visitors of the range from the seeded events, in JavaScript: min timestamp per actor over all history. */
function expectedSplit(events: Fields[], from: Date, to: Date) {
  const first = new Map<string, number>();
  const active = new Set<string>();
  for (const e of events) {
    const actor = e.userId ?? e.anonymousId;
    if (!actor) continue;
    first.set(actor, Math.min(first.get(actor) ?? Number.POSITIVE_INFINITY, e.timestamp.getTime()));
    if (e.timestamp >= from && e.timestamp < to) active.add(actor);
  }
  const fresh = [...active].filter((a) => first.get(a)! >= from.getTime());
  return { new: fresh.length, returning: active.size - fresh.length };
}

describe("new vs returning visitors", () => {
  it("counts visitors first seen inside the range as new and those first seen before it as returning", async () => {
    expect(await metric({ measure: { type: "new_users" } })).toBe(2); // fresh, dev
    expect(await metric({ measure: { type: "returning_users" } })).toBe(2); // old, dev-anon
    expect(await metric({ measure: { type: "unique_users" } })).toBe(4);
    expect(await breakdownRows({ dimension: "visitor_type", measure: { type: "unique_users" } })).toEqual([
      { value: "new", measure: 2 },
      { value: "returning", measure: 2 },
    ]);
    // Events: fresh's two and dev's signup; old's and dev-anon's; the ping of no one.
    expect(await breakdownRows({ dimension: "visitor_type" })).toEqual([
      { value: "new", measure: 3 },
      { value: "returning", measure: 2 },
      { value: null, measure: 1 },
    ]);
    expect(expectedSplit(seed, at("2026-03-10T00:00:00Z"), at("2026-03-13T00:00:00Z"))).toEqual({
      new: 2,
      returning: 2,
    });
  });

  it("moves the edge with the range: a day later, fresh is returning", async () => {
    const later: QueryRange = { from: "2026-03-11", to: "2026-03-12" };
    const { data } = await run(
      { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } },
      { range: later },
    );
    expect((data as { rows: unknown[] }).rows).toEqual([
      { value: "returning", measure: 3 }, // old, dev-anon, fresh (first seen on the 10th)
      { value: "new", measure: 1 }, // dev
    ]);
  });

  it("classifies per bucket in a trend: the period is each day, the totals the range", async () => {
    expect((await series({ measure: { type: "new_users" } }))[0]!.values).toEqual([1, 1, 0]);
    expect((await series({ measure: { type: "returning_users" } }))[0]!.values).toEqual([0, 2, 1]);
    const byType = await series({
      measure: { type: "unique_users" },
      breakdown: { dimension: "visitor_type", limit: 5 },
    });
    expect(byType.map((s) => [s.key, s.values])).toEqual([
      ["new", [1, 1, 0]],
      ["returning", [0, 2, 1]],
    ]);
    const { data } = await run({ kind: "trend", interval: "day", measure: { type: "returning_users" } });
    expect((data as { series: { total: number }[] }).series[0]!.total).toBe(2);
  });

  it("filters on the visitor type over the whole range, in every kind", async () => {
    const newOnes = [{ field: "visitor_type", op: "equals", value: "new" }] as const;
    expect(await metric({ measure: { type: "unique_users" }, filters: [...newOnes] })).toBe(2);
    expect(await metric({ filters: [...newOnes] })).toBe(3);
    expect(
      await metric({
        measure: { type: "unique_users" },
        filters: [{ field: "visitor_type", op: "equals", value: "returning" }],
      }),
    ).toBe(2);
    // Per day, the visitors new in the range: fresh on the 10th and 12th, dev on the 11th.
    expect((await series({ measure: { type: "unique_users" }, filters: [...newOnes] }))[0]!.values).toEqual([1, 1, 1]);
    const { data } = await run({
      kind: "funnel",
      steps: [{ event: "pageview" }, { event: "signup" }],
      filters: [{ field: "visitor_type", op: "equals", value: "returning" }],
    });
    // dev-anon viewed then signed up; the signup's actor is dev (another actor): no conversion.
    expect((data as { steps: { count: number }[] }).steps.map((s) => s.count)).toEqual([2, 0]);
  });

  it("answers the unfiltered shapes from first seen and the range's visitors, filtered ones from raw events", async () => {
    expect(
      (await run({ kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } })).derived,
    ).toBe(true);
    expect((await run({ kind: "trend", interval: "day", measure: { type: "new_users" } })).derived).toBe(true);
    expect(
      (
        await run({
          kind: "metric",
          measure: { type: "new_users" },
          filters: [{ field: "path", op: "equals", value: "/pricing" }],
        })
      ).derived,
    ).toBe(false);
  });
});

describe("first-touch attributes", () => {
  it("breaks visitors down by their first event's referrer, UTM source and page", async () => {
    expect(await breakdownRows({ dimension: "first_referrer", measure: { type: "unique_users" } })).toEqual([
      { value: "blog.example", measure: 1 },
      { value: "google.com", measure: 1 },
      { value: "old.example", measure: 1 },
      { value: null, measure: 1 }, // dev's first event (the signup) had no referrer
    ]);
    expect(await breakdownRows({ dimension: "first_page", measure: { type: "unique_users" } })).toEqual([
      { value: "/", measure: 2 },
      { value: "/landing", measure: 1 },
      { value: "/signup", measure: 1 },
    ]);
  });

  it("keeps the events of the visitors whose first touch matches", async () => {
    const fromGoogle = [{ field: "first_referrer", op: "equals", value: "google.com" }] as const;
    expect(await metric({ measure: { type: "unique_users" }, filters: [...fromGoogle] })).toBe(1);
    // Both of fresh's events, the second without a referrer of its own.
    expect(await metric({ filters: [...fromGoogle] })).toBe(2);
    expect(await metric({ filters: [{ field: "first_utm_source", op: "in", value: ["ads", "mail"] }] })).toBe(2);
    // Direct first touch: dev's signup, and the ping of no one (no first touch at all).
    expect(await metric({ filters: [{ field: "first_referrer", op: "is_not_set" }] })).toBe(2);
    expect(
      await metric({
        measure: { type: "unique_users" },
        filters: [{ field: "first_page", op: "contains", value: "LAND" }],
      }),
    ).toBe(1);
  });
});

describe("first seen as events arrive", () => {
  it("stores each actor's earliest event, as a raw computation over all history finds it", async () => {
    expect(await storedFirstSeen()).toEqual(await rawFirstSeen());
    expect((await storedFirstSeen()).length).toBe(5); // old, fresh, dev-anon, dev, after
  });

  it("moves first seen earlier for late events: exact before the refresh folds them, and after", async () => {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, late.map(eventRow));
    const check = async () => {
      expect(await metric({ measure: { type: "new_users" } })).toBe(2); // dev, after
      expect(await metric({ measure: { type: "returning_users" } })).toBe(3); // old, dev-anon, fresh
      expect(await breakdownRows({ dimension: "first_referrer", measure: { type: "unique_users" } })).toEqual([
        { value: null, measure: 2 }, // dev, and after (whose first event now is the late one, without referrer)
        { value: "blog.example", measure: 1 },
        { value: "early.example", measure: 1 },
        { value: "old.example", measure: 1 },
      ]);
      expect((await series({ measure: { type: "new_users" } }))[0]!.values).toEqual([0, 2, 0]);
      expect(expectedSplit([...seed, ...late], at("2026-03-10T00:00:00Z"), at("2026-03-13T00:00:00Z"))).toEqual({
        new: 2,
        returning: 3,
      });
    };
    await check();
    await refreshRollups(getPool(), { wait: true });
    await check();
    expect(await storedFirstSeen()).toEqual(await rawFirstSeen());
    await expectHourlyCountsKept();
    // An event later than the stored first seen changes nothing.
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      eventRow(pageview("2026-03-20T10:00:00Z", { userId: "old", referrerHost: "later.example" })),
    ]);
    await refreshRollups(getPool(), { wait: true });
    expect(await storedFirstSeen()).toEqual(await rawFirstSeen());
    await expectHourlyCountsKept();
  });

  it("counts new visitors over ranges cut inside an hour, and in zones of other offsets, as raw events do", async () => {
    const own = await createTenant();
    const db = getPool();
    const write = (events: Fields[]) => writeEvents(db, own.organizationId, own.projectId, events.map(eventRow));
    await write([...seed, ...late]);
    await refreshRollups(db, { wait: true });
    // Not yet folded: dev-anon's first seen moves 23:45 into the 4th, and a visitor new at 15:10 on the 11th.
    await write([
      pageview("2026-03-04T23:45:00Z", { anonymousId: "dev-anon", path: "/early" }),
      pageview("2026-03-11T15:10:00Z", { userId: "lately", path: "/" }),
    ]);
    const answers = async (query: QueryDefinitionInput, cut: QueryRange, zone = timezone) => {
      const base = {
        organizationId: own.organizationId,
        projectId: own.projectId,
        query: queryDefinitionSchema.parse(query),
        range: cut,
        timezone: zone,
        now,
      };
      const [raw, auto] = [await runQuery({ ...base, useRollups: false }), await runQuery(base)];
      expect(auto.data, `${JSON.stringify(cut)} ${zone}`).toEqual(raw.data);
      return auto;
    };
    const byType = { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } } as const;
    const newUsers = { kind: "trend", interval: "day", measure: { type: "new_users" } } as const;
    const check = async () => {
      for (const cut of [
        { from: "2026-03-09T12:30:00Z", to: "2026-03-11T15:20:00Z" },
        { from: "2026-03-11T15:05:00Z", to: "2026-03-11T15:30:00Z" },
        { from: "2026-03-04T23:30:00Z", to: "2026-03-12T00:00:00Z" },
      ]) {
        expect((await answers(byType, cut)).meta.rollups).toBe(true);
        await answers(newUsers, cut);
      }
      for (const zone of ["America/New_York", "Asia/Kolkata", "Asia/Kathmandu"])
        await answers(newUsers, { from: "2026-03-04", to: "2026-03-12" }, zone);
    };
    await check();
    await refreshRollups(db, { wait: true });
    await check();
  });

  it("rebuilds a project's history it has no rows for, as the backfill does, and answers exactly before it", async () => {
    const db = getPool();
    const expected = await storedFirstSeen();
    const answer = await breakdownRows({ dimension: "visitor_type", measure: { type: "unique_users" } });
    // As on an installation that had events before first seen existed: no rows, the watermark before
    // them. The backfill's watermark is '-infinity' (every event of the database); here it is just
    // before this project's first arrival, so the other suites sharing the database are not held
    // behind a refold of all their events (the fold is the same statement either way).
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(hashtext('lumen_rollup_refresh'))");
      await client.query("DELETE FROM actor_first_seen WHERE project_id = $1", [tenant.projectId]);
      await client.query("DELETE FROM first_seen_hourly WHERE project_id = $1", [tenant.projectId]);
      await client.query(
        "UPDATE first_seen_state SET watermark = (SELECT min(received_at) - interval '1 millisecond' FROM events WHERE project_id = $1) WHERE id = 1",
        [tenant.projectId],
      );
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(await breakdownRows({ dimension: "visitor_type", measure: { type: "unique_users" } })).toEqual(answer);
    await refreshRollups(db, { wait: true });
    expect(await storedFirstSeen()).toEqual(expected);
    await expectHourlyCountsKept();
    const state = await db.query("SELECT isfinite(watermark) AS done FROM first_seen_state WHERE id = 1");
    expect(state.rows).toEqual([{ done: true }]);
    expect(await breakdownRows({ dimension: "visitor_type", measure: { type: "unique_users" } })).toEqual(answer);
  });
});

// After the late events: fresh is returning (first seen on the 9th), after is new (the 11th).
describe("visitor dimensions with session dimensions", () => {
  const entering = (page: string | null) =>
    page === null
      ? ({ field: "entry_page", op: "is_set" } as const)
      : ({ field: "entry_page", op: "equals", value: page } as const);

  it("counts new and returning visitors of the sessions that entered on a page", async () => {
    // after's session entered on "/"; old's (the 11th) and fresh's (the 12th) on "/pricing".
    expect(await metric({ measure: { type: "new_users" }, filters: [entering("/")] })).toBe(1);
    expect(await metric({ measure: { type: "returning_users" }, filters: [entering("/")] })).toBe(0);
    expect(await metric({ measure: { type: "returning_users" }, filters: [entering("/pricing")] })).toBe(2);
    expect(
      await breakdownRows({ dimension: "visitor_type", measure: { type: "count" }, filters: [entering("/pricing")] }),
    ).toEqual([{ value: "returning", measure: 2 }]);
  });

  it("splits sessions by visitor type, with and without a session filter", async () => {
    // Sessions of the range: old's, fresh's two, dev-anon's and after's (a pageview each), dev's
    // signup alone (none); the ping belongs to no one.
    expect(await breakdownRows({ dimension: "visitor_type", measure: { type: "sessions" } })).toEqual([
      { value: "returning", measure: 4 },
      { value: "new", measure: 2 },
    ]);
    expect(
      await breakdownRows({ dimension: "visitor_type", measure: { type: "sessions" }, filters: [entering(null)] }),
    ).toEqual([
      { value: "returning", measure: 4 },
      { value: "new", measure: 1 },
    ]);
    // And the other way round: entry pages of the new visitors' sessions.
    expect(
      await breakdownRows({
        dimension: "entry_page",
        measure: { type: "sessions" },
        filters: [{ field: "visitor_type", op: "equals", value: "new" }],
      }),
    ).toEqual([
      { value: "/", measure: 1 },
      { value: null, measure: 1 },
    ]);
  });
});
