// Rollups give exactly the raw-event answer on the demo data set, and late events reach their hour.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, daysAgoAt, type Tenant } from "../../testing/fixtures";
import { openReaderPool } from "../../testing/reader-pool";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { withSnapshotReaders } from "../db/snapshot-readers";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { CHUNK_SHIFT } from "./actor-bitmaps";
import { type ReaderSupply, runRetention } from "./kinds/retention";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import {
  type Filter,
  type QueryDefinitionInput,
  type QueryRange,
  queryDefinitionSchema,
  type RetentionQuery,
  retentionQuerySchema,
} from "./schemas";

let tenant: Tenant;
const now = new Date();

beforeAll(async () => {
  tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 40 * 86_400_000), now);
  for (const chunk of generateDemoEvents({ seed: `rollups-${tenant.projectId}`, events: 15_000, days: 35, now })) {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, chunk);
  }
  await refreshRollups(getPool(), { wait: true });
  // 15k events folded by every refresh (the session refresh keeps the paths step table too), while
  // other files refresh theirs: on a loaded two-core machine this takes over a minute.
}, 180_000);

afterAll(async () => {
  await closeDatabase();
});

async function both(input: QueryDefinitionInput, timezone: string, range: QueryRange = { relative: "last_30_days" }) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, timezone, now };
  const [raw, rolled] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  return { raw, rolled };
}

const queries: QueryDefinitionInput[] = [
  { kind: "trend", interval: "day" },
  { kind: "trend", interval: "hour", event: "pageview", measure: { type: "unique_users" } },
  { kind: "trend", interval: "week", event: "pageview", breakdown: { dimension: "browser", limit: 3 } },
  { kind: "trend", interval: "day", measure: { type: "unique_users" }, breakdown: { dimension: "referrer", limit: 4 } },
  { kind: "trend", interval: "month", breakdown: { dimension: "event", limit: 2 } },
  { kind: "metric", event: "pageview" },
  { kind: "metric", measure: { type: "unique_users" }, filters: [{ field: "country", op: "in", value: ["US", "DE"] }] },
  { kind: "breakdown", dimension: "path", event: "pageview" },
  { kind: "breakdown", dimension: "utm_source", measure: { type: "unique_users" }, limit: 3 },
  {
    kind: "breakdown",
    dimension: "device",
    filters: [
      { field: "device", op: "not_equals", value: "desktop" },
      { field: "event", op: "equals", value: "pageview" },
    ],
  },
  { kind: "breakdown", dimension: "event", measure: { type: "unique_users" } },
  // Unique users by day, week, month or in total: the daily actor bitmaps where the time zone is the project's.
  { kind: "trend", interval: "day", measure: { type: "unique_users" } },
  { kind: "trend", interval: "week", event: "pageview", measure: { type: "unique_users" } },
  {
    kind: "trend",
    interval: "month",
    measure: { type: "unique_users" },
    filters: [{ field: "event", op: "in", value: ["signup", "purchase"] }],
  },
  { kind: "metric", measure: { type: "unique_users" } },
  {
    kind: "metric",
    event: "signup",
    measure: { type: "unique_users" },
    filters: [{ field: "event", op: "not_equals", value: "pageview" }],
  },
  // Unique users per dimension value: the daily per-value bitmaps where the time zone is the project's.
  { kind: "breakdown", dimension: "country", measure: { type: "unique_users" }, limit: 3 },
  { kind: "breakdown", dimension: "referrer", measure: { type: "unique_users" }, limit: 10 },
  {
    kind: "breakdown",
    dimension: "device",
    measure: { type: "unique_users" },
    filters: [{ field: "device", op: "not_equals", value: "desktop" }],
  },
  {
    kind: "trend",
    interval: "week",
    measure: { type: "unique_users" },
    filters: [{ field: "country", op: "equals", value: "US" }],
  },
  { kind: "trend", interval: "day", measure: { type: "unique_users" }, breakdown: { dimension: "browser", limit: 2 } },
  // Rollups and bitmaps store "no value" as '': filters on it are written on their columns (fields.ts).
  {
    kind: "breakdown",
    dimension: "referrer",
    measure: { type: "unique_users" },
    filters: [{ field: "referrer", op: "in", value: ["", "google.com"] }],
  },
  { kind: "metric", measure: { type: "unique_users" }, filters: [{ field: "utm_source", op: "is_not_set" }] },
  { kind: "trend", interval: "day", filters: [{ field: "referrer", op: "is_set" }] },
  { kind: "breakdown", dimension: "utm_source", filters: [{ field: "utm_source", op: "in", value: [""] }] },
  // Unique users by value from the hourly rollups (an event filter): top values and "other" in one statement.
  {
    kind: "breakdown",
    dimension: "referrer",
    measure: { type: "unique_users" },
    limit: 2,
    filters: [{ field: "event", op: "equals", value: "pageview" }],
  },
  { kind: "breakdown", dimension: "event", measure: { type: "unique_users" }, limit: 2, sort: "asc" },
];

