// Goal bitmaps (goal_actor_bitmaps, kept by goal-bitmaps-refresh.ts): who completed each goal per
// local day. They hold exactly the numbered actors of the goal's folded events, through late
// arrivals, a goal created after its events, an edit and a new time zone; and the Goals rows (the
// overview's goal_visitors) are answered from them, unfiltered, under drill-downs and for the visitors
// who did an event, equal to raw, with arrivals not folded yet and while an edit waits for its rebuild.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoGoal, demoGoalsWithIds, insertGoals } from "../../testing/demo-goals";
import { createTenant, daysAgoAt, type Tenant } from "../../testing/fixtures";
import { rolledEqualsRaw } from "../../testing/rolled-equals-raw";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { goalDefinitionSchema } from "../goals/schemas";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { goalEventCondition } from "./goal-events";
import { refreshRollups } from "./rollup-refresh";
import type { Filter, QueryDefinitionInput, QueryRange } from "./schemas";
import { sql } from "./sql";

const DAY = 86_400_000;
const now = new Date();
/** 10:00 UTC `days` ago, plus `minutes`: daytime in Paris, whenever the suite runs. */
const dayAt = (days: number, minutes = 0) => new Date(daysAgoAt(days, 10, now).getTime() + minutes * 60_000);
const timezone = "Europe/Paris";

const goals: DemoGoal[] = demoGoalsWithIds();

let tenant: Tenant;

const write = (rows: EventRow[]) => writeEvents(getPool(), tenant.organizationId, tenant.projectId, rows);
const refresh = () => refreshRollups(getPool(), { wait: true });

beforeAll(async () => {
  tenant = await createTenant();
  await insertGoals(tenant, goals);
  await ensureEventPartitions(getPool(), new Date(now.getTime() - 50 * DAY), now);
  for (const chunk of generateDemoEvents({ seed: `goal-bitmaps-${tenant.projectId}`, events: 5_000, days: 40, now }))
    await write(chunk);
  // As Lumen's tracker sends them: custom events carry their page's path, so the path's bitmaps
  // cannot tell who viewed /pricing.
  await write(
    Array.from({ length: 30 }, (_, i) =>
      eventRow({
        name: "cta_click",
        anonymousId: `clicker-${i}`,
        timestamp: dayAt(i),
        path: "/pricing",
        country: "US",
      }),
    ),
  );
  await refresh();
}, 180_000);

afterAll(async () => {
  await closeDatabase();
});

/**
 * Every goal of the project has bitmaps complete for its definition in the project's zone: each
 * (day, actor) of a folded event completing it has its bit set (missing), no other bit is set
 * (extra), and no bitmap is empty or of another zone (stale).
 */
async function expectBitmapsOfGoals(zone = timezone) {
  const stored = await getPrisma().goal.findMany({ where: { projectId: tenant.projectId } });
  for (const goal of stored) {
    const state = await getPool().query(
      "SELECT timezone, definition = (SELECT definition FROM goals WHERE id = $1) AS current FROM goal_bitmap_state WHERE goal_id = $1",
      [goal.id],
    );
    expect(state.rows, goal.name).toEqual([{ timezone: zone, current: true }]);
    const condition = goalEventCondition(goalDefinitionSchema.parse(goal.definition), "e");
    const { rows } = await getPool().query(
      sql`
      WITH expected AS (
        SELECT DISTINCT (e.timestamp AT TIME ZONE ${zone})::date AS day, p.number
        FROM events e JOIN project_actors p ON p.project_id = e.project_id AND p.actor = e.actor
        WHERE e.project_id = ${tenant.projectId}::uuid AND e.received_at <= (SELECT watermark FROM rollup_state WHERE id = 1)
          AND ${condition}
      )
      SELECT (SELECT count(*)::int FROM expected) AS expected,
             (SELECT count(*)::int FROM expected x WHERE NOT EXISTS (
                SELECT 1 FROM goal_actor_bitmaps b
                WHERE b.goal_id = ${goal.id}::uuid AND b.timezone = ${zone} AND b.day = x.day
                  AND b.chunk = x.number >> 15 AND get_bit(b.bits, (x.number & 32767)::int) = 1)) AS missing,
             (SELECT COALESCE(sum(bit_count(b.bits)), 0)::int FROM goal_actor_bitmaps b WHERE b.goal_id = ${goal.id}::uuid)
               - (SELECT count(*)::int FROM expected) AS extra,
             (SELECT count(*)::int FROM goal_actor_bitmaps b WHERE b.goal_id = ${goal.id}::uuid AND (bit_count(b.bits) = 0 OR b.timezone <> ${zone})) AS stale`.toQuery(),
    );
    const { expected, ...differences } = rows[0];
    expect(expected, goal.name).toBeGreaterThan(0);
    expect(differences, goal.name).toEqual({ missing: 0, extra: 0, stale: 0 });
  }
}

