// Every panel of the overview (lib/query/overview.ts), unfiltered and with the drill-down filters an
// analyst clicks, answers from derived sources exactly what raw events answer: on the demo data set,
// plus events that arrive after the refresh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGoalsWithIds, insertGoals } from "../../testing/demo-goals";
import { createTenant, daysAgoAt, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { type OverviewGoal, overviewRequests, overviewTabRequests } from "./overview";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type Filter, type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

const DAY = 86_400_000;
let tenant: Tenant;
const now = new Date();

/** The Goals panel's rows, one goal of each kind. */
const GOALS = demoGoalsWithIds();
const goals: OverviewGoal[] = GOALS.map(({ id, name }) => ({ id, name }));

beforeAll(async () => {
  tenant = await createTenant();
  await insertGoals(tenant, GOALS);
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 40 * DAY), now);
  for (const chunk of generateDemoEvents({ seed: `filtered-${tenant.projectId}`, events: 12_000, days: 35, now })) {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, chunk);
  }
  // Actors that change device or country within a day ("mixed" that day), one of them across days.
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, mixedDay(daysAgoAt(10, 10, now)));
  await refreshRollups(getPool(), { wait: true });
}, 180_000);

const web = { browser: "Chrome", os: "Android" };
/** Events of three actors around `day`: on a phone then a desktop, in the US then in France, and pure one day, mixed the next. */
function mixedDay(day: Date) {
  const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
  return [
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(0),
      anonymousId: "mixed-a",
      path: "/pricing",
      deviceType: "mobile",
      country: "US",
      referrerHost: "google.com",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(90),
      anonymousId: "mixed-a",
      path: "/",
      deviceType: "desktop",
      country: "US",
    }),
    eventRow({
      ...web,
      name: "signup",
      timestamp: at(95),
      anonymousId: "mixed-a",
      path: "/signup",
      deviceType: "desktop",
      country: "US",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(10),
      anonymousId: "mixed-b",
      path: "/docs",
      deviceType: "mobile",
      country: "FR",
      referrerHost: "google.com",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(20),
      anonymousId: "mixed-b",
      path: "/pricing",
      deviceType: "mobile",
      country: "US",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(-DAY / 60_000 + 30),
      anonymousId: "mixed-c",
      path: "/pricing",
      deviceType: "tablet",
      country: "DE",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(30),
      anonymousId: "mixed-c",
      path: "/pricing",
      deviceType: "tablet",
      country: "DE",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(40),
      anonymousId: "mixed-c",
      path: "/",
      deviceType: "tablet",
      country: "US",
      utmSource: "newsletter",
    }),
    // No country (stored as '' in the derived tables), from a referrer, in one session, and once from the US.
    ...[0, 5].map((minutes) =>
      eventRow({
        ...web,
        name: "pageview",
        timestamp: at(50 + minutes),
        anonymousId: "nowhere",
        sessionId: "nowhere-1",
        path: minutes ? "/docs" : "/pricing",
        deviceType: "mobile",
        referrerHost: "t.co",
      }),
    ),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(70),
      anonymousId: "nowhere",
      path: "/",
      deviceType: "mobile",
      country: "US",
    }),
  ];
}

afterAll(async () => {
  await closeDatabase();
});

async function both(
  input: QueryDefinitionInput,
  range: QueryRange = { relative: "last_30_days" },
  timezone = "Europe/Paris",
) {
  const query = queryDefinitionSchema.parse(input);
  const base = { organizationId: tenant.organizationId, projectId: tenant.projectId, query, range, timezone, now };
  const [raw, rolled] = await Promise.all([runQuery({ ...base, useRollups: false }), runQuery(base)]);
  return { raw, rolled };
}