describe.each(["UTC", "Europe/Paris", "America/New_York"])("in %s", (timezone) => {
  it.each(queries.map((q) => [JSON.stringify(q), q]))(
    "rollups answer %s exactly as raw events do",
    async (_, query) => {
      const { raw, rolled } = await both(query, timezone);
      expect(rolled.meta.rollups).toBe(true);
      expect(raw.meta.rollups).toBe(false);
      expect(rolled.data).toEqual(raw.data);
    },
  );
});

it("reads the daily actor bitmaps in the project's time zone, and hourly rollups for partial days at the ends", async () => {
  const state = await getPool().query("SELECT timezone FROM rollup_daily_state WHERE project_id = $1", [
    tenant.projectId,
  ]);
  expect(state.rows).toEqual([{ timezone: "Europe/Paris" }]);
  const days = await getPool().query(
    "SELECT count(DISTINCT day)::int AS n FROM event_actor_bitmaps WHERE project_id = $1 AND name = ''",
    [tenant.projectId],
  );
  expect(days.rows[0].n).toBeGreaterThan(30);
  // Hour-aligned but not at Paris midnights: partial days at both ends.
  const from = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000 - 12 * 86_400_000 + 5 * 3_600_000);
  const range = {
    from: from.toISOString(),
    to: new Date(from.getTime() + 9 * 86_400_000 + 7 * 3_600_000).toISOString(),
  };
  const values = await getPool().query(
    "SELECT count(DISTINCT (dimension, value))::int AS n FROM dimension_actor_bitmaps WHERE project_id = $1 AND timezone = 'Europe/Paris'",
    [tenant.projectId],
  );
  expect(values.rows[0].n).toBeGreaterThan(20);
  for (const query of [
    { kind: "metric", measure: { type: "unique_users" }, compare: false },
    { kind: "trend", interval: "day", event: "pageview", measure: { type: "unique_users" } },
    { kind: "breakdown", dimension: "utm_source", measure: { type: "unique_users" } },
    {
      kind: "trend",
      interval: "day",
      measure: { type: "unique_users" },
      filters: [{ field: "os", op: "in", value: ["iOS", "Android"] }],
    },
  ] as QueryDefinitionInput[]) {
    const { raw, rolled } = await both(query, "Europe/Paris", range);
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
  }
});

it("counts a one-day total straight from that day's bitmaps", async () => {
  for (const event of [undefined, "pageview"]) {
    const { raw, rolled } = await both(
      { kind: "metric", event, measure: { type: "unique_users" }, compare: true },
      "Europe/Paris",
      { relative: "yesterday" },
    );
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
    expect((rolled.data as { value: number }).value).toBeGreaterThan(0);
  }
});

