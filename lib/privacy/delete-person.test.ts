// A person's deletion against real PostgreSQL: on a hand-built data set, every report kind, from raw
// events and from rollups, equals the same report on a project that never had that person; their
// events, ledger entries and traces in the derived tables are gone; ingestion goes on meanwhile.
//
// Three projects get the same events, except: `full` has everyone, `withoutZoe` never had the user
// zoe, `withoutZoeAndBob` never had zoe nor the anonymous visitor bob. zoe's events span two months
// (two partitions), more hours than one batch takes, anonymous visits before she signed in on three
// devices (her person: they go with her), sessions shared with others, and events that arrive after
// the rollups were refreshed.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_GOALS } from "../../testing/demo-goals";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool, getPrisma, getReportPool } from "../db/client";
import { copyFrom } from "../db/copy-from";
import { ensureEventPartitions } from "../db/partitions";
import type { GoalCreate } from "../goals/schemas";
import { copyEventsSql, csvLine } from "../ingest/event-csv";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { CHUNK_SHIFT } from "../query/actor-bitmaps";
import { refreshRollups } from "../query/rollup-refresh";
import { runQuery } from "../query/run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "../query/schemas";
import { DERIVED_TABLES, deletePersonEvents } from "./delete-person";

const now = new Date("2026-04-15T12:00:00Z");
const range: QueryRange = { from: "2026-02-20", to: "2026-03-31" };

type Who = "zoe" | "bob" | "other";
interface Seeded {
  who: Who;
  row: Omit<EventRow, "eventId">;
}

const at = (iso: string) => new Date(iso);
const seeds: Seeded[] = [];
function add(who: Who, fields: Partial<EventRow> & Pick<EventRow, "name" | "timestamp">) {
  const { eventId: _id, ...row } = eventRow(fields);
  seeds.push({ who, row });
}

// Everyone else: a few users and anonymous visitors over the same weeks.
for (const [i, user] of ["alice", "carol", "dave"].entries()) {
  for (let day = 0; day < 30; day += 3 + i) {
    const start = Date.UTC(2026, 1, 22 + day, 8 + i * 3, 10);
    const session = `${user}-s${day}`;
    add("other", {
      name: "pageview",
      timestamp: new Date(start),
      userId: user,
      sessionId: session,
      path: "/",
      browser: "Chrome",
      country: "FR",
      referrerHost: "google.com",
    });
    add("other", {
      name: "pageview",
      timestamp: new Date(start + 5 * 60_000),
      userId: user,
      sessionId: session,
      path: "/pricing",
      browser: "Chrome",
      country: "FR",
    });
    if (day % 2 === 0)
      add("other", {
        name: "signup",
        timestamp: new Date(start + 9 * 60_000),
        userId: user,
        sessionId: session,
        path: "/signup",
        browser: "Chrome",
        country: "FR",
        properties: { plan: "pro" },
      });
    if (day % 4 === 0)
      add("other", {
        name: "purchase",
        timestamp: new Date(start + 70 * 60_000),
        userId: user,
        sessionId: session,
        path: "/checkout",
        browser: "Chrome",
        country: "FR",
        properties: { amount: 20 + i },
      });
  }
}
// An anonymous visitor without session ids (sessionised by gap).
for (let day = 1; day < 30; day += 4) {
  const start = Date.UTC(2026, 1, 21 + day, 21, 40);
  add("other", {
    name: "pageview",
    timestamp: new Date(start),
    anonymousId: "erin",
    path: "/docs",
    browser: "Safari",
    country: "US",
  });
  add("other", {
    name: "pageview",
    timestamp: new Date(start + 30 * 60_000),
    anonymousId: "erin",
    path: "/docs/api",
    browser: "Safari",
    country: "US",
  });
}
// bob: anonymous, with sessions, also seen in hours zoe is in.
for (let day = 0; day < 20; day += 2) {
  const start = Date.UTC(2026, 2, 1 + day, 10, 15);
  add("bob", {
    name: "pageview",
    timestamp: new Date(start),
    anonymousId: "bob",
    sessionId: `bob-s${day}`,
    path: "/",
    browser: "Firefox",
    country: "DE",
    utmSource: "newsletter",
  });
  add("bob", {
    name: "signup",
    timestamp: new Date(start + 20 * 60_000),
    anonymousId: "bob",
    sessionId: `bob-s${day}`,
    path: "/signup",
    browser: "Firefox",
    country: "DE",
    properties: { plan: "free" },
  });
}
// zoe: 40 distinct hours across February and March; in each visit she browses anonymously first,
// then signs in (her identified events carry her anonymous id too), in one session crossing an hour.
for (let visit = 0; visit < 40; visit++) {
  const start = Date.UTC(2026, 1, 24, 9, 50) + visit * 26 * 3_600_000;
  const session = `zoe-s${visit}`;
  const anonymous = `zoe-anon-${visit % 3}`;
  add("zoe", {
    name: "pageview",
    timestamp: new Date(start),
    anonymousId: anonymous,
    sessionId: session,
    path: "/",
    browser: "Edge",
    country: "NL",
  });
  add("zoe", {
    name: "pageview",
    timestamp: new Date(start + 6 * 60_000),
    userId: "zoe",
    anonymousId: anonymous,
    sessionId: session,
    path: "/pricing",
    browser: "Edge",
    country: "NL",
    referrerHost: "zoe-blog.example",
  });
  add("zoe", {
    name: "purchase",
    timestamp: new Date(start + 15 * 60_000),
    userId: "zoe",
    anonymousId: anonymous,
    sessionId: session,
    path: "/checkout",
    browser: "Edge",
    country: "NL",
    properties: { amount: 500 },
  });
  if (visit % 5 === 0)
    add("zoe", {
      name: "export",
      timestamp: new Date(start + 3 * 3_600_000),
      userId: "zoe",
      path: "/app",
      browser: "Edge",
      country: "NL",
    });
}
// zoe also shares a session with alice's (a shared computer) and has events without a session.
add("zoe", {
  name: "pageview",
  timestamp: at("2026-03-07T14:12:00Z"),
  userId: "zoe",
  sessionId: "alice-s12",
  path: "/blog",
  browser: "Chrome",
  country: "FR",
});

