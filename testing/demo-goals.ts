// Goals as an analyst would define them on the demo site (lib/demo/generate-events.ts), one of each
// kind the Goals panel's queries answer differently (lib/query/converted-actors.ts): an event goal,
// one with a property condition, an exact page and a wildcard page. The query benchmark creates them
// through the goals API; the query tests insert them with ids of their own.
import { randomUUID } from "node:crypto";
import { getPrisma } from "../lib/db/client";
import type { GoalCreate } from "../lib/goals/schemas";
import type { Tenant } from "./fixtures";

export const DEMO_GOALS = [
  { name: "Signed up", definition: { type: "event", event: "signup" } },
  {
    name: "Pro signup",
    definition: {
      type: "event",
      event: "signup",
      conditions: [{ field: "properties.plan", op: "equals", value: "pro" }],
    },
  },
  { name: "Saw pricing", definition: { type: "page", path: "/pricing" } },
  { name: "Read the blog", definition: { type: "page", path: "/blog/*" } },
] as const satisfies GoalCreate[];

/** A goal with its id, as the query tests insert them (the demo goals, or a test's own). */
export type DemoGoal = GoalCreate & { id: string };

/** The demo goals with fresh ids: known before the tests are collected, inserted by insertGoals. */
export const demoGoalsWithIds = (): DemoGoal[] => DEMO_GOALS.map((goal) => ({ id: randomUUID(), ...goal }));

export async function insertGoals(tenant: Tenant, goals: readonly DemoGoal[]): Promise<void> {
  await getPrisma().goal.createMany({
    data: goals.map((goal) => ({ ...goal, organizationId: tenant.organizationId, projectId: tenant.projectId })),
  });
}