it("answers retention from the daily bitmaps exactly as from raw events, and under drill-down filters from their intersections", async () => {
  // Raw events answer in one pass of per-user period masks up to 63 periods, per (user, period) beyond.
  const retention: [QueryDefinitionInput, QueryRange][] = [
    [
      { kind: "retention", start_event: "pageview", return_event: "pageview", period: "week", periods: 4 },
      { relative: "last_30_days" },
    ],
    [
      { kind: "retention", start_event: "signup", return_event: "purchase", period: "day", periods: 10 },
      { relative: "last_30_days" },
    ],
    [
      { kind: "retention", start_event: "pageview", return_event: "signup", period: "day", periods: 12 },
      { relative: "last_90_days" },
    ],
  ];
  for (const [query, range] of retention) {
    const { raw, rolled } = await both(query, "Europe/Paris", range);
    expect(rolled.meta.rollups).toBe(true);
    expect(raw.meta.rollups).toBe(false);
    expect(rolled.data).toEqual(raw.data);
    expect((rolled.data as { cohorts: { size: number }[] }).cohorts.some((c) => c.size > 0)).toBe(true);
  }
  // An embed locking a country, a viewer picking a device: the filtered intersections' sets.
  const US: Filter = { field: "country", op: "equals", value: "US" };
  const usEvent = { country: "US", deviceType: "desktop", browser: "Firefox", os: "Linux" };
  const filtered: [QueryDefinitionInput, QueryRange, boolean][] = [
    [
      {
        kind: "retention",
        start_event: "pageview",
        return_event: "pageview",
        period: "week",
        periods: 4,
        filters: [US],
      },
      { relative: "last_30_days" },
      true,
    ],
    [
      {
        kind: "retention",
        start_event: "pageview",
        return_event: "signup",
        period: "day",
        periods: 12,
        filters: [US, { field: "device", op: "in", value: ["mobile", "tablet"] }],
      },
      { relative: "last_90_days" },
      true,
    ],
    [
      {
        kind: "retention",
        start_event: "signup",
        return_event: "pageview",
        period: "week",
        periods: 6,
        filters: [{ field: "browser", op: "not_equals", value: "Chrome" }],
      },
      { relative: "last_90_days" },
      true,
    ],
    // A page and an event name vary within a visit: not an intersection of per-value sets.
    [
      {
        kind: "retention",
        start_event: "pageview",
        return_event: "pageview",
        filters: [{ field: "path", op: "equals", value: "/" }],
      },
      { relative: "last_30_days" },
      false,
    ],
    // "Did signup" keeps the actors of the range, which the return periods before it do not share.
    [
      {
        kind: "retention",
        start_event: "pageview",
        return_event: "pageview",
        filters: [{ field: "performed", op: "equals", value: "signup" }],
      },
      { relative: "last_30_days" },
      false,
    ],
  ];
  // A week cut by the range's start: returns count from the week's start, before the range's. This
  // visitor bought on the Tuesday and signed up on the Wednesday the range starts on.
  const back = daysAgoAt(14, 12, now);
  const wednesday = daysAgoAt(14 + ((back.getUTCDay() + 4) % 7), 12, now);
  const dayOf = (at: Date, days = 0) => new Date(at.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({
      name: "purchase",
      userId: "tuesday-buyer",
      timestamp: new Date(wednesday.getTime() - 86_400_000),
      ...usEvent,
    }),
    eventRow({ name: "signup", userId: "tuesday-buyer", timestamp: wednesday, ...usEvent }),
  ]);
  // Folded and numbered: the tests below read every actor's number (the next one reads new actors
  // not numbered yet, on purpose).
  await refreshRollups(getPool(), { wait: true });
  const bought = await both(
    { kind: "retention", start_event: "signup", return_event: "purchase", period: "week", periods: 2, filters: [US] },
    "Europe/Paris",
    { from: dayOf(wednesday), to: dayOf(wednesday, 14) },
  );
  expect(bought.rolled.data).toEqual(bought.raw.data);
  expect(bought.rolled.meta.rollups).toBe(true);
  expect((bought.raw.data as { cohorts: { counts: (number | null)[] }[] }).cohorts[0]!.counts[0]).toBeGreaterThan(0);
  for (const [query, range, derived] of filtered) {
    const { raw, rolled } = await both(query, "Europe/Paris", range);
    expect(rolled.data, JSON.stringify(query)).toEqual(raw.data);
    expect(rolled.meta.rollups, JSON.stringify(query)).toBe(derived);
    const cohorts = (rolled.data as { cohorts: { size: number; counts: (number | null)[] }[] }).cohorts;
    expect(
      cohorts.some((c) => c.size > 0 && c.counts.slice(1).some((n) => (n ?? 0) > 0)),
      JSON.stringify(query),
    ).toBe(true);
  }
  const otherZone = await both({ kind: "retention", start_event: "pageview", return_event: "pageview" }, "UTC");
  expect(otherZone.rolled.meta.rollups).toBe(false);
});

