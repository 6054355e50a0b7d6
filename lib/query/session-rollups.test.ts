// Session measures from the session rollups equal the raw answer: sessions within one hour, sessions
// spanning hours cut by the range, events without a session id, and arrivals after the watermark.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type Filter, type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const HOUR = 3_600_000;
const DAY = 86_400_000;
let tenant: Tenant;
const now = new Date();
/** An hour boundary 20 days back, in the middle of the spanning session written below. */
const spanHour = new Date(Math.floor((now.getTime() - 20 * DAY) / HOUR) * HOUR);

beforeAll(async () => {
  tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 40 * DAY), now);
  for (const chunk of generateDemoEvents({ seed: `sessions-${tenant.projectId}`, events: 6_000, days: 35, now })) {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, chunk);
  }
  const at = (ms: number) => new Date(spanHour.getTime() + ms);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    // One session across an hour boundary: a pageview before it, a pageview and a click after.
    eventRow({ name: "pageview", timestamp: at(-10 * 60_000), sessionId: "span-1", anonymousId: "span-visitor" }),
    eventRow({ name: "pageview", timestamp: at(5 * 60_000), sessionId: "span-1", anonymousId: "span-visitor" }),
    eventRow({ name: "cta_click", timestamp: at(7 * 60_000), sessionId: "span-1", anonymousId: "span-visitor" }),
    // Events without a session id (a server-side sender): sessionised by a 30-minute gap.
    eventRow({ name: "pageview", timestamp: at(-3 * HOUR), userId: "server-user" }),
    eventRow({ name: "purchase", timestamp: at(-3 * HOUR + 20 * 60_000), userId: "server-user" }),
    eventRow({ name: "pageview", timestamp: at(-1 * HOUR), userId: "server-user" }),
    eventRow({ name: "pageview", timestamp: at(2 * HOUR), userId: "server-user-2" }),
  ]);
  await refreshRollups(getPool(), { wait: true });
});

afterAll(async () => {
  await closeDatabase();
});

async function both(input: QueryDefinitionInput, timezone: string, range: QueryRange = { relative: "last_30_days" }) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, timezone, now };
  const [raw, rolled] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  return { raw, rolled };
}

