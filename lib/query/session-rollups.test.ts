// Session measures from the session rollups equal the raw answer: sessions within one hour, sessions
// spanning hours cut by the range, events without a session id, and arrivals after the watermark.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPool } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { generateDemoEvents } from "../demo/generate-events";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";
import { runQuery } from "./run-query";
import { type QueryDefinitionInput, type QueryRange, queryDefinitionSchema } from "./schemas";

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
    for (const measure of ["sessions", "bounce_rate", "avg_session_duration"] as const) {
      const { raw, rolled } = await both({ kind: "metric", measure: { type: measure } }, "UTC", range);
      expect(rolled.meta.rollups).toBe(true);
      expect(rolled.data).toEqual(raw.data);
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

it("leaves filtered and broken-down session queries to raw events", async () => {
  const filtered = await both(
    { kind: "metric", measure: { type: "sessions" }, filters: [{ field: "country", op: "equals", value: "US" }] },
    "UTC",
  );
  expect(filtered.rolled.meta.rollups).toBe(false);
  const byEvent = await both({ kind: "metric", event: "pageview", measure: { type: "bounce_rate" } }, "UTC");
  expect(byEvent.rolled.meta.rollups).toBe(false);
});