it("gives a visitor not numbered yet one number among retention's starters and returners under a filter", async () => {
  // Held, the refresh cannot number the two visitors below: each side of the filtered retention
  // numbers them in its own part of the statement. One only viewed a page, the other only signed up;
  // numbered apart, both would be the first number after the last, and the viewer would "return".
  const holder = await getPool().connect();
  try {
    await holder.query("SELECT pg_advisory_lock(hashtext('lumen_rollup_refresh'))");
    const at = new Date(now.getTime() - 60_000);
    const us = { country: "US", deviceType: "desktop", browser: "Firefox", os: "Linux" };
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      eventRow({ name: "pageview", anonymousId: "only-viewed", timestamp: at, ...us }),
      eventRow({ name: "signup", userId: "only-signed-up", timestamp: at, ...us }),
    ]);
    const numbered = await getPool().query(
      `SELECT count(*)::int AS n FROM events e JOIN project_actors p ON p.project_id = e.project_id AND p.actor = e.actor
       WHERE e.project_id = $1 AND (e.anonymous_id = 'only-viewed' OR e.user_id = 'only-signed-up')`,
      [tenant.projectId],
    );
    expect(numbered.rows[0].n).toBe(0);
    const { raw, rolled } = await both(
      {
        kind: "retention",
        start_event: "pageview",
        return_event: "signup",
        period: "day",
        periods: 3,
        filters: [{ field: "country", op: "equals", value: "US" }],
      },
      "Europe/Paris",
      { relative: "last_7_days" },
    );
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
  } finally {
    await holder.query("SELECT pg_advisory_unlock(hashtext('lumen_rollup_refresh'))");
    holder.release();
  }
  // Numbered now, as the tests after this one expect every actor to be.
  await refreshRollups(getPool(), { wait: true });
});

it("answers raw retention the same in one pass, bucket by bucket, and with the buckets shared among snapshot readers", async () => {
  // The readers' connections, open before they are counted: a reader slow to connect is left out.
  await openReaderPool();
  const client = await getPool().connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const from = new Date(now.getTime() - 30 * 86_400_000);
    const cases: [RetentionQuery, Filter[]][] = [
      [
        retentionQuerySchema.parse({
          kind: "retention",
          start_event: "pageview",
          return_event: "pageview",
          period: "week",
          periods: 4,
        }),
        [],
      ],
      [
        retentionQuerySchema.parse({
          kind: "retention",
          start_event: "pageview",
          return_event: "signup",
          period: "day",
          periods: 12,
        }),
        [{ field: "country", op: "equals", value: "US" }],
      ],
    ];
    for (const [query, filters] of cases) {
      const scope = {
        organizationId: tenant.organizationId,
        projectId: tenant.projectId,
        from,
        to: now,
        timezone: "Europe/Paris",
        filters,
      };
      let shared = 0;
      const readers: ReaderSupply = (work) =>
        withSnapshotReaders(client, 2, (r) => {
          shared = r.length;
          return work(r);
        });
      // A range this small is one pass over all users, without extra readers.
      const onePass = await runRetention(client, scope, query, now, { kind: "raw", readers });
      expect(shared).toBe(0);
      const oneReader = await runRetention(client, scope, query, now, { kind: "raw", minEventsForBuckets: 0 });
      // Three readers: 64 buckets do not divide evenly (22, 22, 20).
      const spread = await runRetention(client, scope, query, now, { kind: "raw", readers, minEventsForBuckets: 0 });
      expect(shared).toBe(3);
      expect(oneReader).toEqual(onePass);
      expect(spread).toEqual(onePass);
      expect(onePass.cohorts.some((c) => c.size > 0 && c.counts.slice(1).some((n) => (n ?? 0) > 0))).toBe(true);
    }
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
});

it("rebuilds the daily bitmaps in a project's new time zone, keeping every actor's number", async () => {
  const numbersOf = async () =>
    (
      await getPool().query("SELECT actor, number FROM project_actors WHERE project_id = $1 ORDER BY number", [
        tenant.projectId,
      ])
    ).rows;
  const before = await numbersOf();
  await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "America/New_York" } });
  try {
    await refreshRollups(getPool(), { wait: true });
    expect(await numbersOf()).toEqual(before);
    const state = await getPool().query("SELECT timezone FROM rollup_daily_state WHERE project_id = $1", [
      tenant.projectId,
    ]);
    expect(state.rows).toEqual([{ timezone: "America/New_York" }]);
    for (const table of ["event_actor_bitmaps", "dimension_actor_bitmaps"]) {
      const zones = await getPool().query(`SELECT DISTINCT timezone FROM ${table} WHERE project_id = $1`, [
        tenant.projectId,
      ]);
      expect(zones.rows).toEqual([{ timezone: "America/New_York" }]);
    }
    for (const query of queries.filter((q) => "measure" in q && q.measure?.type === "unique_users")) {
      const { raw, rolled } = await both(query, "America/New_York");
      expect(rolled.data).toEqual(raw.data);
    }
  } finally {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Europe/Paris" } });
    await refreshRollups(getPool(), { wait: true });
  }
  // Two full rebuilds of 35 days of bitmaps: 5 s on a quiet machine, past 30 s at load 20. A timeout
  // here would leave the project in New York's zone while the next tests run.
}, 180_000);