const sessionQueries: QueryDefinitionInput[] = [
  { kind: "metric", measure: { type: "sessions" } },
  { kind: "metric", measure: { type: "bounce_rate" } },
  { kind: "metric", measure: { type: "avg_session_duration" } },
  { kind: "trend", interval: "day", measure: { type: "sessions" } },
  { kind: "trend", interval: "week", measure: { type: "bounce_rate" } },
  { kind: "trend", interval: "hour", measure: { type: "avg_session_duration" } },
  { kind: "metric", measure: { type: "pages_per_session" } },
  { kind: "trend", interval: "day", measure: { type: "pages_per_session" } },
  { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" } },
  { kind: "breakdown", dimension: "exit_page", measure: { type: "sessions" }, limit: 3 },
  { kind: "breakdown", dimension: "entry_page", measure: { type: "bounce_rate" } },
  { kind: "breakdown", dimension: "exit_page", measure: { type: "avg_session_duration" } },
  { kind: "breakdown", dimension: "entry_page", measure: { type: "pages_per_session" }, sort: "asc" },
  {
    kind: "trend",
    interval: "day",
    measure: { type: "sessions" },
    breakdown: { dimension: "entry_page", limit: 3 },
    compare: true,
  },
  { kind: "trend", interval: "week", measure: { type: "pages_per_session" }, breakdown: { dimension: "exit_page" } },
];

/** Entry and exit pages by the session rollups, as the raw definition has them. */
const pageQueries = (filters: Filter[] = []): QueryDefinitionInput[] => [
  { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" }, filters },
  { kind: "breakdown", dimension: "exit_page", measure: { type: "pages_per_session" }, filters },
  { kind: "trend", interval: "hour", measure: { type: "sessions" }, breakdown: { dimension: "exit_page" }, filters },
  {
    kind: "metric",
    measure: { type: "bounce_rate" },
    filters: [...filters, { field: "entry_page", op: "equals", value: "/" }],
  },
  {
    kind: "trend",
    interval: "day",
    measure: { type: "pages_per_session" },
    filters: [...filters, { field: "exit_page", op: "not_in", value: ["/", "/docs"] }],
  },
  {
    kind: "breakdown",
    dimension: "entry_page",
    measure: { type: "avg_session_duration" },
    filters: [...filters, { field: "entry_page", op: "is_set" }],
  },
];

describe.each(["UTC", "Europe/Paris", "America/New_York"])("in %s", (timezone) => {
  it.each(sessionQueries.map((q) => [JSON.stringify(q), q]))(
    "session rollups answer %s exactly as raw events do",
    async (_, query) => {
      const { raw, rolled } = await both(query, timezone);
      expect(rolled.meta.rollups).toBe(true);
      expect(raw.meta.rollups).toBe(false);
      expect(rolled.data).toEqual(raw.data);
    },
  );
});

it("cuts a session spanning hours where the range starts or ends, as raw events do", async () => {
  const ranges = [
    { from: new Date(spanHour.getTime() - 4 * HOUR).toISOString(), to: spanHour.toISOString() },
    { from: spanHour.toISOString(), to: new Date(spanHour.getTime() + 4 * HOUR).toISOString() },
    {
      from: new Date(spanHour.getTime() - 4 * HOUR).toISOString(),
      to: new Date(spanHour.getTime() + 4 * HOUR).toISOString(),
    },
  ];
  const spanning = await getPool().query(
    "SELECT hour, spans FROM session_fragments WHERE project_id = $1 AND session_id = 'span-1' ORDER BY hour",
    [tenant.projectId],
  );
  expect(spanning.rows).toEqual([
    { hour: new Date(spanHour.getTime() - HOUR), spans: true },
    { hour: spanHour, spans: true },
  ]);
  for (const range of ranges) {
    for (const measure of ["sessions", "bounce_rate", "avg_session_duration", "pages_per_session"] as const) {
      const { raw, rolled } = await both({ kind: "metric", measure: { type: measure } }, "UTC", range);
      expect(rolled.meta.rollups).toBe(true);
      expect(rolled.data).toEqual(raw.data);
    }
    // Cut at the range, the spanning session enters on its first pageview in the range.
    for (const query of pageQueries()) {
      const { raw, rolled } = await both(query, "UTC", range);
      expect(rolled.meta.rollups).toBe(true);
      expect(rolled.data, JSON.stringify([query, range])).toEqual(raw.data);
    }
  }
});

it("counts events that arrived after the refresh at once, whether they extend a session, start one or carry no session id", async () => {
  const single = await getPool().query<{ session_id: string; hour: Date; last_at: Date }>(
    "SELECT session_id, hour, last_at FROM session_fragments WHERE project_id = $1 AND NOT spans AND hour > $2 ORDER BY hour LIMIT 1",
    [tenant.projectId, new Date(now.getTime() - 10 * DAY)],
  );
  const { session_id: sessionId, hour, last_at: lastAt } = single.rows[0]!;
  // Into the next hour, within 30 minutes of its last event: the session now spans two hours.
  const later = new Date(Math.max(hour.getTime() + HOUR + 60_000, lastAt.getTime() + 1000));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ name: "cta_click", timestamp: later, sessionId }),
    eventRow({
      name: "pageview",
      timestamp: new Date(now.getTime() - 2 * DAY),
      sessionId: "late-new-session",
      anonymousId: "late-visitor",
    }),
    eventRow({ name: "pageview", timestamp: new Date(now.getTime() - 3 * DAY), userId: "late-server-user" }),
  ]);
  const queries: QueryDefinitionInput[] = [
    { kind: "metric", measure: { type: "sessions" } },
    { kind: "metric", measure: { type: "bounce_rate" } },
    { kind: "trend", interval: "day", measure: { type: "avg_session_duration" } },
    { kind: "metric", measure: { type: "pages_per_session" } },
    ...pageQueries(),
  ];
  for (const query of queries) {
    const { raw, rolled } = await both(query, "Europe/Paris");
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
  }
  await refreshRollups(getPool(), { wait: true });
  const fragments = await getPool().query(
    "SELECT spans FROM session_fragments WHERE project_id = $1 AND session_id = $2",
    [tenant.projectId, sessionId],
  );
  expect(fragments.rows).toEqual([{ spans: true }, { spans: true }]);
  for (const query of queries) {
    const { raw, rolled } = await both(query, "Europe/Paris");
    expect(rolled.data).toEqual(raw.data);
  }
});

