// Keeps goal_actor_bitmaps: who completed each goal per local day, over actor numbers, complete up
// to the rollup watermark in the zone and for the definition goal_bitmap_state names. A part of each
// rollup refresh step, after the numbering (rollup-refresh.ts):
// - a goal whose bitmaps are complete ORs in the actors of the step's events that complete it;
// - a goal that is new, edited, or of a project whose time zone changed is rebuilt from all its
//   events up to the watermark (a few goals per step: a rebuild reads every event of its name);
// - a goal of a project whose daily bitmaps are not built in its zone (a zone that is not whole
//   hours, a rebuild pending) has no state, and queries answer it as before (converted-actors.ts).
// The events are read with their properties (a goal's conditions are on them), from events itself:
// the step's staged arrivals leave properties out.
import "server-only";
import type pg from "pg";
import { type GoalDefinition, goalDefinitionSchema, MAX_GOALS_PER_PROJECT } from "../goals/schemas";
import { bitmapsFromNumbersSql } from "./actor-bitmaps";
import { goalEventCondition } from "./goal-events";
import { type Sql, sql, trusted } from "./sql";

/**
 * Goals rebuilt per step, at most: each reads every event of its name in its project. A project's
 * goals all fit, so a refresh with nothing new to fold (one step) still rebuilds a new time zone's.
 */
const REBUILDS_PER_STEP = MAX_GOALS_PER_PROJECT;

interface KeptGoal {
  id: string;
  organization_id: string;
  project_id: string;
  timezone: string;
  definition: unknown;
  /** The project's daily bitmaps are built in its zone: its folded actors all have numbers. */
  numbered: boolean;
  complete: boolean;
}

// Every goal, with whether its bitmaps are complete for its definition and its project's zone. Their
// rows are locked against deletion until the step commits: a goal deleted meanwhile would fail the
// step's inserts (its bitmaps reference it); an edit goes ahead and is the next step's rebuild.
const goalsSql = `
SELECT g.id, g.organization_id, g.project_id, p.timezone, g.definition,
       d.timezone IS NOT DISTINCT FROM p.timezone AS numbered,
       s.definition IS NOT DISTINCT FROM g.definition AND s.timezone IS NOT DISTINCT FROM p.timezone AS complete
FROM goals g
JOIN projects p ON p.organization_id = g.organization_id AND p.id = g.project_id
LEFT JOIN rollup_daily_state d ON d.project_id = p.id
LEFT JOIN goal_bitmap_state s ON s.goal_id = g.id
FOR KEY SHARE OF g`;

/** A goal's bitmaps and state go: it is answered without them until rebuilt. */
async function forget(client: pg.PoolClient, goalIds: string[]): Promise<void> {
  if (goalIds.length === 0) return;
  await client.query("DELETE FROM goal_bitmap_state WHERE goal_id = ANY($1::uuid[])", [goalIds]);
  await client.query("DELETE FROM goal_actor_bitmaps WHERE goal_id = ANY($1::uuid[])", [goalIds]);
}

/**
 * SQL inserting (or ORing in) the goal's bitmaps of the events `window` selects from events e (a
 * condition on received_at), numbered through project_actors.
 */
function goalBitmapsSql(goal: KeptGoal, definition: GoalDefinition, window: Sql): Sql {
  const tenant = sql`e.organization_id = ${goal.organization_id}::uuid AND e.project_id = ${goal.project_id}::uuid`;
  return sql`
WITH members AS (
  SELECT ${goal.organization_id}::uuid AS organization_id, ${goal.project_id}::uuid AS project_id, ${goal.id}::uuid AS goal_id,
         ${goal.timezone}::text AS timezone, (e.timestamp AT TIME ZONE ${goal.timezone})::date AS day, p.number
  FROM events e
  JOIN project_actors p ON p.organization_id = e.organization_id AND p.project_id = e.project_id AND p.actor = e.actor
  WHERE ${tenant} AND ${window} AND ${goalEventCondition(definition, "e")}
)
INSERT INTO goal_actor_bitmaps AS x (organization_id, project_id, goal_id, timezone, day, chunk, bits)
${trusted(bitmapsFromNumbersSql("members", ["organization_id", "project_id", "goal_id", "timezone", "day"]))}
ON CONFLICT (goal_id, timezone, day, chunk) DO UPDATE SET bits = x.bits | EXCLUDED.bits`;
}

async function run(client: pg.PoolClient, statement: Sql): Promise<void> {
  await client.query(statement.toQuery());
}

/**
 * Brings every goal's bitmaps up to the step's watermark (rollup_state, moved earlier in the step):
 * the arrivals of the projects that gained events (`projects`), and the rebuilds.
 */