/** The views timed by bench/query.ts (overview), and more an analyst reaches by clicking rows. */
const VIEWS: Record<string, Filter[]> = {
  "no filter": [],
  page: [{ field: "path", op: "equals", value: "/pricing" }],
  referrer: [{ field: "referrer", op: "equals", value: "google.com" }],
  "no referrer": [{ field: "referrer", op: "is_not_set" }],
  country: [{ field: "country", op: "equals", value: "US" }],
  device: [{ field: "device", op: "equals", value: "mobile" }],
  "page + device": [
    { field: "path", op: "equals", value: "/pricing" },
    { field: "device", op: "equals", value: "mobile" },
  ],
  "country + browser": [
    { field: "country", op: "equals", value: "DE" },
    { field: "browser", op: "equals", value: "Chrome" },
  ],
  event: [{ field: "event", op: "equals", value: "signup" }],
  // Derived tables store "no value" as '': the filters on it are written on their columns (fields.ts).
  "no country": [{ field: "country", op: "is_not_set" }],
  "US or no country": [{ field: "country", op: "in", value: ["US", ""] }],
  "US or no country, from a referrer": [
    { field: "country", op: "in", value: ["US", ""] },
    { field: "referrer", op: "is_set" },
  ],
  property: [{ field: "properties.plan", op: "equals", value: "pro" }],
  "two plans, on mobile": [
    { field: "properties.plan", op: "in", value: ["pro", "team"] },
    { field: "device", op: "equals", value: "mobile" },
  ],
  "an amount": [{ field: "properties.amount", op: "gte", value: 50 }],
  "a plan containing a letter": [{ field: "properties.plan", op: "contains", value: "R" }],
  "no plan": [{ field: "properties.plan", op: "is_not_set" }],
  "visitors who did signup, on plan pro": [
    { field: "performed", op: "equals", value: "signup" },
    { field: "properties.plan", op: "equals", value: "pro" },
  ],
  // Clicking a custom event (selectPanelRow): the visitors who did it, alone and with drill-downs.
  "visitors who did signup": [{ field: "performed", op: "equals", value: "signup" }],
  "visitors who did signup or purchase, on mobile": [
    { field: "device", op: "equals", value: "mobile" },
    { field: "performed", op: "in", value: ["signup", "purchase"] },
  ],
  "visitors who did signup, on a page": [
    { field: "path", op: "equals", value: "/pricing" },
    { field: "performed", op: "equals", value: "signup" },
  ],
  // New vs returning's rows as drill-downs (the range's new visitors as a set: first-seen-bitmaps.ts).
  "new visitors": [{ field: "visitor_type", op: "equals", value: "new" }],
  "returning visitors on mobile": [
    { field: "visitor_type", op: "not_equals", value: "new" },
    { field: "device", op: "equals", value: "mobile" },
  ],
  "new visitors of a page who did signup": [
    { field: "visitor_type", op: "in", value: ["new"] },
    { field: "path", op: "equals", value: "/pricing" },
    { field: "performed", op: "equals", value: "signup" },
  ],
};

/** Panels each view answers from derived sources (the rest read raw events, still exactly). */
const COUNT_PANELS = ["Any data", "Pageviews", "Top pages", "Custom events"];
const VISITOR_BREAKDOWNS = ["Referrers", "UTM sources", "Countries", "Browsers", "Operating systems", "Devices"];
const CONVERTED_VISITORS = ["Visitors", "Visitors over time", "Conversion rate", ...VISITOR_BREAKDOWNS];
const GOAL_ROWS = GOALS.map((goal) => `Goals: ${goal.name}`);
/** Views with the Goals rows: one of each kind of source they take (the suite runs twice in CI). */
const GOAL_VIEWS = [
  "no filter",
  "page",
  "country",
  "page + device",
  "property",
  "visitors who did signup",
  "new visitors",
  "returning visitors on mobile",
  "new visitors of a page who did signup",
];
const TYPED_VISITORS = ["Visitors", "Visitors over time", "New vs returning", ...VISITOR_BREAKDOWNS, ...GOAL_ROWS];
const DERIVED: Record<string, string[]> = {
  "no filter": ["*"],
  page: ["*"],
  referrer: ["*"],
  "no referrer": ["*"],
  country: ["*"],
  device: ["*"],
  "page + device": ["*"],
  // Two profile dimensions: whole sessions by pair of values (session-selectors.ts).
  "country + browser": ["*"],
  event: [...COUNT_PANELS, "Visitors", "Visitors over time", ...VISITOR_BREAKDOWNS],
  "no country": ["*"],
  "US or no country": ["*"],
  // "is set" on a key selects no session part: sessions read raw events.
  "US or no country, from a referrer": [...COUNT_PANELS, "Visitors", "Visitors over time", ...VISITOR_BREAKDOWNS],
  // Raw events still, only those property_events names for the property (property-events.ts).
  property: ["*"],
  "two plans, on mobile": ["*"],
  "an amount": ["*"],
  "a plan containing a letter": ["*"],
  "visitors who did signup, on plan pro": ["*"],
  // Events without the property pass: every event is read.
  "no plan": ["Any data"],
  // Conversion filters: unique users and the conversion rate from the actor bitmaps; counts and sessions raw.
  "visitors who did signup": ["Any data", ...CONVERTED_VISITORS],
  "visitors who did signup or purchase, on mobile": ["Any data", ...CONVERTED_VISITORS],
  "visitors who did signup, on a page": ["Any data", ...CONVERTED_VISITORS],
  // Visitor type filters: unique users and goals from the actor bitmaps ANDed with the range's new
  // visitors (or their complement); counts and sessions raw.
  "new visitors": ["Any data", ...TYPED_VISITORS],
  "returning visitors on mobile": ["Any data", ...TYPED_VISITORS],
  // Two conversion filters (a goal's and "performed"): goals read raw.
  "new visitors of a page who did signup": ["Any data", ...CONVERTED_VISITORS],
};

