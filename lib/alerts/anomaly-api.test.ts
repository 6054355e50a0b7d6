// An anomaly rule on a hand-built seasonal history: every day a quiet night and a busy noon, the
// same over the four weeks before. Evaluated (lib/alerts/evaluate.ts, with the instants given as
// the clock) over real PostgreSQL through the reports engine, it fires on an hour planted with a
// noon's traffic at night, and not on the day's normal peak nor the quiet hours around it.
import { afterAll, expect, it } from "vitest";
import { createTenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { evaluateRule, RULE_COLUMNS, type RuleRow } from "./evaluate";

afterAll(async () => {
  await closeDatabase();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Events per hour of a normal day: 5-8 at night, a peak of 55-65 at 12:00 UTC, 15-20 otherwise. */
function normalHour(hour: number, week: number): number {
  if (hour === 12) return 55 + ((week * 3) % 11);
  if (hour < 7) return 5 + ((week + hour) % 4);
  return 15 + ((week + hour) % 6);
}

it("fires on the planted anomaly and not on the normal peaks", async () => {
  const tenant = await createTenant();
  // The evaluated day: two days ago (UTC), so every hour of it is in the past.
  const day = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  await ensureEventPartitions(getPool(), new Date(day - 5 * WEEK), new Date(day + DAY));
  const events: EventRow[] = [];
  const hourOf = (start: number, count: number) => {
    for (let i = 0; i < count; i++)
      events.push(eventRow({ name: "checkout", timestamp: new Date(start + ((i + 0.5) * HOUR) / count) }));
  };
  for (let week = 0; week <= 4; week++) {
    for (let hour = 0; hour < 24; hour++) {
      // The planted anomaly: 03:00 on the evaluated day has a noon's traffic.
      const planted = week === 0 && hour === 3;
      hourOf(day - week * WEEK + hour * HOUR, planted ? 60 : normalHour(hour, week));
    }
  }
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, events);

  const { key } = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "alerts" });
  const response = await fetch(`${testBaseUrl()}/api/v1/alerts`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      project_id: tenant.projectId,
      name: "Checkouts unusual for the hour",
      query: { kind: "metric", event: "checkout", measure: { type: "count" } },
      window: { minutes: 60 },
      condition: { type: "anomaly", weeks: 4, k: 3, min_volume: 20 },
    }),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  const rule = async () =>
    (await getPool().query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id])).rows[0] as RuleRow;

  // Each hour is evaluated as its window closes, in order: 01-04 (the planted 03:00 among them), 12-14.
  const verdicts: Record<number, string | null | undefined> = {};
  for (const hour of [2, 3, 4, 5, 12, 13, 14]) {
    const outcome = await evaluateRule(await rule(), new Date(day + hour * HOUR));
    expect(outcome.recorded).toBe(true);
    verdicts[hour - 1] = outcome.transition;
  }
  expect(verdicts).toEqual({ 1: null, 2: null, 3: "firing", 4: "resolved", 11: null, 12: null, 13: null });

  const { rows } = await getPool().query<{
    at: Date;
    value: number;
    breaching: boolean;
    comparison: { band: { median: number } };
  }>("SELECT at, value, breaching, comparison FROM alert_evaluations WHERE rule_id = $1 ORDER BY at", [id]);
  const planted = rows.find((r) => r.at.getTime() === day + 4 * HOUR);
  expect(planted).toMatchObject({ value: 60, breaching: true });
  expect(planted?.comparison.band.median).toBeLessThan(10);
  const peak = rows.find((r) => r.at.getTime() === day + 13 * HOUR);
  expect(peak).toMatchObject({ breaching: false });
  expect(peak?.comparison.band.median).toBeGreaterThan(50);
  expect(rows.filter((r) => r.breaching)).toHaveLength(1);
});
