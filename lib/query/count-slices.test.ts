// Counts under filters that keep a set of actors, from the per-actor count slices (count-slices.ts):
// the overview's Pageviews, Top pages and Custom events for the visitors who did an event or
// completed a goal, and for the new or the returning visitors.
// The slices decoded equal every actor's count per day, name and path in raw events, after a
// rebuild, after refreshes that carry across slices, and in a new time zone; every answer equals
// the raw one, with arrivals not yet folded and over ranges cut inside hours and days.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGoalsWithIds, insertGoals } from "../../testing/demo-goals";
import { createTenant, daysAgoAt, type Tenant } from "../../testing/fixtures";
import { rolledEqualsRaw } from "../../testing/rolled-equals-raw";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { CHUNK_BITS, CHUNK_SHIFT } from "./actor-bitmaps";
import { PASSIVE_EVENTS } from "./passive-events";
import { refreshRollups } from "./rollup-refresh";
import type { Filter, QueryDefinitionInput, QueryRange } from "./schemas";

const DAY = 86_400_000;
const now = new Date();
/** 10:00 UTC `days` ago, plus `minutes`: daytime in Paris, whenever the suite runs. */
const dayAt = (days: number, minutes = 0) => new Date(daysAgoAt(days, 10, now).getTime() + minutes * 60_000);
const GOALS = demoGoalsWithIds();

let tenant: Tenant;
let timezone = "Europe/Paris";

const write = (rows: EventRow[]) => writeEvents(getPool(), tenant.organizationId, tenant.projectId, rows);
const refresh = () => refreshRollups(getPool(), { wait: true });

/** `count` pageviews of one visitor a minute apart from `at`, cycling through `paths`. */
const visits = (anonymousId: string, at: Date, count: number, paths: string[]) =>
  Array.from({ length: count }, (_, i) =>
    eventRow({
      name: "pageview",
      anonymousId,
      timestamp: new Date(at.getTime() + i * 60_000),
      path: paths[i % paths.length],
    }),
  );

beforeAll(async () => {
  tenant = await createTenant();
  await insertGoals(tenant, GOALS);
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 40 * DAY), now);
  for (const chunk of generateDemoEvents({ seed: `count-slices-${tenant.projectId}`, events: 3_000, days: 30, now }))
    await write(chunk);
  // A heavy visitor who signs up: 13 pageviews a day on two paths, so counts reach several slices.
  await write([
    ...visits("heavy", dayAt(6), 13, ["/pricing", "/docs"]),
    eventRow({ name: "signup", anonymousId: "heavy", timestamp: dayAt(6, 30) }),
  ]);
  await refresh();
}, 180_000);

afterAll(async () => {
  await closeDatabase();
});

/** Every (zone, day, name, by path, path, actor, count) the slices hold, decoded, against raw events folded. */
async function expectSlicesEqualRawCounts() {
  // One snapshot: another suite's refresh may fold between two reads.
  const db = await getPool().connect();
  try {
    await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await expectSlicesEqualRawCountsIn(db);
  } finally {
    await db.query("ROLLBACK");
    db.release();
  }
}

/**
 * Every actor's raw count per cell (day, name, by path, path) read back from the slices by its bits,
 * and no other bit set: the bits the slices hold in all are the raw counts' set bits. (Reading every
 * set bit of every slice back as an actor took minutes on a loaded 2-core machine.)
 */