describe.each(Object.entries(VIEWS))("the overview filtered by %s", (view, filters) => {
  const requests = overviewRequests(
    { range: { relative: "last_30_days" }, filters },
    undefined,
    GOAL_VIEWS.includes(view) ? goals : [],
  );
  it.each(requests.map((r) => [r.title, r] as const))("answers %s exactly as raw events do", async (title, r) => {
    const { raw, rolled } = await both(r.query, r.range);
    expect(rolled.data).toEqual(raw.data);
    const derived = DERIVED[view]!;
    if (derived.includes("*") || derived.includes(title)) expect(rolled.meta.rollups).toBe(true);
  });
});

/**
 * Views whose Entry and Exit pages tabs derived sources answer: the session rollups with no filter on
 * a key (a page, a referrer...) and one profile dimension; property_events under a property filter
 * that only its property's events pass.
 */
const TABS_DERIVED = [
  "no filter",
  "country",
  "device",
  "no country",
  "US or no country",
  "property",
  "two plans, on mobile",
  "an amount",
  "a plan containing a letter",
  "visitors who did signup, on plan pro",
];

describe.each(Object.entries(VIEWS))("the overview's entry and exit pages filtered by %s", (view, filters) => {
  const requests = overviewTabRequests({ range: { relative: "last_30_days" }, filters });
  it.each(requests.map((r) => [r.title, r] as const))("answers %s exactly as raw events do", async (_, r) => {
    const { raw, rolled } = await both(r.query, r.range);
    expect(rolled.data).toEqual(raw.data);
    expect(rolled.meta.rollups).toBe(TABS_DERIVED.includes(view));
  });
});