/** Late arrivals: written after the first refresh (old timestamps land in hours already rolled up). */
const late: Seeded[] = [];
function addLate(who: Who, fields: Partial<EventRow> & Pick<EventRow, "name" | "timestamp">) {
  const { eventId: _id, ...row } = eventRow(fields);
  late.push({ who, row });
}
addLate("zoe", {
  name: "pageview",
  timestamp: at("2026-03-02T10:20:00Z"),
  userId: "zoe",
  sessionId: "zoe-late",
  path: "/late",
  browser: "Edge",
  country: "NL",
});
addLate("zoe", {
  name: "pageview",
  timestamp: at("2026-03-03T11:05:00Z"),
  userId: "zoe",
  sessionId: "bob-s2",
  path: "/",
  browser: "Edge",
  country: "NL",
});
addLate("other", {
  name: "pageview",
  timestamp: at("2026-03-02T10:40:00Z"),
  userId: "alice",
  sessionId: "alice-late",
  path: "/late",
  browser: "Chrome",
  country: "FR",
});

/**
 * Goals alike in every project, defined before the first refresh builds their bitmaps: one only zoe
 * completes (her purchases of 500), one she completes among others, one she never does.
 */
const goals: GoalCreate[] = [
  {
    name: "Big purchase",
    definition: {
      type: "event",
      event: "purchase",
      conditions: [{ field: "properties.amount", op: "gt", value: 100 }],
    },
  },
  ...DEMO_GOALS.filter((goal) => goal.name === "Saw pricing" || goal.name === "Pro signup"),
];

let full: Tenant;
let withoutZoe: Tenant;
let withoutZoeAndBob: Tenant;

const rowsFor = (seeded: Seeded[], leaveOut: Who[]) =>
  seeded.filter((s) => !leaveOut.includes(s.who)).map((s) => ({ ...s.row, eventId: randomUUID() }));

async function seed(tenant: Tenant, seeded: Seeded[], leaveOut: Who[]) {
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, rowsFor(seeded, leaveOut));
}

/**
 * Writes each project's rows in one transaction, as ingestion writes a batch (ledger, then events),
 * so that they share one received_at: every refresh folds all the projects' copies or none. Written
 * one project after another, a refresh whose bound fell between two of the writes (another
 * refresher's start, or the next write still open) would fold one project's copy and not the
 * other's until the next refresh, and the projects' derived tables would differ meanwhile.
 */