async function expectSlicesEqualRawCountsIn(db: pg.PoolClient) {
  const { rows } = await db.query<{
    cells: number;
    unnumbered: number;
    wrong: number;
    raw_bits: number;
    stored_bits: number;
    empty: number;
    top: number;
  }>(
    `WITH raw AS MATERIALIZED (
       SELECT (e.timestamp AT TIME ZONE $2::text)::date AS day, e.name, c.by_path, c.path, p.number, count(*)::bigint AS n
       FROM events e
       CROSS JOIN LATERAL (VALUES (false, ''), (true, COALESCE(e.path, ''))) c(by_path, path)
       LEFT JOIN project_actors p ON p.project_id = e.project_id AND p.actor = e.actor
       WHERE e.project_id = $1 AND e.actor IS NOT NULL AND e.received_at <= (SELECT watermark FROM rollup_state WHERE id = 1)
       GROUP BY 1, 2, 3, 4, 5
     ),
     stored AS (
       SELECT r.n, COALESCE((
         SELECT sum(get_bit(s.bits, (r.number & ${CHUNK_BITS - 1})::int)::bigint << s.slice) FROM actor_count_slices s
         WHERE s.project_id = $1 AND s.timezone = $2 AND s.by_path = r.by_path AND s.day = r.day AND s.name = r.name
           AND s.path = r.path AND s.chunk = r.number >> ${CHUNK_SHIFT}), 0) AS read_back
       FROM raw r WHERE r.number IS NOT NULL
     )
     SELECT (SELECT count(*)::int FROM raw) AS cells,
            (SELECT count(*)::int FROM raw WHERE number IS NULL) AS unnumbered,
            (SELECT count(*)::int FROM stored WHERE read_back <> n) AS wrong,
            (SELECT COALESCE(sum(bit_count(n::bit(64))), 0)::int FROM raw) AS raw_bits,
            (SELECT COALESCE(sum(bit_count(bits)), 0)::int FROM actor_count_slices WHERE project_id = $1) AS stored_bits,
            (SELECT count(*)::int FROM actor_count_slices WHERE project_id = $1 AND bit_count(bits) = 0) AS empty,
            (SELECT max(slice)::int FROM actor_count_slices WHERE project_id = $1) AS top`,
    [tenant.projectId, timezone],
  );
  const { cells, top, raw_bits, ...checks } = rows[0]!;
  expect(cells).toBeGreaterThan(1_000);
  expect(checks).toEqual({ unnumbered: 0, wrong: 0, stored_bits: raw_bits, empty: 0 });
  expect(top).toBeGreaterThanOrEqual(3);
}

const signedUp: Filter = { field: "performed", op: "equals", value: "signup" };
const isNew: Filter = { field: "visitor_type", op: "equals", value: "new" };
/** Filters that keep a set of actors: conversions, visitor types, both. */
const KEPT_SETS: Filter[][] = [
  [signedUp],
  [isNew],
  [{ field: "visitor_type", op: "in", value: ["returning"] }],
  [signedUp, isNew],
  [{ field: "performed", op: "in", value: ["signup", "purchase"] }],
  [signedUp, { field: "performed", op: "equals", value: "purchase" }],
  // Every kind of goal: an event, one with a property condition, an exact page and a wildcard page.
  ...GOALS.map((goal): Filter[] => [{ field: "goal", op: "equals", value: goal.id }]),
];

/** The overview's count panels under each kept set (and a trend, and a breakdown of every event): all from the slices, all exact. */
async function expectExactAndDerived(range: QueryRange, sets: Filter[][] = KEPT_SETS) {
  for (const filters of sets) {
    const queries: QueryDefinitionInput[] = [
      { kind: "metric", measure: { type: "unique_users" }, filters },
      { kind: "metric", event: "pageview", filters },
      { kind: "breakdown", dimension: "path", event: "pageview", limit: 10, filters },
      {
        kind: "breakdown",
        dimension: "event",
        limit: 10,
        filters: [{ field: "event", op: "not_in", value: PASSIVE_EVENTS }, ...filters],
      },
      { kind: "trend", event: "pageview", interval: "day", filters },
      { kind: "breakdown", dimension: "event", filters },
    ];
    for (const query of queries) {
      const derived = await rolledEqualsRaw(tenant, query, range, { timezone, now });
      expect(derived, JSON.stringify({ query, range })).toBe(true);
    }
  }
}

