// New vs returning and the Goals rows under drill-downs, from the actor bitmaps: the range's new
// visitors as a set (first_seen_bitmaps, kept by the first-seen fold) and a goal's completers as a
// set (converted-actors.ts), ANDed with the filtered visitors. Every answer equals the raw one, with
// arrivals not yet folded (a new visitor, a late event moving first seen out of the range), over
// ranges cut inside hours and days, and for a page goal whose path other events carry too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGoalsWithIds, insertGoals } from "../../testing/demo-goals";
import { createTenant, daysAgoAt, type Tenant } from "../../testing/fixtures";
import { rolledEqualsRaw } from "../../testing/rolled-equals-raw";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import type { Filter, QueryDefinitionInput, QueryRange } from "./schemas";

const DAY = 86_400_000;
const now = new Date();
/** 10:00 UTC `days` ago, plus `minutes`: daytime in Paris, whenever the suite runs. */
const dayAt = (days: number, minutes = 0) => new Date(daysAgoAt(days, 10, now).getTime() + minutes * 60_000);
const timezone = "Europe/Paris";

const GOALS = demoGoalsWithIds();

let tenant: Tenant;

const write = (rows: EventRow[]) => writeEvents(getPool(), tenant.organizationId, tenant.projectId, rows);
const pageview = (anonymousId: string, timestamp: Date, path: string, more: Partial<EventRow> = {}) =>
  eventRow({ name: "pageview", anonymousId, timestamp, path, deviceType: "mobile", country: "US", ...more });

beforeAll(async () => {
  tenant = await createTenant();
  await insertGoals(tenant, GOALS);
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 50 * DAY), now);
  for (const chunk of generateDemoEvents({
    seed: `first-seen-bitmaps-${tenant.projectId}`,
    events: 6_000,
    days: 45,
    now,
  }))
    await write(chunk);
  await refreshRollups(getPool(), { wait: true });
}, 180_000);

afterAll(async () => {
  await closeDatabase();
});

/**
 * first_seen_bitmaps against actor_first_seen and the numbering: every numbered actor's bit is set in
 * the hour of its first seen (found), and no other bit is (bits), nor is any row empty.
 */
async function expectBitmapsOfFirstSeen() {
  const { rows } = await getPool().query(
    `SELECT
       (SELECT count(*)::int FROM actor_first_seen f JOIN project_actors p USING (organization_id, project_id, actor)
        WHERE f.project_id = $1) AS actors,
       (SELECT count(*)::int FROM actor_first_seen f JOIN project_actors p USING (organization_id, project_id, actor)
        JOIN first_seen_bitmaps b ON b.project_id = f.project_id AND b.hour = date_trunc('hour', f.first_seen_at, 'UTC')
         AND b.chunk = p.number >> 15 AND get_bit(b.bits, p.number & 32767) = 1
        WHERE f.project_id = $1) AS found,
       (SELECT COALESCE(sum(bit_count(b.bits)), 0)::int FROM first_seen_bitmaps b WHERE b.project_id = $1) AS bits,
       (SELECT count(*)::int FROM first_seen_bitmaps b WHERE b.project_id = $1 AND bit_count(b.bits) = 0) AS empty`,
    [tenant.projectId],
  );
  const { actors, found, bits, empty } = rows[0];
  expect(actors).toBeGreaterThan(500);
  expect({ found, bits, empty }).toEqual({ found: actors, bits: actors, empty: 0 });
}

const both = (input: QueryDefinitionInput, range: QueryRange) =>
  rolledEqualsRaw(tenant, input, range, { timezone, now });

const DRILL_DOWNS: Filter[][] = [
  [{ field: "country", op: "equals", value: "US" }],
  [
    { field: "path", op: "equals", value: "/pricing" },
    { field: "device", op: "equals", value: "mobile" },
  ],
  [{ field: "referrer", op: "is_not_set" }],
];