it("counts any combination of rolled dimensions over whole days, in a half-hour time zone too", async () => {
  const queries: QueryDefinitionInput[] = [
    {
      kind: "breakdown",
      dimension: "path",
      event: "pageview",
      filters: [
        { field: "country", op: "in", value: ["US", "FR"] },
        { field: "device", op: "not_equals", value: "desktop" },
      ],
    },
    {
      kind: "trend",
      interval: "week",
      breakdown: { dimension: "utm_source", limit: 2 },
      filters: [{ field: "path", op: "contains", value: "DOC" }],
    },
    {
      kind: "metric",
      filters: [
        { field: "referrer", op: "is_set" },
        { field: "event", op: "not_in", value: ["pageview"] },
      ],
    },
    {
      kind: "trend",
      interval: "month",
      event: "pageview",
      filters: [{ field: "os", op: "not_contains", value: "os" }],
    },
  ];
  for (const query of queries) {
    const { raw, rolled } = await both(query);
    expect(rolled.meta.rollups).toBe(true);
    expect(rolled.data).toEqual(raw.data);
  }
  // Visitors under two filters over ranges cut inside days: whole days from the intersections, the rest raw.
  const day = (offset: number) => new Date(now.getTime() - offset * DAY).toISOString().slice(0, 10);
  const visitors: QueryDefinitionInput = {
    kind: "breakdown",
    dimension: "country",
    measure: { type: "unique_users" },
    filters: [
      { field: "path", op: "equals", value: "/pricing" },
      { field: "device", op: "equals", value: "mobile" },
    ],
  };
  for (const cut of [
    { from: `${day(12)}T10:00:00Z`, to: `${day(3)}T13:30:00Z` },
    { from: `${day(10)}T04:00:00Z`, to: `${day(10)}T17:00:00Z` },
  ]) {
    const { raw, rolled } = await both(visitors, cut);
    expect(rolled.meta.rollups, JSON.stringify(cut)).toBe(true);
    expect(rolled.data, JSON.stringify(cut)).toEqual(raw.data);
  }
  await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Asia/Kolkata" } });
  try {
    await refreshRollups(getPool(), { wait: true });
    const zones = await getPool().query(
      "SELECT DISTINCT timezone FROM event_counts_daily WHERE project_id = $1 UNION ALL SELECT timezone FROM event_counts_state WHERE project_id = $1",
      [tenant.projectId],
    );
    expect(zones.rows).toEqual([{ timezone: "Asia/Kolkata" }, { timezone: "Asia/Kolkata" }]);
    for (const query of queries) {
      const { raw, rolled } = await both(query, { relative: "last_30_days" }, "Asia/Kolkata");
      expect(rolled.meta.rollups).toBe(true);
      expect(rolled.data).toEqual(raw.data);
    }
    // Ranges cut inside local days at either end, or inside one day: the whole days from the counts,
    // the partial ones raw (lib/query/edge-days.ts).
    for (const cut of [
      { from: `${day(12)}T10:00:00Z`, to: `${day(3)}T00:00:00Z` },
      { from: `${day(10)}T04:00:00Z`, to: `${day(10)}T17:00:00Z` },
    ]) {
      for (const query of queries) {
        const { raw, rolled } = await both(query, cut, "Asia/Kolkata");
        expect(rolled.meta.rollups, JSON.stringify(cut)).toBe(true);
        expect(rolled.data, JSON.stringify(cut)).toEqual(raw.data);
      }
    }
    // Another time zone than the counts': raw events.
    const elsewhere = await both(queries[0]!, { relative: "last_7_days" }, "UTC");
    expect(elsewhere.rolled.meta.rollups).toBe(false);
    expect(elsewhere.rolled.data).toEqual(elsewhere.raw.data);
  } finally {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Europe/Paris" } });
    await refreshRollups(getPool(), { wait: true });
  }
});

it("keeps the visitors who did an event from the bitmaps over cut ranges and arrivals after the refresh, exactly", async () => {
  const day = (offset: number) => new Date(now.getTime() - offset * DAY).toISOString().slice(0, 10);
  const converted: QueryDefinitionInput[] = [
    {
      kind: "breakdown",
      dimension: "country",
      measure: { type: "unique_users" },
      filters: [{ field: "performed", op: "equals", value: "signup" }],
    },
    {
      kind: "trend",
      interval: "day",
      measure: { type: "conversion_rate" },
      filters: [
        { field: "device", op: "equals", value: "mobile" },
        { field: "performed", op: "equals", value: "signup" },
      ],
    },
    {
      kind: "metric",
      measure: { type: "conversion_rate" },
      filters: [{ field: "performed", op: "equals", value: "signup" }],
    },
  ];
  const expectExact = async (range: QueryRange) => {
    for (const query of converted) {
      const { raw, rolled } = await both(query, range);
      expect(rolled.meta.rollups, JSON.stringify({ query, range })).toBe(true);
      expect(rolled.data, JSON.stringify({ query, range })).toEqual(raw.data);
    }
  };
  // The signups of partial days at either end count, read raw and numbered.
  await expectExact({ from: `${day(12)}T10:00:00Z`, to: `${day(3)}T13:30:00Z` });
  await expectExact({ from: `${day(10)}T04:00:00Z`, to: `${day(10)}T17:00:00Z` });
  // After the refresh: a known visitor (mixed-b, numbered) and a new one sign up; both count at once.
  const at = new Date(now.getTime() - 2 * DAY);
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ ...web, name: "signup", timestamp: at, anonymousId: "mixed-b", deviceType: "mobile", country: "US" }),
    eventRow({ ...web, name: "pageview", timestamp: at, anonymousId: "late-signer", path: "/", deviceType: "mobile" }),
    eventRow({
      ...web,
      name: "signup",
      timestamp: at,
      anonymousId: "late-signer",
      deviceType: "mobile",
      country: "JP",
    }),
  ]);
  await expectExact({ relative: "last_30_days" });
  await refreshRollups(getPool(), { wait: true });
  await expectExact({ relative: "last_30_days" });
});