it("numbers every actor once, densely, and counts arrivals after the refresh (new actors and known ones) exactly", async () => {
  const numbers = await getPool().query(
    "SELECT count(*)::int AS n, count(DISTINCT number)::int AS distinct_numbers, min(number) AS low, max(number) AS high FROM project_actors WHERE project_id = $1",
    [tenant.projectId],
  );
  const actors = await getPool().query(
    "SELECT count(DISTINCT COALESCE(user_id, anonymous_id))::int AS n FROM events WHERE project_id = $1 AND received_at <= (SELECT watermark FROM rollup_state)",
    [tenant.projectId],
  );
  expect(numbers.rows[0]).toEqual({
    n: actors.rows[0].n,
    distinct_numbers: actors.rows[0].n,
    low: 0,
    high: actors.rows[0].n - 1,
  });

  const known = await getPool().query(
    "SELECT user_id, anonymous_id FROM events WHERE project_id = $1 AND name = 'pageview' LIMIT 1",
    [tenant.projectId],
  );
  const at = new Date(now.getTime() - 60_000);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "pageview", timestamp: at, userId: "bitmap-newcomer-1" }),
    eventRow({ name: "pageview", timestamp: at, userId: "bitmap-newcomer-2" }),
    eventRow({ name: "signup", timestamp: at, userId: "bitmap-newcomer-1" }),
    eventRow({
      name: "pageview",
      timestamp: at,
      userId: known.rows[0].user_id,
      anonymousId: known.rows[0].anonymous_id,
    }),
  ]);
  const arrivals = [
    { kind: "metric", measure: { type: "unique_users" }, compare: true },
    { kind: "trend", interval: "week", event: "pageview", measure: { type: "unique_users" } },
    { kind: "retention", start_event: "pageview", return_event: "signup", period: "day", periods: 3 },
  ] as QueryDefinitionInput[];
  for (const query of arrivals) {
    const { raw, rolled } = await both(query, "Europe/Paris");
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
  }
  // The refresh ORs the arrivals into today's bitmaps: the answers stay the same.
  await refreshRollups(getPool(), { wait: true });
  for (const query of arrivals) {
    const { raw, rolled } = await both(query, "Europe/Paris");
    expect(rolled.data).toEqual(raw.data);
  }
  const newcomers = await getPool().query("SELECT number FROM project_actors WHERE project_id = $1 AND number > $2", [
    tenant.projectId,
    numbers.rows[0].high,
  ]);
  expect(newcomers.rows).toHaveLength(2);
});

it("falls back to raw events where rollups cannot answer", async () => {
  const kolkata = await both({ kind: "metric" }, "Asia/Kolkata");
  expect(kolkata.rolled.meta.rollups).toBe(false);
  // A property filter that events without the property pass: every event is read (property-events.ts).
  const notPro = [{ field: "properties.plan", op: "not_equals", value: "pro" }] as const;
  const property = await both({ kind: "metric", filters: [...notPro] }, "UTC");
  expect(property.rolled.meta.rollups).toBe(false);
  expect(property.rolled.data).toEqual(property.raw.data);
  const sessions = await both({ kind: "metric", measure: { type: "sessions" }, filters: [...notPro] }, "UTC");
  expect(sessions.rolled.meta.rollups).toBe(false);
  expect(sessions.rolled.data).toEqual(sessions.raw.data);
});