it("leaves session queries it cannot select to raw events", async () => {
  const cases: QueryDefinitionInput[] = [
    { kind: "metric", event: "pageview", measure: { type: "bounce_rate" } },
    // Two values' events together, three profile dimensions, two with a key, two key dimensions, a property.
    { kind: "metric", measure: { type: "sessions" }, filters: [{ field: "path", op: "in", value: ["/", "/docs"] }] },
    {
      kind: "metric",
      measure: { type: "sessions" },
      filters: [
        { field: "country", op: "equals", value: "US" },
        { field: "device", op: "equals", value: "mobile" },
        { field: "os", op: "is_set" },
      ],
    },
    {
      kind: "metric",
      measure: { type: "sessions" },
      filters: [
        { field: "path", op: "equals", value: "/" },
        { field: "country", op: "equals", value: "US" },
        { field: "device", op: "equals", value: "mobile" },
      ],
    },
    {
      kind: "metric",
      measure: { type: "sessions" },
      filters: [
        { field: "path", op: "equals", value: "/" },
        { field: "referrer", op: "equals", value: "google.com" },
      ],
    },
    { kind: "metric", measure: { type: "sessions" }, filters: [{ field: "path", op: "equals", value: "" }] },
    {
      kind: "metric",
      measure: { type: "sessions" },
      // A property filter that events without the property pass: every event is read (property-events.ts).
      filters: [{ field: "properties.plan", op: "not_equals", value: "pro" }],
    },
  ];
  for (const query of cases) {
    const { raw, rolled } = await both(query, "UTC");
    expect(rolled.meta.rollups).toBe(false);
    expect(rolled.data).toEqual(raw.data);
  }
  const breakdown = await both({ kind: "breakdown", measure: { type: "sessions" }, dimension: "path" }, "UTC");
  expect(breakdown.rolled.meta.rollups).toBe(false);
  // Entry pages under a page filter (a part is not a whole session), entry and exit pages at once,
  // time on page and event measures by entry page or filtered on it read raw events.
  const sessionCases: QueryDefinitionInput[] = [
    ...pageQueries([{ field: "path", op: "equals", value: "/" }]),
    {
      kind: "breakdown",
      dimension: "exit_page",
      measure: { type: "sessions" },
      filters: [{ field: "entry_page", op: "equals", value: "/" }],
    },
    { kind: "metric", filters: [{ field: "entry_page", op: "equals", value: "/" }] },
    // Pairs of profile values count whole sessions, not their entry and exit pages.
    ...pageQueries([
      { field: "country", op: "equals", value: "US" },
      { field: "device", op: "equals", value: "mobile" },
    ]).slice(0, 4),
    { kind: "metric", measure: { type: "time_on_page" } },
    { kind: "breakdown", dimension: "exit_page", measure: { type: "unique_users" } },
  ];
  for (const query of sessionCases) {
    const { raw, rolled } = await both(query, "UTC");
    expect(rolled.meta.rollups, JSON.stringify(query)).toBe(false);
    expect(rolled.data).toEqual(raw.data);
  }
});