it("counts events that arrived after the refresh at once, late ones in their own day, and folds them in", async () => {
  const query: QueryDefinitionInput = {
    kind: "breakdown",
    dimension: "path",
    event: "pageview",
    filters: [
      { field: "country", op: "equals", value: "NZ" },
      { field: "device", op: "equals", value: "mobile" },
    ],
  };
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({
      name: "pageview",
      timestamp: new Date(now.getTime() - 60_000),
      anonymousId: "kiwi",
      path: "/",
      country: "NZ",
      deviceType: "mobile",
    }),
    eventRow({
      name: "pageview",
      timestamp: new Date(now.getTime() - 9 * DAY),
      anonymousId: "kiwi",
      path: "/pricing",
      country: "NZ",
      deviceType: "mobile",
    }),
  ]);
  const before = await both(query);
  expect(before.rolled.meta.rollups).toBe(true);
  expect(before.rolled.data).toEqual(before.raw.data);
  expect((before.rolled.data as { rows: unknown[] }).rows).toHaveLength(2);
  await refreshRollups(getPool(), { wait: true });
  const after = await both(query);
  expect(after.rolled.data).toEqual(before.raw.data);
  const stored = await getPool().query(
    "SELECT sum(events)::int AS n FROM event_counts_daily WHERE project_id = $1 AND country = 'NZ'",
    [tenant.projectId],
  );
  expect(stored.rows).toEqual([{ n: 2 }]);
});

it("reads a property's events through property_events, with arrivals after the refresh, and folds them in", async () => {
  const long = `enterprise-${"x".repeat(120)}`;
  const views: Filter[][] = [
    [{ field: "properties.plan", op: "equals", value: "pro" }],
    // Values are kept cut to 100 characters: a longer one is still found, and told from its neighbour.
    [{ field: "properties.plan", op: "equals", value: long }],
    // `in` compares text: the number 42 is "42".
    [{ field: "properties.plan", op: "in", value: ["42", "pro"] }],
    [{ field: "properties.plan", op: "equals", value: 42 }],
    [{ field: "properties.plan.tier", op: "equals", value: "gold" }],
  ];
  const queries = views.flatMap((filters): QueryDefinitionInput[] => [
    { kind: "metric", measure: { type: "unique_users" }, filters },
    { kind: "metric", measure: { type: "sessions" }, filters },
    { kind: "breakdown", dimension: "country", measure: { type: "count" }, filters },
    // The rows carry their event's name: the query's event and its filters on it narrow them too.
    { kind: "metric", measure: { type: "count" }, event: "signup", filters },
    { kind: "metric", measure: { type: "count" }, event: "pageview", filters },
    {
      kind: "breakdown",
      dimension: "event",
      measure: { type: "count" },
      filters: [...filters, { field: "event", op: "not_in", value: ["pageview", "cta_click"] }],
    },
  ]);
  const expectExact = async () => {
    for (const query of queries) {
      const { raw, rolled } = await both(query);
      expect(rolled.data, JSON.stringify(query)).toEqual(raw.data);
      expect(rolled.meta.rollups).toBe(true);
    }
  };
  const event = (minutesAgo: number, anonymousId: string, plan: unknown) =>
    eventRow({
      name: "signup",
      timestamp: new Date(now.getTime() - minutesAgo * 60_000),
      anonymousId,
      sessionId: `${anonymousId}-1`,
      country: "NZ",
      properties: { plan },
    });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    event(3 * 24 * 60, "long-plan", long),
    event(3 * 24 * 60 + 5, "long-plan-neighbour", `${long}y`),
    event(2 * 24 * 60, "numbered-plan", 42),
    event(2 * 24 * 60 + 1, "nested-plan", { tier: "gold" }),
  ]);
  await refreshRollups(getPool(), { wait: true });
  await expectExact();
  // Arrivals after the refresh are read from events until folded.
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    event(60, "late-pro", "pro"),
    event(24 * 60, "late-long", long),
    event(61, "late-nested", { tier: "gold" }),
  ]);
  await expectExact();
  await refreshRollups(getPool(), { wait: true });
  await expectExact();
  const stored = await getPool().query(
    "SELECT name, key, value FROM property_events WHERE project_id = $1 AND value LIKE 'enterprise-%' ORDER BY timestamp",
    [tenant.projectId],
  );
  expect(stored.rows).toEqual([
    { name: "signup", key: "plan", value: long.slice(0, 100) },
    { name: "signup", key: "plan", value: long.slice(0, 100) },
    { name: "signup", key: "plan", value: long.slice(0, 100) },
  ]);
}, 120_000);