/** One of each kind of set, where the data's state matters more than the kind (arrivals, a new zone). */
const FEW_SETS: Filter[][] = [
  [signedUp],
  [{ field: "visitor_type", op: "in", value: ["returning"] }],
  [signedUp, isNew],
  [{ field: "goal", op: "equals", value: GOALS.find((goal) => goal.name === "Pro signup")!.id }],
];

const RANGES: QueryRange[] = [
  { relative: "last_30_days" },
  // Cut inside hours and days at both ends.
  { from: new Date(dayAt(20, 25)).toISOString(), to: new Date(dayAt(2, 317)).toISOString() },
];

describe("count slices", () => {
  it("hold every actor's count per day, name and path, rebuilt and then carried across refreshes", async () => {
    await expectSlicesEqualRawCounts();
    // Refreshes that add to stored counts: 13 + 11 + 15 pageviews of one day carry into new slices.
    for (const count of [11, 15]) {
      await write(visits("heavy", dayAt(6, 120 + count), count, ["/pricing", "/docs", "/blog/a"]));
      await refresh();
      await expectSlicesEqualRawCounts();
    }
    // Each refresh also folds what the other suites wrote meanwhile: minutes at CI's load.
  }, 600_000);

  it("count the kept visitors' events exactly, with arrivals not yet folded", async () => {
    for (const range of RANGES) await expectExactAndDerived(range);
    // Unfolded: more pageviews of a kept visitor on a stored day and today, and a new visitor who signs up.
    await write([
      ...visits("heavy", dayAt(6, 300), 4, ["/pricing"]),
      ...visits("fresh", dayAt(0, -60), 3, ["/docs"]),
      eventRow({ name: "signup", anonymousId: "fresh", timestamp: dayAt(0, -50) }),
    ]);
    for (const range of RANGES) await expectExactAndDerived(range, FEW_SETS);
    await refresh();
    await expectSlicesEqualRawCounts();
    await expectExactAndDerived(RANGES[0]!, FEW_SETS);
  }, 600_000);

  it("leave other queries to the sources that answer them", async () => {
    const range = RANGES[0]!;
    const at = { timezone, now };
    // "Did not" keeps actors the sets do not hold, "not new" the events without an actor too; a
    // drill-down is not in the slices.
    for (const filters of [
      [{ field: "performed", op: "not_equals", value: "signup" }],
      [{ field: "visitor_type", op: "not_equals", value: "new" }],
      [signedUp, { field: "country", op: "equals", value: "US" }],
    ] as Filter[][]) {
      expect(await rolledEqualsRaw(tenant, { kind: "metric", event: "pageview", filters }, range, at)).toBe(false);
    }
  }, 60_000);

  it("are rebuilt in the project's new time zone, and answer there", async () => {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "America/New_York" } });
    timezone = "America/New_York";
    try {
      await refresh();
      const state = await getPool().query("SELECT timezone FROM count_slice_state WHERE project_id = $1", [
        tenant.projectId,
      ]);
      expect(state.rows).toEqual([{ timezone }]);
      await expectSlicesEqualRawCounts();
      await expectExactAndDerived(RANGES[1]!, FEW_SETS);
    } finally {
      await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Europe/Paris" } });
      timezone = "Europe/Paris";
      await refresh();
    }
  }, 600_000);

  it("are rebuilt after a stay in a zone without whole-hour days, whose arrivals they never saw", async () => {
    // Kolkata is UTC+5:30: no daily bitmaps there, so none of the derived tables take these in.
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Asia/Kolkata" } });
    try {
      await write([...visits("heavy", dayAt(3), 6, ["/pricing"]), ...visits("traveller", dayAt(3, 10), 2, ["/docs"])]);
      await refresh();
      const state = await getPool().query("SELECT timezone FROM rollup_daily_state WHERE project_id = $1", [
        tenant.projectId,
      ]);
      expect(state.rows).toEqual([]);
    } finally {
      await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "Europe/Paris" } });
    }
    await refresh();
    await expectSlicesEqualRawCounts();
    await expectExactAndDerived(RANGES[0]!, FEW_SETS);
  }, 600_000);
});