const both = (input: QueryDefinitionInput, range: QueryRange) =>
  rolledEqualsRaw(tenant, input, range, { timezone, now });

// Unfiltered, under a drill-down, and for the visitors who did an event (a custom event's row clicked:
// the goal's set ANDed with the event's), alone and with the drill-down (filtered-overview.test.ts
// holds the Goals rows to raw in more views).
const US: Filter = { field: "country", op: "equals", value: "US" };
const SIGNED_UP: Filter = { field: "performed", op: "equals", value: "signup" };
const VIEWS: Filter[][] = [[], [US], [SIGNED_UP], [US, SIGNED_UP]];

const RANGES: QueryRange[] = [
  { relative: "last_30_days" },
  // Cut inside hours and days at both ends.
  { from: new Date(dayAt(20, 25)).toISOString(), to: new Date(dayAt(2, 317)).toISOString() },
];

/** The goals' rows in every view and the ranges (and their conversion rates unfiltered): exact and derived. */
async function expectGoalRowsExact(ranges = RANGES, of: readonly DemoGoal[] = goals) {
  for (const range of ranges)
    for (const filters of VIEWS)
      for (const goal of of) {
        const row: QueryDefinitionInput = {
          kind: "metric",
          measure: { type: "goal_visitors", goal: goal.id },
          filters,
        };
        expect(await both(row, range), JSON.stringify({ goal: goal.name, filters, range })).toBe(true);
      }
  for (const filters of [[], [SIGNED_UP]])
    for (const goal of of) {
      const rate: QueryDefinitionInput = {
        kind: "metric",
        measure: { type: "goal_conversion_rate", goal: goal.id },
        filters,
      };
      expect(await both(rate, ranges[0]!), JSON.stringify({ goal: goal.name, filters })).toBe(true);
    }
}

describe("goal bitmaps", () => {
  it("hold who completed each goal per day, as events arrive", async () => {
    await expectBitmapsOfGoals();
    // Late events in old days, a new actor completing the property goal, one completing the page goal.
    await write([
      eventRow({
        name: "signup",
        anonymousId: "late-pro",
        timestamp: dayAt(12),
        path: "/signup",
        properties: { plan: "pro" },
      }),
      eventRow({
        name: "pageview",
        anonymousId: "late-reader",
        timestamp: dayAt(25),
        path: "/blog/late",
        country: "US",
      }),
    ]);
    // Not folded yet: the events after the watermark are read raw.
    await expectGoalRowsExact();
    await refresh();
    await expectBitmapsOfGoals();
    await expectGoalRowsExact([RANGES[1]!]);
  }, 180_000);

  it("rebuild a goal created after its events, and one edited, answering the edit exactly meanwhile", async () => {
    const late: DemoGoal = {
      id: randomUUID(),
      name: "Clicked a CTA",
      definition: { type: "event", event: "cta_click" },
    };
    await insertGoals(tenant, [late]);
    goals.push(late);
    const pricing = goals.find((goal) => goal.name === "Saw pricing")!;
    const edited = { type: "page", path: "/blog/*" } as const;
    await getPrisma().goal.update({ where: { id: pricing.id }, data: { definition: edited } });
    Object.assign(pricing, { definition: edited });
    // Before the refresh, the edited goal's bitmaps are for its old definition: not read.
    for (const goal of [late, pricing])
      await both({ kind: "metric", measure: { type: "goal_visitors", goal: goal.id } }, RANGES[0]!);
    await refresh();
    await expectBitmapsOfGoals();
    await expectGoalRowsExact([RANGES[0]!], [late, pricing]);
  }, 180_000);

  it("are rebuilt in the project's new time zone, and go with their goal", async () => {
    await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone: "America/New_York" } });
    try {
      await refresh();
      await expectBitmapsOfGoals("America/New_York");
    } finally {
      await getPrisma().project.update({ where: { id: tenant.projectId }, data: { timezone } });
      await refresh();
    }
    await expectBitmapsOfGoals();
    const gone = goals.pop()!;
    await getPrisma().goal.delete({ where: { id: gone.id } });
    const { rows } = await getPool().query(
      "SELECT (SELECT count(*)::int FROM goal_actor_bitmaps WHERE goal_id = $1) + (SELECT count(*)::int FROM goal_bitmap_state WHERE goal_id = $1) AS n",
      [gone.id],
    );
    expect(rows[0].n).toBe(0);
  }, 180_000);
});