it("counts a late event (old timestamp, arriving now) at once, and folds it into its own hour at the next refresh", async () => {
  const at = new Date(now.getTime() - 10 * 86_400_000);
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const range = { from: hour.toISOString(), to: new Date(hour.getTime() + 3_600_000).toISOString() };
  const query = { kind: "metric", event: "late_signal", compare: false } as const;
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "late_signal", timestamp: at, userId: "late-user", path: "/late" }),
  ]);
  const before = await both(query, "UTC", range);
  expect(before.rolled.meta.rollups).toBe(true);
  expect((before.rolled.data as { value: number }).value).toBe(1);
  await refreshRollups(getPool(), { wait: true });
  const folded = await getPool().query(
    "SELECT events FROM event_rollups WHERE project_id = $1 AND name = 'late_signal' AND dimension = '' AND bucket = $2",
    [tenant.projectId, hour],
  );
  expect(folded.rows).toEqual([{ events: "1" }]);
  const { raw, rolled } = await both(query, "UTC", range);
  expect(rolled.meta.rollups).toBe(true);
  expect((rolled.data as { value: number }).value).toBe(1);
  expect(rolled.data).toEqual(raw.data);
});

it("keeps each hour's actors sorted and distinct when a dimension has both no value and an empty one", async () => {
  const at = new Date(now.getTime() - 12 * 86_400_000);
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "blank_referrer", timestamp: at, userId: "blank-b", referrerHost: "" }),
    eventRow({ name: "blank_referrer", timestamp: at, userId: "blank-b", referrerHost: null }),
    eventRow({ name: "blank_referrer", timestamp: at, userId: "blank-a", referrerHost: null }),
  ]);
  await refreshRollups(getPool(), { wait: true });
  const { rows } = await getPool().query<{ events: string; actors: string[] }>(
    "SELECT events, actors::text[] AS actors FROM event_rollups WHERE project_id = $1 AND name = 'blank_referrer' AND dimension = 'referrer' AND bucket = $2",
    [tenant.projectId, hour],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]!.events).toBe("3");
  expect(rows[0]!.actors).toHaveLength(2);
  expect([...rows[0]!.actors].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))).toEqual(rows[0]!.actors);
});

/**
 * Every table the refresh derives, for one project, as sorted JSON lines without its tenant: actor
 * numbers are each refresh's own (a history folded at once numbers its actors in another order than
 * the same history arriving in parts), so bitmaps and numbers are read back as the actors they stand
 * for, and session key ids as their values.
 */
async function derivedTables(projectId: string): Promise<Record<string, string[]>> {
  const tenantless = (alias: string) => `to_jsonb(${alias}) - 'organization_id' - 'project_id'`;
  const bitmapActors = (table: string) => `
    SELECT (k || jsonb_build_object('actors', array_agg(a.actor ORDER BY a.actor)))::text AS line
    FROM (
      SELECT ${tenantless("t")} - 'chunk' - 'bits' AS k, t.project_id, n.number
      FROM ${table} t
      CROSS JOIN LATERAL (
        SELECT (t.chunk << ${CHUNK_SHIFT}) + (sum(length(r.run) + 1) OVER (ORDER BY r.ord) - 1)::int AS number, r.ord, count(*) OVER () AS runs
        FROM unnest(string_to_array(t.bits::text, '1')) WITH ORDINALITY r(run, ord)
      ) n
      WHERE t.project_id = $1 AND n.ord < n.runs
    ) b
    JOIN project_actors a ON a.project_id = b.project_id AND a.number = b.number
    GROUP BY k`;
  const plain = (table: string) => `SELECT (${tenantless("t")})::text AS line FROM ${table} t WHERE t.project_id = $1`;
  const statements: Record<string, string> = {
    event_rollups: plain("event_rollups"),
    event_counts_daily: plain("event_counts_daily"),
    actor_first_seen: plain("actor_first_seen"),
    session_paths: plain("session_paths"),
    session_path_events: plain("session_path_events"),
    session_spans: plain("session_spans"),
    project_actors: "SELECT actor::text AS line FROM project_actors WHERE project_id = $1",
    event_actor_bitmaps: bitmapActors("event_actor_bitmaps"),
    dimension_actor_bitmaps: bitmapActors("dimension_actor_bitmaps"),
    mixed_actor_bitmaps: bitmapActors("mixed_actor_bitmaps"),
    pair_actor_bitmaps: bitmapActors("pair_actor_bitmaps"),
    pair_complete_bitmaps: bitmapActors("pair_complete_bitmaps"),
    actor_count_slices: bitmapActors("actor_count_slices"),
    mixed_actor_days: `
      SELECT (${tenantless("t")} - 'number' || jsonb_build_object('actor', a.actor))::text AS line
      FROM mixed_actor_days t JOIN project_actors a ON a.project_id = t.project_id AND a.number = t.number
      WHERE t.project_id = $1`,
    session_key_values: `SELECT (${tenantless("t")} - 'id')::text AS line FROM session_key_values t WHERE t.project_id = $1`,
    session_counts: `
      SELECT (${tenantless("t")} - 'key_id' || jsonb_build_object('key', COALESCE(v.dimension || ':' || v.value, t.key_id::text)))::text AS line
      FROM session_counts t LEFT JOIN session_key_values v ON v.project_id = t.project_id AND v.id = t.key_id
      WHERE t.project_id = $1`,
    session_fragments: `
      SELECT (${tenantless("t")} - 'keys' || jsonb_build_object('keys', (
        SELECT jsonb_agg(jsonb_build_array(v.dimension, v.value, t.keys[i][2], t.keys[i][3], t.keys[i][4], t.keys[i][5]) ORDER BY v.dimension, v.value)
        FROM generate_subscripts(t.keys, 1) i JOIN session_key_values v ON v.project_id = t.project_id AND v.id = t.keys[i][1]
      )))::text AS line
      FROM session_fragments t WHERE t.project_id = $1`,
  };
  const tables: Record<string, string[]> = {};
  for (const [table, statement] of Object.entries(statements)) {
    const { rows } = await getPool().query<{ line: string }>(statement, [projectId]);
    tables[table] = rows.map((r) => r.line).sort();
  }
  return tables;
}