describe("filtered on a key value or a profile dimension", () => {
  /** An hour boundary 15 days back: sessions written across it, and ranges that cut them there. */
  const edge = new Date(Math.floor((now.getTime() - 15 * DAY) / HOUR) * HOUR);
  const at = (minutes: number) => new Date(edge.getTime() + minutes * 60_000);
  const visitor = { anonymousId: "filtered-visitor", country: "US", browser: "Safari", os: "iOS" };

  beforeAll(async () => {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      // /pricing seen before and after the boundary (its part spans the hours), / only after it.
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-10),
        sessionId: "keys-1",
        path: "/pricing",
        referrerHost: "google.com",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(5),
        sessionId: "keys-1",
        path: "/",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(20),
        sessionId: "keys-1",
        path: "/pricing",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "cta_click",
        timestamp: at(25),
        sessionId: "keys-1",
        path: "/",
        deviceType: "mobile",
      }),
      // A session on a phone, then a tablet, within one hour: mixed in device.
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-50),
        sessionId: "mixed-1",
        path: "/pricing",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-40),
        sessionId: "mixed-1",
        path: "/pricing",
        deviceType: "tablet",
      }),
      eventRow({
        ...visitor,
        name: "signup",
        timestamp: at(-35),
        sessionId: "mixed-1",
        path: "/signup",
        deviceType: "tablet",
      }),
      // Across the boundary and two countries.
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-5),
        sessionId: "mixed-2",
        path: "/docs",
        country: "US",
        deviceType: "desktop",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(15),
        sessionId: "mixed-2",
        path: "/docs",
        country: "FR",
        deviceType: "desktop",
      }),
    ]);
    await refreshRollups(getPool(), { wait: true });
  });

  const filters: Filter[][] = [
    [{ field: "path", op: "equals", value: "/pricing" }],
    [{ field: "referrer", op: "equals", value: "google.com" }],
    [{ field: "referrer", op: "is_not_set" }],
    [{ field: "utm_source", op: "equals", value: "newsletter" }],
    [{ field: "device", op: "equals", value: "mobile" }],
    [{ field: "device", op: "equals", value: "tablet" }],
    [{ field: "country", op: "in", value: ["US", "FR"] }],
    [{ field: "country", op: "equals", value: "FR" }],
    [{ field: "browser", op: "not_equals", value: "Chrome" }],
    [{ field: "os", op: "contains", value: "OS" }],
    [
      { field: "path", op: "equals", value: "/pricing" },
      { field: "device", op: "equals", value: "mobile" },
    ],
    [
      { field: "referrer", op: "equals", value: "google.com" },
      { field: "country", op: "equals", value: "US" },
    ],
    [
      { field: "path", op: "equals", value: "/docs" },
      { field: "country", op: "not_in", value: ["DE"] },
      { field: "country", op: "is_set" },
    ],
    // Two profile dimensions (an embed's locked country and its viewer's device): whole sessions by pair.
    [
      { field: "country", op: "equals", value: "US" },
      { field: "device", op: "equals", value: "mobile" },
    ],
    [
      { field: "device", op: "equals", value: "desktop" },
      { field: "country", op: "equals", value: "FR" },
    ],
    [
      { field: "device", op: "in", value: ["mobile", "tablet"] },
      { field: "os", op: "not_equals", value: "Android" },
    ],
    [
      { field: "browser", op: "equals", value: "Safari" },
      { field: "os", op: "is_set" },
    ],
  ];
  const ranges: QueryRange[] = [
    { relative: "last_30_days" },
    { from: new Date(edge.getTime() - 4 * HOUR).toISOString(), to: edge.toISOString() },
    { from: edge.toISOString(), to: new Date(edge.getTime() + 4 * HOUR).toISOString() },
    { from: new Date(edge.getTime() - 2 * DAY).toISOString(), to: new Date(edge.getTime() + 2 * DAY).toISOString() },
  ];

  async function expectExact(queries: QueryDefinitionInput[], rangesToRun: QueryRange[], timezone = "UTC") {
    for (const query of queries) {
      for (const range of rangesToRun) {
        const { raw, rolled } = await both(query, timezone, range);
        expect(rolled.meta.rollups, JSON.stringify([query, range])).toBe(true);
        expect(rolled.data, JSON.stringify([query, range])).toEqual(raw.data);
      }
    }
  }

  const measuresOf = (f: Filter[]): QueryDefinitionInput[] => [
    { kind: "metric", measure: { type: "sessions" }, filters: f },
    { kind: "metric", measure: { type: "bounce_rate" }, filters: f },
    { kind: "metric", measure: { type: "avg_session_duration" }, filters: f },
    { kind: "trend", interval: "day", measure: { type: "sessions" }, filters: f },
    { kind: "trend", interval: "hour", measure: { type: "avg_session_duration" }, filters: f },
    { kind: "metric", measure: { type: "pages_per_session" }, filters: f },
    // Entry and exit pages under a profile filter (a key filter's part is not a whole session, and
    // pairs of profile values count whole sessions only: raw).
    ...(f.some((filter) => ["path", "referrer", "utm_source"].includes(filter.field)) ||
    new Set(f.map((filter) => filter.field)).size > 1
      ? []
      : pageQueries(f)),
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f] as const))(
    "answers %s exactly as raw events do, cutting sessions where the range does",
    async (_, f) => {
      await expectExact(measuresOf(f), ranges);
    },
  );

  it("answers in other time zones", async () => {
    for (const timezone of ["Europe/Paris", "America/New_York"]) {
      await expectExact(
        [
          { kind: "trend", interval: "week", measure: { type: "bounce_rate" }, filters: filters[0] },
          { kind: "metric", measure: { type: "sessions" }, filters: filters[10] },
        ],
        [{ relative: "last_30_days" }],
        timezone,
      );
    }
  });

  it("counts events that arrived after the refresh at once: a part extended past an hour, a session turned mixed, a new one", async () => {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(70),
        sessionId: "keys-1",
        path: "/pricing",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(30),
        sessionId: "keys-1",
        path: "/docs",
        deviceType: "tablet",
      }),
      // Earlier than its first pageview: keys-1 now enters on /landing.
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-15),
        sessionId: "keys-1",
        path: "/landing",
        deviceType: "mobile",
      }),
      eventRow({
        ...visitor,
        name: "pageview",
        timestamp: at(-20),
        sessionId: "arrived-1",
        path: "/pricing",
        referrerHost: "google.com",
        deviceType: "mobile",
      }),
    ]);
    const queries = [
      ...filters.flatMap((f) => [measuresOf(f)[0]!, measuresOf(f)[2]!, measuresOf(f)[5]!]),
      ...pageQueries(),
      ...pageQueries(filters[5]),
    ];
    await expectExact(queries, ranges);
    await refreshRollups(getPool(), { wait: true });
    await expectExact(queries, ranges);
    const mixed = await getPool().query(
      "SELECT DISTINCT mixed FROM session_fragments WHERE project_id = $1 AND session_id = 'keys-1'",
      [tenant.projectId],
    );
    expect(mixed.rows).toEqual([{ mixed: 2 }]);
  }, 120_000);

  it("counts pairs of profile values in the migration as the refresh does", async () => {
    // The migration that added the pairs filled them from the fragments: run again on this project's
    // fragments in one snapshot, into a temporary table that hides session_counts, it must find the
    // pair rows the refreshes above wrote, no more and no fewer.
    const migration = readFileSync(
      new URL("../../prisma/migrations/20261214000000_session_profile_pairs/migration.sql", import.meta.url),
      "utf8",
    );
    const pairRows = `SELECT profile_dimension, profile_value, first_hour, last_hour, sessions::int, pageview_sessions::int,
                             bounces::int, duration_us::text, pageviews::int
                      FROM session_counts WHERE project_id = $1 AND profile_dimension LIKE '%+%'
                      ORDER BY 1, 2, 3, 4`;
    const client = await getPool().connect();
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const refreshed = await client.query(pairRows, [tenant.projectId]);
      await client.query("CREATE TEMP TABLE session_counts (LIKE public.session_counts) ON COMMIT DROP");
      await client.query(migration);
      const migrated = await client.query(pairRows, [tenant.projectId]);
      expect(refreshed.rows.length).toBeGreaterThan(0);
      expect(migrated.rows).toEqual(refreshed.rows);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });
});
