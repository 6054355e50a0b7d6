// The change and no-data conditions evaluated on hand-built histories (lib/alerts/evaluate.ts, with
// the instants given as the clock) over real PostgreSQL through the reports engine: a change is
// measured against the previous window or the same window a week ago, as the rule says; no data
// fires when the tracked event stops, and resolves when it comes back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { evaluateRule, RULE_COLUMNS, type RuleRow } from "./evaluate";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Two days ago (UTC): every instant evaluated below is in the past. */
const day = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;

let tenant: Tenant;
let key: string;

/** `count` events named `name`, spread evenly over the hour from `start`. */
function hourOf(name: string, start: number, count: number): EventRow[] {
  return Array.from({ length: count }, (_, i) =>
    eventRow({ name, timestamp: new Date(start + ((i + 0.5) * HOUR) / count) }),
  );
}

beforeAll(async () => {
  tenant = await createTenant();
  ({ key } = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "alerts" }));
  await ensureEventPartitions(getPool(), new Date(day - 2 * WEEK), new Date(day + DAY));
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    // Signups: 30 from 10:00 to 11:00 and 30 the hour before; 10 in that hour a week ago.
    ...hourOf("signup", day + 9 * HOUR, 30),
    ...hourOf("signup", day + 10 * HOUR, 30),
    ...hourOf("signup", day - WEEK + 10 * HOUR, 10),
    // A heartbeat every 5 minutes until 12:00, then nothing until 13:00, then again.
    ...Array.from({ length: 12 }, (_, i) =>
      eventRow({ name: "heartbeat", timestamp: new Date(day + 11 * HOUR + i * 5 * MINUTE) }),
    ),
    eventRow({ name: "heartbeat", timestamp: new Date(day + 13 * HOUR) }),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

/** Creates a rule over HTTP; answers its id and a reader of its row as evaluateRule takes it. */
async function createRule(name: string, event: string, window: unknown, condition: unknown) {
  const response = await fetch(`${testBaseUrl()}/api/v1/alerts`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      project_id: tenant.projectId,
      name,
      query: { kind: "metric", event, measure: { type: "count" } },
      window,
      condition,
    }),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  const row = async () =>
    (await getPool().query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id])).rows[0] as RuleRow;
  return { id, row };
}

describe("change", () => {
  it("compares with the same window a week ago: 30 signups against 10 is up 200%", async () => {
    const { id, row } = await createRule(
      "Signups vs last week",
      "signup",
      { minutes: 60 },
      {
        type: "change",
        compare_to: "week_ago",
        unit: "percent",
        direction: "increase",
        value: 100,
      },
    );
    const outcome = await evaluateRule(await row(), new Date(day + 11 * HOUR));
    expect(outcome).toMatchObject({ recorded: true, transition: "firing", state: "firing" });
    const { rows } = await getPool().query<{ value: number; comparison: Record<string, unknown> }>(
      "SELECT value, comparison FROM alert_evaluations WHERE rule_id = $1",
      [id],
    );
    expect(rows).toEqual([
      expect.objectContaining({ value: 30, comparison: expect.objectContaining({ reference: 10, change: 200 }) }),
    ]);
  });

  it("compares with the previous window: 30 signups against 30 is no change", async () => {
    const { row } = await createRule(
      "Signups vs the hour before",
      "signup",
      { minutes: 60 },
      {
        type: "change",
        compare_to: "previous_window",
        unit: "percent",
        direction: "increase",
        value: 100,
      },
    );
    const outcome = await evaluateRule(await row(), new Date(day + 11 * HOUR));
    expect(outcome).toMatchObject({ recorded: true, transition: null, state: "ok" });
  });
});

describe("no data", () => {
  it("fires once the event has been missing for the span, and resolves when it returns", async () => {
    const { row } = await createRule(
      "Heartbeat stopped",
      "heartbeat",
      { minutes: 60 },
      { type: "no_data", minutes: 30 },
    );
    const verdicts: Record<string, string | null | undefined> = {};
    // The last heartbeat is at 11:55: 12:20 is 25 minutes on, 12:30 35.
    for (const [label, at] of [
      ["12:20", day + 12 * HOUR + 20 * MINUTE],
      ["12:30", day + 12 * HOUR + 30 * MINUTE],
      ["12:50", day + 12 * HOUR + 50 * MINUTE],
      ["13:05", day + 13 * HOUR + 5 * MINUTE],
    ] as const) {
      const outcome = await evaluateRule(await row(), new Date(at));
      expect(outcome.recorded).toBe(true);
      verdicts[label] = outcome.transition;
    }
    expect(verdicts).toEqual({ "12:20": null, "12:30": "firing", "12:50": null, "13:05": "resolved" });
  });
});