async function writeAlike(writes: [Tenant, EventRow[]][]): Promise<number> {
  const lines = (line: (tenant: Tenant, row: EventRow) => string) => [
    Buffer.from(writes.flatMap(([tenant, rows]) => rows.map((row) => line(tenant, row))).join("")),
  ];
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    await copyFrom(
      client,
      "COPY event_keys (organization_id, project_id, event_id) FROM STDIN WITH (FORMAT csv)",
      lines((t, row) => `${t.organizationId},${t.projectId},${row.eventId}\n`),
    );
    const written = await copyFrom(
      client,
      copyEventsSql,
      lines((t, row) => csvLine(t.organizationId, t.projectId, row)),
    );
    await client.query("COMMIT");
    return written;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  [full, withoutZoe, withoutZoeAndBob] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  await ensureEventPartitions(getPool(), new Date("2026-02-01"), new Date("2026-04-01"));
  await seed(full, seeds, []);
  await seed(withoutZoe, seeds, ["zoe"]);
  await seed(withoutZoeAndBob, seeds, ["zoe", "bob"]);
  await getPrisma().goal.createMany({
    data: [full, withoutZoe, withoutZoeAndBob].flatMap((tenant) =>
      goals.map((goal) => ({ ...goal, organizationId: tenant.organizationId, projectId: tenant.projectId })),
    ),
  });
  await refreshRollups(getPool(), { wait: true });
  await writeAlike([
    [full, rowsFor(late, [])],
    [withoutZoe, rowsFor(late, ["zoe"])],
    [withoutZoeAndBob, rowsFor(late, ["zoe", "bob"])],
  ]);
  // The refresh folds what every test file running alongside wrote too: minutes on a loaded machine.
}, 180_000);

afterAll(async () => {
  await closeDatabase();
});