it("counts actors mixed in a day from their own events, also when an arrival makes one mixed", async () => {
  const mixed = await getPool().query(
    "SELECT count(DISTINCT number)::int AS actors FROM mixed_actor_days WHERE project_id = $1",
    [tenant.projectId],
  );
  expect(mixed.rows[0].actors).toBeGreaterThanOrEqual(3);
  // 10:00 UTC is late morning in Paris whatever the season: the hour of events below stays in one
  // local day whenever the suite runs (from 23:10 Paris time it once crossed midnight).
  const day = daysAgoAt(6, 10, now);
  const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
  // Pure when folded; a later arrival on a tablet in another country makes the day mixed.
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(0),
      anonymousId: "turns-mixed",
      path: "/pricing",
      deviceType: "mobile",
      country: "US",
    }),
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(5),
      anonymousId: "turns-mixed",
      path: "/docs",
      deviceType: "mobile",
      country: "US",
    }),
  ]);
  await refreshRollups(getPool(), { wait: true });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({
      ...web,
      name: "pageview",
      timestamp: at(50),
      anonymousId: "turns-mixed",
      path: "/features",
      deviceType: "tablet",
      country: "CA",
    }),
  ]);
  const views = Object.entries(VIEWS).filter(([view]) =>
    ["page", "country", "device", "page + device", "country + browser"].includes(view),
  );
  const check = async () => {
    for (const [, filters] of views) {
      for (const r of overviewRequests({ range: { relative: "last_30_days" }, filters })) {
        const { raw, rolled } = await both(r.query, r.range);
        expect(rolled.data, JSON.stringify(r)).toEqual(raw.data);
      }
    }
  };
  await check();
  await refreshRollups(getPool(), { wait: true });
  const rows = await getPool().query(
    "SELECT DISTINCT device FROM mixed_actor_days d JOIN project_actors a USING (organization_id, project_id, number) WHERE d.project_id = $1 AND a.actor = hashtextextended('turns-mixed', 0) ORDER BY 1",
    [tenant.projectId],
  );
  expect(rows.rows).toEqual([{ device: "mobile" }, { device: "tablet" }]);
  await check();
}, 120_000);