it("derives the same tables from a backfill of a project's history as from refreshes while it arrived", async () => {
  const backfilled = await createTenant();
  const incremental = await createTenant();
  // Demo events go visitor by visitor across the days: the later part brings late events to days
  // the earlier refresh already folded, new actors and known ones, and sessions already begun.
  const parts = [...generateDemoEvents({ seed: `backfill-${backfilled.projectId}`, events: 1_000, days: 4, now }, 500)];
  // A visitor on a phone in the US from a referrer, then on a tablet in Canada the same day: mixed
  // in two profile dimensions, and a page seen with and without a referrer (the pair bitmaps). Ten
  // minutes apart at 10:00 UTC, they stay in one Paris day (from 23:50 Paris, now - 2 days did not).
  const day = daysAgoAt(2, 10, now);
  const mixedVisit = { name: "pageview", anonymousId: "backfill-mixed", path: "/pricing" };
  parts[0]!.push(
    eventRow({ ...mixedVisit, timestamp: day, deviceType: "mobile", country: "US", referrerHost: "google.com" }),
  );
  parts
    .at(-1)!
    .push(
      eventRow({ ...mixedVisit, timestamp: new Date(day.getTime() + 600_000), deviceType: "tablet", country: "CA" }),
    );
  // Another, mixed from the first part on (a phone, then a desktop), on a new page from a referrer
  // in the last: an actor already mixed gains the later arrivals' combinations.
  const earlyMixed = { name: "pageview", anonymousId: "backfill-mixed-early", country: "US" };
  const minutesOn = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
  parts[0]!.push(
    eventRow({ ...earlyMixed, timestamp: minutesOn(1), path: "/", deviceType: "mobile" }),
    eventRow({ ...earlyMixed, timestamp: minutesOn(2), path: "/", deviceType: "desktop" }),
  );
  parts
    .at(-1)!
    .push(
      eventRow({ ...earlyMixed, timestamp: minutesOn(15), path: "/docs", deviceType: "desktop", referrerHost: "t.co" }),
    );
  for (const part of parts) await writeEvents(getPool(), backfilled.organizationId, backfilled.projectId, part);
  for (const part of parts) {
    await writeEvents(getPool(), incremental.organizationId, incremental.projectId, part);
    await refreshRollups(getPool(), { wait: true });
  }
  const incrementalTables = await derivedTables(incremental.projectId);
  const backfilledTables = await derivedTables(backfilled.projectId);
  for (const table of Object.keys(backfilledTables)) {
    expect(backfilledTables[table]!.length, table).toBeGreaterThan(0);
    expect(incrementalTables[table], table).toEqual(backfilledTables[table]);
  }
  // Each refresh also folds whatever the other test files wrote meanwhile: three took over 3 minutes at load 20.
}, 300_000);