const reports: QueryDefinitionInput[] = [
  { kind: "trend", interval: "day" },
  { kind: "trend", interval: "hour", event: "pageview", measure: { type: "unique_users" } },
  { kind: "trend", interval: "day", measure: { type: "unique_users" } },
  { kind: "trend", interval: "week", measure: { type: "unique_users" }, breakdown: { dimension: "country", limit: 3 } },
  { kind: "trend", interval: "day", breakdown: { dimension: "referrer", limit: 3 } },
  { kind: "trend", interval: "day", measure: { type: "sessions" } },
  { kind: "metric", measure: { type: "count" } },
  { kind: "metric", measure: { type: "unique_users" } },
  { kind: "metric", event: "pageview", measure: { type: "unique_users" } },
  { kind: "metric", measure: { type: "sessions" } },
  { kind: "metric", measure: { type: "bounce_rate" } },
  { kind: "metric", measure: { type: "avg_session_duration" } },
  { kind: "metric", event: "purchase", measure: { type: "sum", property: "properties.amount" } },
  { kind: "metric", measure: { type: "unique_users" }, filters: [{ field: "country", op: "equals", value: "NL" }] },
  { kind: "breakdown", dimension: "path" },
  { kind: "breakdown", dimension: "country", measure: { type: "unique_users" } },
  { kind: "breakdown", dimension: "browser", measure: { type: "unique_users" } },
  { kind: "breakdown", dimension: "event", measure: { type: "unique_users" } },
  { kind: "breakdown", dimension: "path", measure: { type: "sessions" } },
  { kind: "metric", measure: { type: "pages_per_session" } },
  { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" } },
  { kind: "breakdown", dimension: "exit_page", measure: { type: "pages_per_session" } },
  { kind: "breakdown", dimension: "path", measure: { type: "time_on_page" } },
  {
    kind: "metric",
    measure: { type: "sessions" },
    filters: [{ field: "entry_page", op: "equals", value: "/pricing" }],
  },
  { kind: "breakdown", dimension: "properties.plan" },
  {
    kind: "funnel",
    steps: [{ event: "pageview" }, { event: "signup" }, { event: "purchase" }],
    window: { value: 1, unit: "day" },
  },
  { kind: "funnel", steps: [{ event: "pageview" }, { event: "purchase" }], window: { value: 2, unit: "hour" } },
  { kind: "retention", start_event: "pageview", return_event: "pageview", period: "day", periods: 7 },
  { kind: "retention", start_event: "pageview", return_event: "purchase", period: "week", periods: 4 },
  // First seen: zoe was first seen in the range (new), and her referrer was her first touch.
  { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" } },
  { kind: "trend", interval: "day", measure: { type: "new_users" } },
  { kind: "metric", measure: { type: "returning_users" } },
  { kind: "breakdown", dimension: "first_referrer", measure: { type: "unique_users" } },
  { kind: "metric", filters: [{ field: "visitor_type", op: "equals", value: "new" }] },
  // Paths: from the step table the session refresh keeps (lib/query/session-paths.ts).
  { kind: "paths", start: { page: "/" }, steps: 3 },
  { kind: "paths", end: { event: "signup" }, steps: 2 },
];

const pricing = { field: "path", op: "equals", value: "/pricing" } as const;
const netherlands = { field: "country", op: "equals", value: "NL" } as const;
const zoesBlog = { field: "referrer", op: "equals", value: "zoe-blog.example" } as const;
const noDevice = { field: "device", op: "is_not_set" } as const;

/**
 * The overview under drill-down filters (a page, a referrer, a country, a device, and two at once),
 * each panel answered from the tables built for them: daily counts, intersections of per-value
 * bitmaps (mixed actors apart), pair bitmaps and session rollups per selector.
 */
const drillDowns: QueryDefinitionInput[] = [
  { kind: "metric", measure: { type: "count" }, filters: [pricing, netherlands] },
  { kind: "breakdown", dimension: "path", filters: [netherlands] },
  { kind: "breakdown", dimension: "event", filters: [zoesBlog] },
  { kind: "trend", interval: "day", breakdown: { dimension: "country", limit: 3 }, filters: [pricing] },
  { kind: "metric", measure: { type: "unique_users" }, filters: [pricing, netherlands] },
  { kind: "metric", measure: { type: "unique_users" }, filters: [netherlands, noDevice] },
  { kind: "trend", interval: "day", measure: { type: "unique_users" }, filters: [pricing] },
  { kind: "breakdown", dimension: "country", measure: { type: "unique_users" }, filters: [pricing] },
  { kind: "breakdown", dimension: "browser", measure: { type: "unique_users" }, filters: [zoesBlog] },
  { kind: "breakdown", dimension: "referrer", measure: { type: "unique_users" }, filters: [pricing] },
  { kind: "breakdown", dimension: "path", measure: { type: "unique_users" }, filters: [netherlands] },
  { kind: "breakdown", dimension: "utm_source", measure: { type: "unique_users" }, filters: [pricing] },
  { kind: "breakdown", dimension: "device", measure: { type: "unique_users" }, filters: [pricing, netherlands] },
  { kind: "metric", measure: { type: "sessions" }, filters: [pricing] },
  { kind: "metric", measure: { type: "bounce_rate" }, filters: [netherlands] },
  { kind: "metric", measure: { type: "avg_session_duration" }, filters: [pricing, netherlands] },
  { kind: "trend", interval: "day", measure: { type: "sessions" }, filters: [zoesBlog, noDevice] },
  { kind: "breakdown", dimension: "entry_page", measure: { type: "sessions" }, filters: [netherlands] },
  {
    kind: "trend",
    interval: "day",
    measure: { type: "pages_per_session" },
    breakdown: { dimension: "exit_page", limit: 3 },
    filters: [noDevice],
  },
];

async function report(tenant: Tenant, input: QueryDefinitionInput, useRollups: boolean) {
  const query = queryDefinitionSchema.parse(input);
  return runQuery({
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    query,
    range,
    now,
    useRollups,
  });
}

/** Every report, raw and from rollups, equals the reference project's. */
async function expectSameReports(tenant: Tenant, reference: Tenant) {
  let fromRollups = 0;
  for (const input of reports) {
    const label = JSON.stringify(input);
    const [raw, expectedRaw] = await Promise.all([report(tenant, input, false), report(reference, input, false)]);
    expect(raw.data, `raw: ${label}`).toEqual(expectedRaw.data);
    const [rolled, expectedRolled] = await Promise.all([report(tenant, input, true), report(reference, input, true)]);
    expect(rolled.data, `rollups: ${label}`).toEqual(expectedRolled.data);
    expect(rolled.meta.rollups, label).toBe(expectedRolled.meta.rollups);
    if (rolled.meta.rollups) fromRollups++;
  }
  // Hourly rollups, daily bitmaps, per-value bitmaps, session rollups and retention bitmaps all answered some.
  expect(fromRollups).toBeGreaterThanOrEqual(15);
  for (const input of drillDowns) {
    const label = JSON.stringify(input);
    const [raw, expectedRaw] = await Promise.all([report(tenant, input, false), report(reference, input, false)]);
    expect(raw.data, `raw: ${label}`).toEqual(expectedRaw.data);
    const rolled = await report(tenant, input, true);
    // Every drill-down is answered from a derived source, and exactly as raw events answer it.
    expect(rolled.meta.rollups, label).toBe(true);
    expect(rolled.data, `derived: ${label}`).toEqual(expectedRaw.data);
  }
}

const actorOf = async (id: string) =>
  (await getPool().query<{ a: string }>("SELECT hashtextextended($1, 0)::text AS a", [id])).rows[0]!.a;

/** Where a person's id or hash still shows in the project: raw events, rollups, numbering, first seen. */
async function tracesOf(tenant: Tenant, person: { userId?: string; anonymousId?: string }) {
  const db = getPool();
  const id = person.userId ?? person.anonymousId!;
  const actor = await actorOf(id);
  const params = [tenant.projectId, id];
  const [events, rollups, actors, firstSeen] = await Promise.all([
    db.query(
      `SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND ${person.userId ? "user_id" : "anonymous_id"} = $2`,
      params,
    ),
    db.query("SELECT count(*)::int AS n FROM event_rollups WHERE project_id = $1 AND $2::bigint = ANY(actors)", [
      tenant.projectId,
      actor,
    ]),
    db.query("SELECT count(*)::int AS n FROM project_actors WHERE project_id = $1 AND actor = $2::bigint", [
      tenant.projectId,
      actor,
    ]),
    db.query("SELECT count(*)::int AS n FROM actor_first_seen WHERE project_id = $1 AND actor = $2::bigint", [
      tenant.projectId,
      actor,
    ]),
  ]);
  return {
    events: events.rows[0].n,
    rollups: rollups.rows[0].n,
    actors: actors.rows[0].n,
    firstSeen: firstSeen.rows[0].n,
  };
}

/** Rows of the derived tables that still name zoe's own referrer (only her events carried it). */
/** The days a goal of the project has bitmaps for. */
async function goalBitmapDays(tenant: Tenant, goal: string): Promise<number> {
  const { rows } = await getPool().query<{ n: number }>(
    `SELECT count(DISTINCT b.day)::int AS n FROM goal_actor_bitmaps b JOIN goals g ON g.id = b.goal_id
     WHERE b.project_id = $1 AND g.name = $2`,
    [tenant.projectId, goal],
  );
  return rows[0]!.n;
}

async function zoesBlogRows(tenant: Tenant): Promise<Record<string, number>> {
  const tables = {
    event_rollups: "value",
    dimension_actor_bitmaps: "value",
    event_counts_daily: "referrer",
    mixed_actor_days: "referrer",
    pair_actor_bitmaps: "a_value",
    session_key_values: "value",
  };
  const counts: Record<string, number> = {};
  for (const [table, column] of Object.entries(tables)) {
    const { rows } = await getPool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1 AND ${column} = 'zoe-blog.example'`,
      [tenant.projectId],
    );
    counts[table] = rows[0]!.n;
  }
  const pairs = await getPool().query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pair_actor_bitmaps WHERE project_id = $1 AND b_value = 'zoe-blog.example'",
    [tenant.projectId],
  );
  counts.pair_actor_bitmaps! += pairs.rows[0]!.n;
  return counts;
}

// Tables with a project_id that hold what was sent or configured, not what is derived from events
// (event_keys, the ledger, is the deletion's own business and checked above).
const SOURCE_TABLES = [
  "alert_channels",
  "alert_notifications",
  "alert_rules",
  "alert_transitions",
  "api_keys",
  "audit_log",
  "consent_records",
  "embed_token_revocations",
  "embed_tokens",
  "event_keys",
  "events",
  "goals",
  "person_deletions",
  "person_suppressions",
  "reports",
  "segments",
];
// Derived per-project state a deletion leaves as it is (a time zone each).
const STATE_TABLES = [
  "rollup_daily_state",
  "event_counts_state",
  "count_slice_state",
  "mixed_actor_state",
  "pair_state",
  "first_seen_bitmap_state",
  "goal_bitmap_state",
];
const derivedTables = () => [...DERIVED_TABLES.flatMap((d) => d.tables), ...STATE_TABLES];

// A derived row in a form that does not depend on the project: no tenant columns, bitmaps as the
// sorted actor hashes their bits stand for, actor numbers as hashes, session key ids as their
// dimension and value (projects number actors and key values in the order they arrive).
const erased = "(-9223372036854775807 + 2147483647)";
// Goals are each project's own: a goal's rows are compared by its name.
const goalNameOf = (alias: string) =>
  `jsonb_build_object('goal', (SELECT g.name FROM goals g WHERE g.id = ${alias}.goal_id))`;
const keyOf = (project: string, id: string) =>
  `(SELECT v.dimension || ':' || v.value FROM session_key_values v WHERE v.project_id = ${project} AND v.id = ${id})`;
const normalised: Record<string, string> = {
  // Event ids are each project's own: the first event is compared by its time and what it carried.
  actor_first_seen:
    "SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'first_event_id' FROM actor_first_seen t WHERE t.project_id = $1",
  project_actors: `SELECT jsonb_build_object('actor', t.actor::text) FROM project_actors t WHERE t.project_id = $1 AND t.actor >= ${erased}`,
  mixed_actor_days: `SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'number' || jsonb_build_object('actor', a.actor::text)
    FROM mixed_actor_days t LEFT JOIN project_actors a ON a.project_id = t.project_id AND a.number = t.number WHERE t.project_id = $1`,
  event_rollups: `SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'actors'
      || jsonb_build_object('actors', (SELECT jsonb_agg(x::text ORDER BY x) FROM unnest(t.actors) x))
    FROM event_rollups t WHERE t.project_id = $1`,
  session_key_values:
    "SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'id' FROM session_key_values t WHERE t.project_id = $1",
  goal_bitmap_state: `SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'goal_id' || ${goalNameOf("t")}
    FROM goal_bitmap_state t WHERE t.project_id = $1`,
  property_events:
    "SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'event_id' FROM property_events t WHERE t.project_id = $1",
  session_counts: `SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'key_id'
      || jsonb_build_object('key', COALESCE(${keyOf("t.project_id", "t.key_id")}, t.key_id::text))
    FROM session_counts t WHERE t.project_id = $1`,
  session_fragments: `SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'keys' || jsonb_build_object('keys', (
      SELECT jsonb_agg(jsonb_build_array(${keyOf("t.project_id", "t.keys[i][1]")}, t.keys[i][2], t.keys[i][3], t.keys[i][4], t.keys[i][5])
                       ORDER BY ${keyOf("t.project_id", "t.keys[i][1]")})
      FROM generate_subscripts(t.keys, 1) i))
    FROM session_fragments t WHERE t.project_id = $1`,
};
const bitmapRows = (table: string) => `
  SELECT to_jsonb(t) - 'organization_id' - 'project_id' - 'bits' - 'chunk'${table === "goal_actor_bitmaps" ? ` - 'goal_id' || ${goalNameOf("t")}` : ""}
      || jsonb_build_object('actors', COALESCE((
        SELECT jsonb_agg(COALESCE(a.actor::text, 'unnumbered') ORDER BY a.actor)
        FROM (
          SELECT (t.chunk << ${CHUNK_SHIFT}) + (sum(length(r.run) + 1) OVER (ORDER BY r.ord) - 1)::int AS number, r.ord,
                 count(*) OVER () AS runs
          FROM unnest(string_to_array(t.bits::text, '1')) WITH ORDINALITY r(run, ord)
        ) s
        LEFT JOIN project_actors a ON a.project_id = t.project_id AND a.number = s.number
        WHERE s.ord < s.runs), '[]'))
  FROM ${table} t WHERE t.project_id = $1`;

/** Every derived table's rows of the project, normalised and sorted; a bitmap's chunks merged. */
async function derivedState(db: pg.Pool | pg.ClientBase, tenant: Tenant): Promise<Record<string, string[]>> {
  const state: Record<string, string[]> = {};
  for (const table of derivedTables()) {
    const columns = await db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
      [table],
    );
    const hasBits = columns.rows.some((c) => c.column_name === "bits");
    const statement =
      normalised[table] ??
      (hasBits
        ? bitmapRows(table)
        : `SELECT to_jsonb(t) - 'organization_id' - 'project_id' FROM ${table} t WHERE t.project_id = $1`);
    const { rows } = await db.query<{ row: Record<string, unknown> }>(`SELECT r AS row FROM (${statement}) q(r)`, [
      tenant.projectId,
    ]);
    if (!hasBits) {
      state[table] = rows.map((r) => JSON.stringify(r.row)).sort();
      continue;
    }
    // One entry per bitmap, whatever chunks its actors' numbers fall in; an empty one is a row the refresh never stores.
    const merged = new Map<string, string[]>();
    for (const { row } of rows) {
      const { actors, ...key } = row as { actors: string[] };
      const id = JSON.stringify(key);
      merged.set(id, [...(merged.get(id) ?? []), ...(actors.length ? actors : ["(empty bitmap)"])]);
    }
    state[table] = [...merged].map(([key, actors]) => `${key} ${actors.sort().join(",")}`).sort();
  }
  return state;
}

/**
 * Every derived table holds what it holds for the reference project, which never had the person:
 * both projects read in one snapshot. A derived table is what was folded up to the watermarks, and
 * a refresh folds both projects' arrivals (written alike) in one transaction, so the two agree in any
 * snapshot, but not across two: read each on its own, the app server's refresh (every few seconds)
 * committing between the reads showed one project with the arrivals folded and the other without.
 * The snapshot is a READ ONLY transaction on the report pool, which a refresh's bounds do not wait
 * for (lib/query/refresh-steps.ts): `between` may run a waiting refresh after the first project's reads.
 */
async function expectSameDerivedState(tenant: Tenant, reference: Tenant, between?: () => Promise<unknown>) {
  const client = await getReportPool().connect();
  let state: Record<string, string[]>;
  let expected: Record<string, string[]>;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    state = await derivedState(client, tenant);
    await between?.();
    expected = await derivedState(client, reference);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  for (const table of Object.keys(expected)) expect(state[table], table).toEqual(expected[table]);
}

// Each of the first two tests compares every report and every derived table of two projects, twice:
// minutes on a loaded two-core machine.
describe("deleting a person's events", () => {
  it("has a cleaner for every table derived from events", async () => {
    const { rows } = await getPool().query<{ table_name: string }>(
      `SELECT DISTINCT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       JOIN pg_class k ON k.relname = c.table_name AND NOT k.relispartition
       WHERE c.table_schema = 'public' AND c.column_name = 'project_id'`,
    );
    const uncovered = rows
      .map((r) => r.table_name)
      .filter((table) => !SOURCE_TABLES.includes(table) && !derivedTables().includes(table));
    // A new table derived from events needs an entry in DERIVED_TABLES (delete-person.ts).
    expect(uncovered).toEqual([]);
  });

  it("leaves the data set exactly as if the person had never been tracked, keeping ingestion going", async () => {
    const zoeIds = await getPool().query<{ event_id: string }>(
      "SELECT event_id FROM events WHERE project_id = $1 AND (user_id = 'zoe' OR anonymous_id LIKE 'zoe-anon-%')",
      [full.projectId],
    );
    expect(zoeIds.rowCount).toBeGreaterThan(120);
    expect(await tracesOf(full, { userId: "zoe" })).toMatchObject({
      rollups: expect.any(Number),
      actors: 1,
      firstSeen: 1,
    });
    const named = await zoesBlogRows(full);
    for (const table of ["event_rollups", "dimension_actor_bitmaps", "event_counts_daily", "session_key_values"])
      expect(named[table], table).toBeGreaterThan(0);
    // Only zoe completed "Big purchase": its bitmaps are hers alone.
    expect(await goalBitmapDays(full, "Big purchase")).toBeGreaterThan(0);
    const db = getPool();
    let ingestedDuring = 0;
    const result = await deletePersonEvents(
      full.projectId,
      { userId: "zoe" },
      {
        async onBatch(progress) {
          if (progress.batches !== 1) return;
          // Mid-deletion, ingestion writes as usual: someone else's event stays, zoe's goes too (dave's
          // in every project in the same transaction, see writeAlike).
          const during = [
            eventRow({
              name: "pageview",
              timestamp: at("2026-03-20T09:00:00Z"),
              userId: "dave",
              sessionId: "dave-during",
              path: "/during",
            }),
            eventRow({
              name: "pageview",
              timestamp: at("2026-03-20T09:01:00Z"),
              userId: "zoe",
              sessionId: "zoe-during",
              path: "/during",
            }),
          ];
          ingestedDuring = await writeAlike([
            [full, during],
            [withoutZoe, [{ ...during[0]!, eventId: randomUUID() }]],
            [withoutZoeAndBob, [{ ...during[0]!, eventId: randomUUID() }]],
          ]);
        },
      },
    );
    // Both in full, dave's in the other two.
    expect(ingestedDuring).toBe(4);
    expect(result.batches).toBeGreaterThan(1);
    expect(result.events).toBe(zoeIds.rowCount! + 1);
    expect(result.eventKeys).toBe(result.events);
    // zoe and her three devices' anonymous ids.
    expect(result.actors).toBe(4);
    expect(result.linked.anonymousIds.sort()).toEqual(["zoe-anon-0", "zoe-anon-1", "zoe-anon-2"]);
    expect(await tracesOf(full, { userId: "zoe" })).toEqual({ events: 0, rollups: 0, actors: 0, firstSeen: 0 });
    for (const anonymousId of ["zoe-anon-0", "zoe-anon-1", "zoe-anon-2"])
      expect(await tracesOf(full, { anonymousId })).toEqual({ events: 0, rollups: 0, actors: 0, firstSeen: 0 });
    expect(
      Object.values(await zoesBlogRows(full)).every((n) => n === 0),
      JSON.stringify(await zoesBlogRows(full)),
    ).toBe(true);
    const ledger = await db.query(
      "SELECT count(*)::int AS n FROM event_keys WHERE project_id = $1 AND event_id = ANY($2::uuid[])",
      [full.projectId, zoeIds.rows.map((r) => r.event_id)],
    );
    expect(ledger.rows[0].n).toBe(0);
    // Sessions only she was in are gone from the session rollups; shared ones keep the others' events.
    const sessions = await db.query<{ session_id: string }>(
      "SELECT DISTINCT session_id FROM session_fragments WHERE project_id = $1 AND session_id IN ('zoe-s0', 'zoe-late', 'alice-s12')",
      [full.projectId],
    );
    expect(sessions.rows.map((r) => r.session_id).sort()).toEqual(["alice-s12"]);
    expect(await goalBitmapDays(full, "Big purchase")).toBe(0);

    // An arrival after the deletion, alike in every project, folded by a refresh that commits between
    // the comparison's reads of the two projects: the comparison reads one snapshot.
    await writeAlike(
      [full, withoutZoe, withoutZoeAndBob].map((tenant) => [
        tenant,
        [
          eventRow({
            name: "pageview",
            timestamp: at("2026-03-21T10:00:00Z"),
            userId: "carol",
            sessionId: "carol-after",
            path: "/after",
          }),
        ],
      ]),
    );
    // Every derived table holds what it holds for a project that never had zoe.
    await expectSameDerivedState(full, withoutZoe, () => refreshRollups(db, { wait: true }));
    await expectSameReports(full, withoutZoe);
    // And after the next refresh folds what arrived meanwhile.
    await refreshRollups(db, { wait: true });
    await expectSameDerivedState(full, withoutZoe);
    await expectSameReports(full, withoutZoe);
    // ~50 reports on three projects, raw and from rollups, twice, and every derived table compared.
  }, 180_000);

  it("deletes an anonymous visitor by their anonymous id, and a second run finds nothing", async () => {
    const result = await deletePersonEvents(full.projectId, { anonymousId: "bob" });
    expect(result.events).toBe(seeds.filter((s) => s.who === "bob").length);
    expect(await tracesOf(full, { anonymousId: "bob" })).toEqual({ events: 0, rollups: 0, actors: 0, firstSeen: 0 });
    await expectSameDerivedState(full, withoutZoeAndBob);
    await expectSameReports(full, withoutZoeAndBob);
    expect(await deletePersonEvents(full.projectId, { anonymousId: "bob" })).toMatchObject({ events: 0, batches: 0 });
  }, 120_000);

  it("deletes a person as all their ids: a user with their devices' anonymous visits, an anonymous id as its user", async () => {
    // kim browses on device-1 then signs in; later she signs in on device-2 (an anonymous visit there
    // a week on) and on a shared tablet, where lea signs in too.
    const people = (tenant: Tenant) =>
      writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
        eventRow({ name: "pageview", timestamp: at("2026-03-10T10:00:00Z"), anonymousId: "device-1" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-10T10:05:00Z"), anonymousId: "device-1", userId: "kim" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-10T10:06:00Z"), anonymousId: "device-2", userId: "kim" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-17T09:00:00Z"), anonymousId: "device-2" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-12T08:00:00Z"), anonymousId: "tablet" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-12T08:10:00Z"), anonymousId: "tablet", userId: "kim" }),
        eventRow({ name: "pageview", timestamp: at("2026-03-12T08:20:00Z"), anonymousId: "tablet", userId: "lea" }),
        eventRow({ name: "signup", timestamp: at("2026-03-12T08:30:00Z"), anonymousId: "tablet", userId: "lea" }),
        // Someone else's anonymous id that happens to be the string "kim" (the same actor hash): not kim.
        eventRow({ name: "pageview", timestamp: at("2026-03-20T09:00:00Z"), anonymousId: "kim" }),
      ]);
    const left = async (tenant: Tenant) =>
      (
        await getPool().query<{ who: string }>(
          "SELECT concat_ws('/', user_id, anonymous_id) AS who FROM events WHERE project_id = $1 ORDER BY timestamp",
          [tenant.projectId],
        )
      ).rows.map((r) => r.who);
    const [byUser, byDevice, byTablet] = await Promise.all([createTenant(), createTenant(), createTenant()]);
    for (const tenant of [byUser, byDevice, byTablet]) await people(tenant);
    // By user id: kim's events and the anonymous-only events of every device she used; lea's stay.
    expect(await deletePersonEvents(byUser.projectId, { userId: "kim" })).toMatchObject({
      events: 6,
      linked: { userId: null, anonymousIds: expect.arrayContaining(["device-1", "device-2", "tablet"]) },
    });
    expect(await left(byUser)).toEqual(["lea/tablet", "lea/tablet", "kim"]);
    // By an anonymous id identified as kim: the same person, whole.
    expect(await deletePersonEvents(byDevice.projectId, { anonymousId: "device-1" })).toMatchObject({
      events: 6,
      linked: { userId: "kim", anonymousIds: expect.arrayContaining(["device-2", "tablet"]) },
    });
    expect(await left(byDevice)).toEqual(["lea/tablet", "lea/tablet", "kim"]);
    // A shared device (identified as two users) is its own anonymous visits: the users' events stay theirs.
    expect(await deletePersonEvents(byTablet.projectId, { anonymousId: "tablet" })).toMatchObject({
      events: 1,
      linked: { userId: null, anonymousIds: [] },
    });
    expect(await left(byTablet)).toEqual([
      "device-1",
      "kim/device-1",
      "kim/device-2",
      "kim/tablet",
      "lea/tablet",
      "lea/tablet",
      "device-2",
      "kim",
    ]);
    await expect(deletePersonEvents(randomUUID(), { userId: "kim" })).rejects.toMatchObject({ code: "not_found" });
    await expect(deletePersonEvents(byUser.projectId, { userId: "" })).rejects.toMatchObject({
      code: "invalid_request",
    });
  });
});