/** Each drill-down's New vs returning, visitors of each type, and Goals rows (or only those): all derived, all exact. */
async function expectExactAndDerived(range: QueryRange, only: "goals" | "all" = "all") {
  for (const filters of DRILL_DOWNS) {
    const goalRows = GOALS.map(
      (goal): QueryDefinitionInput => ({
        kind: "metric",
        measure: { type: "goal_visitors", goal: goal.id },
        compare: false,
        filters,
      }),
    );
    const queries: QueryDefinitionInput[] = [
      { kind: "breakdown", dimension: "visitor_type", measure: { type: "unique_users" }, filters },
      { kind: "metric", measure: { type: "new_users" }, compare: false, filters },
      { kind: "metric", measure: { type: "returning_users" }, compare: false, filters },
      {
        kind: "breakdown",
        dimension: "browser",
        measure: { type: "unique_users" },
        filters: [...filters, { field: "visitor_type", op: "equals", value: "returning" }],
      },
      // A click on a New vs returning row: the panel itself under its own visitor type.
      ...(["new", "returning"] as const).map(
        (type): QueryDefinitionInput => ({
          kind: "breakdown",
          dimension: "visitor_type",
          measure: { type: "unique_users" },
          filters: [...filters, { field: "visitor_type", op: "equals", value: type }],
        }),
      ),
      ...goalRows,
    ];
    for (const query of only === "goals" ? goalRows : queries)
      expect(await both(query, range), JSON.stringify({ query, range })).toBe(true);
  }
}

const RANGES: QueryRange[] = [
  { relative: "last_30_days" },
  // Cut inside hours and days at both ends.
  { from: new Date(dayAt(20, 25)).toISOString(), to: new Date(dayAt(2, 317)).toISOString() },
];

describe("first-seen bitmaps", () => {
  it("hold every numbered actor in the hour it was first seen", async () => {
    await expectBitmapsOfFirstSeen();
    const state = await getPool().query("SELECT timezone FROM first_seen_bitmap_state WHERE project_id = $1", [
      tenant.projectId,
    ]);
    expect(state.rows).toEqual([{ timezone }]);
  });

  // Data with nothing pending is checked by filtered-overview.test.ts; here, what arrivals change.
  it("answer new vs returning and the goals under drill-downs exactly, as events arrive and late ones move first seen", async () => {
    // A visitor seen in the range, whose late event (arriving now) moves first seen to 40 days ago:
    // new until it arrives, returning after. A visitor first seen now, in another hour and day.
    await write([pageview("late-mover", dayAt(5), "/pricing"), pageview("late-mover", dayAt(5, 30), "/blog/a")]);
    await refreshRollups(getPool(), { wait: true });
    await write([
      pageview("late-mover", dayAt(40), "/"),
      pageview("brand-new", dayAt(1), "/pricing"),
      eventRow({
        name: "signup",
        anonymousId: "brand-new",
        timestamp: dayAt(1, 5),
        path: "/signup",
        properties: { plan: "pro" },
      }),
    ]);
    for (const range of RANGES) await expectExactAndDerived(range);
    await refreshRollups(getPool(), { wait: true });
    await expectExactAndDerived(RANGES[1]!);
    await expectBitmapsOfFirstSeen();
  }, 300_000);

  it("answer a page goal whose path other events carry from the goal's own events", async () => {
    // A custom event on /pricing: the path's bitmaps no longer tell who viewed the page.
    await write([
      eventRow({ name: "cta_click", anonymousId: "clicker", timestamp: dayAt(3), path: "/pricing", country: "US" }),
      pageview("clicker", dayAt(3, 1), "/"),
    ]);
    await refreshRollups(getPool(), { wait: true });
    for (const range of RANGES) await expectExactAndDerived(range, "goals");
  }, 300_000);

  it("are rebuilt with the daily bitmaps when the project's time zone changes", async () => {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "America/New_York" } });
    try {
      await getPool().query(
        "DELETE FROM first_seen_bitmaps WHERE project_id = $1 AND hour < now() - interval '20 days'",
        [tenant.projectId],
      );
      await refreshRollups(getPool(), { wait: true });
      await expectBitmapsOfFirstSeen();
      const state = await getPool().query("SELECT timezone FROM first_seen_bitmap_state WHERE project_id = $1", [
        tenant.projectId,
      ]);
      expect(state.rows).toEqual([{ timezone: "America/New_York" }]);
    } finally {
      await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone } });
      await refreshRollups(getPool(), { wait: true });
    }
  }, 300_000);
});