it("keeps referrers of a page exact as arrivals come: a page first seen from a referrer, then without one, and the reverse", async () => {
  // Daytime, so its events share a Paris day whenever the suite runs.
  const day = daysAgoAt(4, 10, now);
  const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
  const landing = { ...web, deviceType: "mobile", country: "US" };
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({
      ...landing,
      name: "pageview",
      timestamp: at(0),
      anonymousId: "lands-first",
      path: "/pricing",
      referrerHost: "t.co",
      utmSource: "twitter",
    }),
    eventRow({ ...landing, name: "pageview", timestamp: at(0), anonymousId: "lands-later", path: "/pricing" }),
  ]);
  await refreshRollups(getPool(), { wait: true });
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    eventRow({ ...landing, name: "pageview", timestamp: at(30), anonymousId: "lands-first", path: "/pricing" }),
    eventRow({
      ...landing,
      name: "pageview",
      timestamp: at(30),
      anonymousId: "lands-later",
      path: "/pricing",
      referrerHost: "t.co",
      utmSource: "twitter",
    }),
    eventRow({
      ...landing,
      name: "pageview",
      timestamp: at(40),
      anonymousId: "lands-only",
      path: "/pricing",
      referrerHost: "t.co",
    }),
  ]);
  const queries: QueryDefinitionInput[] = [
    { kind: "breakdown", dimension: "referrer", measure: { type: "unique_users" }, filters: VIEWS.page },
    { kind: "breakdown", dimension: "utm_source", measure: { type: "unique_users" }, filters: VIEWS.page },
    { kind: "breakdown", dimension: "utm_source", measure: { type: "unique_users" }, filters: VIEWS["no referrer"] },
    {
      kind: "breakdown",
      dimension: "path",
      measure: { type: "unique_users" },
      filters: [{ field: "referrer", op: "equals", value: "t.co" }],
    },
    {
      kind: "trend",
      interval: "day",
      measure: { type: "unique_users" },
      filters: [...VIEWS.page!, { field: "referrer", op: "is_not_set" }],
    },
  ];
  const check = async () => {
    for (const query of queries) {
      const { raw, rolled } = await both(query);
      expect(rolled.meta.rollups, JSON.stringify(query)).toBe(true);
      expect(rolled.data, JSON.stringify(query)).toEqual(raw.data);
    }
  };
  await check();
  await refreshRollups(getPool(), { wait: true });
  await check();
});

it("rebuilds the mixed actors and the pairs in a project's new time zone", async () => {
  await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "America/New_York" } });
  try {
    await refreshRollups(getPool(), { wait: true });
    for (const table of ["mixed_actor_state", "pair_state"]) {
      const state = await getPool().query(`SELECT timezone FROM ${table} WHERE project_id = $1`, [tenant.projectId]);
      expect(state.rows).toEqual([{ timezone: "America/New_York" }]);
    }
    for (const view of ["page", "page + device", "country + browser"]) {
      for (const r of overviewRequests({ range: { relative: "last_30_days" }, filters: VIEWS[view]! })) {
        if (!["Referrers", "UTM sources", "Countries", "Browsers", "Devices"].includes(r.title)) continue;
        const { raw, rolled } = await both(r.query, r.range, "America/New_York");
        expect(rolled.meta.rollups).toBe(true);
        expect(rolled.data).toEqual(raw.data);
      }
    }
  } finally {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Europe/Paris" } });
    await refreshRollups(getPool(), { wait: true });
  }
}, 120_000);

it("answers a breakdown's top values and the rest together, largest or smallest first", async () => {
  const queries: QueryDefinitionInput[] = [
    { kind: "breakdown", dimension: "country", measure: { type: "unique_users" }, limit: 3, filters: VIEWS.page },
    {
      kind: "breakdown",
      dimension: "path",
      measure: { type: "unique_users" },
      limit: 2,
      sort: "asc",
      filters: VIEWS.device,
    },
    { kind: "breakdown", dimension: "referrer", measure: { type: "unique_users" }, limit: 2, filters: VIEWS.page },
    { kind: "breakdown", dimension: "browser", measure: { type: "unique_users" }, limit: 1, sort: "asc" },
    { kind: "breakdown", dimension: "path", event: "pageview", limit: 4, sort: "asc", filters: VIEWS.country },
    { kind: "breakdown", dimension: "event", limit: 1, filters: [...VIEWS.device!, ...VIEWS.country!] },
  ];
  for (const query of queries) {
    const { raw, rolled } = await both(query);
    expect(rolled.meta.rollups, JSON.stringify(query)).toBe(true);
    expect(rolled.data, JSON.stringify(query)).toEqual(raw.data);
    expect((rolled.data as { other: number | null }).other, JSON.stringify(query)).toBeGreaterThan(0);
  }
});