export async function refreshGoalBitmaps(
  client: pg.PoolClient,
  projects: readonly string[],
  window: { low: string; upto: string } | null,
): Promise<void> {
  const { rows } = await client.query<KeptGoal>(goalsSql);
  const parsed = rows.map((goal) => ({ goal, definition: goalDefinitionSchema.safeParse(goal.definition) }));
  // A definition the schema refuses (none is stored so) is never answered from bitmaps.
  const keepable = parsed.flatMap(({ goal, definition }) =>
    definition.success && goal.numbered ? [{ goal, definition: definition.data }] : [],
  );
  const complete = keepable.filter(({ goal }) => goal.complete);
  const completeIds = new Set(complete.map(({ goal }) => goal.id));
  await forget(
    client,
    rows.filter((goal) => !completeIds.has(goal.id)).map((goal) => goal.id),
  );
  if (window) {
    const arrived = sql`e.received_at > ${window.low}::timestamptz AND e.received_at <= ${window.upto}::timestamptz`;
    for (const { goal, definition } of complete)
      if (projects.includes(goal.project_id)) await run(client, goalBitmapsSql(goal, definition, arrived));
  }
  const folded = sql`e.received_at <= (SELECT watermark FROM rollup_state WHERE id = 1)`;
  const rebuilt = keepable.filter(({ goal }) => !goal.complete).slice(0, REBUILDS_PER_STEP);
  for (const { goal, definition } of rebuilt) {
    await run(client, goalBitmapsSql(goal, definition, folded));
    // The definition as read above, which the bitmaps were built for (an edit since is the next step's rebuild).
    await client.query(
      `INSERT INTO goal_bitmap_state (goal_id, organization_id, project_id, definition, timezone)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::jsonb, $5)`,
      [goal.id, goal.organization_id, goal.project_id, JSON.stringify(goal.definition), goal.timezone],
    );
  }
}

/**
 * After a person's deletion took events out (`deleted.table`: ts, received_at, actor of each): each
 * goal's bitmaps lose those actors on the days none of their remaining folded events completes it,
 * read through the name and actor index (the cost follows the person's events). A bitmap left empty
 * goes, as the refresh stores none. Under the rollup lock, so no fold runs meanwhile. Returns how
 * many bitmaps changed.
 */
export async function clearDeletedFromGoalBitmaps(
  client: pg.PoolClient,
  deleted: { organizationId: string; projectId: string; rollupWatermark: string | null; table: string },
): Promise<number> {
  const { organizationId, projectId, rollupWatermark, table } = deleted;
  if (rollupWatermark === null) return 0;
  const tenant = (alias: string) =>
    sql`${trusted(alias)}.organization_id = ${organizationId}::uuid AND ${trusted(alias)}.project_id = ${projectId}::uuid`;
  const { rows } = await client.query<{ goal_id: string; timezone: string; definition: unknown }>(
    sql`SELECT s.goal_id, s.timezone, s.definition FROM goal_bitmap_state s WHERE ${tenant("s")}`.toQuery(),
  );
  let changed = 0;
  for (const goal of rows) {
    const definition = goalDefinitionSchema.safeParse(goal.definition);
    if (!definition.success) continue;
    const zone = goal.timezone;
    const day = (instant: Sql) => sql`(${instant}::timestamp AT TIME ZONE ${zone})`;
    const updated = await client.query<{ day: string; empty: boolean }>(
      sql`
WITH gone AS MATERIALIZED (
  SELECT DISTINCT (x.ts AT TIME ZONE ${zone})::date AS day, x.actor FROM ${trusted(table)} x
  WHERE x.received_at <= ${rollupWatermark}::timestamptz AND x.actor IS NOT NULL
),
stale AS MATERIALIZED (
  SELECT g.day, p.number FROM gone g JOIN project_actors p ON ${tenant("p")} AND p.actor = g.actor
  WHERE NOT EXISTS (
    SELECT 1 FROM events e
    WHERE ${tenant("e")} AND (e.actor & 63)::smallint = (g.actor & 63)::smallint AND e.actor = g.actor
      AND e.timestamp >= ${day(sql`g.day`)} AND e.timestamp < ${day(sql`(g.day + 1)`)}
      AND e.received_at <= ${rollupWatermark}::timestamptz AND ${goalEventCondition(definition.data, "e")})
),
masks AS MATERIALIZED (${trusted(bitmapsFromNumbersSql("stale", ["day"]))})
UPDATE goal_actor_bitmaps b SET bits = b.bits & ~m.bits
FROM masks m
WHERE b.goal_id = ${goal.goal_id}::uuid AND b.timezone = ${zone} AND b.day = m.day AND b.chunk = m.chunk
RETURNING b.day::text AS day, bit_count(b.bits) = 0 AS empty`.toQuery(),
    );
    const emptied = updated.rows.filter((row) => row.empty).map((row) => row.day);
    if (emptied.length > 0)
      await client.query(
        "DELETE FROM goal_actor_bitmaps WHERE goal_id = $1::uuid AND timezone = $2 AND day = ANY($3::date[]) AND bit_count(bits) = 0",
        [goal.goal_id, zone, emptied],
      );
    changed += updated.rowCount ?? 0;
  }
  return changed;
}
