// Ingestion never waits behind report queries, over real HTTP: on an app process of its own (so the
// load stays off the other test files' server), twelve report queries fill every report connection
// while events are posted; each post answers 202 without queueing behind them. And one key's
// concurrent queries are capped: the excess gets 429 with Retry-After.
//
// The report queries are held by the test, not by how long they take: they read property_events
// (a property filter), which the test locks while it checks. Ingestion writes events only (the
// refresh fills property_events later), so nothing but the report queries waits on that lock, and
// no outcome depends on how fast the machine runs them.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../../testing/app-server";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { getEnv } from "../env";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { PRINCIPAL_LIMITS } from "../query/query-gate";
import { refreshRollups } from "../query/rollup-refresh";
import { closeDatabase, getPool } from "./client";
import { ensureEventPartitions } from "./partitions";

const HOUR = 3_600_000;
/** Sessions under a property filter: raw events, read through property_events once the refresh has run. */
const lockableQuery = {
  kind: "metric",
  measure: { type: "sessions" },
  compare: false,
  filters: [{ field: "properties.plan", op: "equals", value: "pro" }],
};

let tenant: Tenant;
let keys: string[];
let server: AppServer;

beforeAll(async () => {
  tenant = await createTenant();
  keys = await Promise.all(
    [0, 1, 2].map(
      async (i) =>
        (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: `reader ${i}` })).key,
    ),
  );
  const now = Date.now();
  await ensureEventPartitions(getPool(), new Date(now - 3 * 24 * HOUR), new Date(now));
  const events = Array.from({ length: 2_000 }, (_, i) =>
    eventRow({
      name: i % 3 ? "pageview" : "click",
      timestamp: new Date(now - 2 * HOUR - i * 60_000),
      userId: `u-${i % 200}`,
      path: `/p/${i % 20}`,
      properties: { plan: i % 2 ? "pro" : "free" },
    }),
  );
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, events);
  await refreshRollups(getPool(), { wait: true });
  server = await startAppServer({});
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await closeDatabase();
});

function postEvent(name: string) {
  return fetch(`${server.baseUrl}/api/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tenant.writeKey}` },
    body: JSON.stringify({ events: [{ name, user_id: "u-1" }] }),
  });
}

function runLockableQuery(key: string) {
  return fetch(`${server.baseUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ project_id: tenant.projectId, query: lockableQuery, range: { relative: "last_7_days" } }),
  });
}

/** Report connections (of any app process) waiting on the test's lock. */
async function reportQueriesWaitingOnLock(): Promise<number> {
  const { rows } = await getPool().query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lumen-reports' AND state = 'active' AND wait_event_type = 'Lock'",
  );
  return rows[0]!.n;
}

/** Runs `body` while property_events is locked against every reader, on a connection of the test's own. */
async function whilePropertyEventsLocked<T>(body: () => Promise<T>): Promise<T> {
  const holder: pg.PoolClient = await getPool().connect();
  try {
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE property_events IN ACCESS EXCLUSIVE MODE");
    return await body();
  } finally {
    await holder.query("ROLLBACK");
    holder.release();
  }
}

describe("separate pools", () => {
  it("answers ingestion with 202 while report queries hold every report connection", async () => {
    const poolSize = getEnv().LUMEN_REPORT_POOL_SIZE;
    // A fresh process loads each route (and ingestion its worker threads) on first use: not what is checked here.
    expect((await postEvent("warm-up")).status).toBe(202);
    expect((await runLockableQuery(keys[0]!)).status).toBe(200);
    const queries = 12;
    expect(queries).toBeGreaterThan(poolSize);
    const heavy = await whilePropertyEventsLocked(async () => {
      const pending = Array.from({ length: queries }, (_, i) => runLockableQuery(keys[i % keys.length]!));
      // Every report connection is taken by a query that cannot finish; the rest wait for one.
      await expect.poll(reportQueriesWaitingOnLock, { timeout: 20_000, interval: 50 }).toBe(poolSize);
      // Had ingestion shared the report pool, its posts would wait for a connection that no query can give back.
      const ingested = await Promise.all([0, 1, 2].map(async () => (await postEvent("signup")).status));
      expect(ingested).toEqual([202, 202, 202]);
      expect(await reportQueriesWaitingOnLock()).toBe(poolSize);
      return pending;
    });
    // Once the lock goes, every report query is answered: with data, or (its wait over on a slow
    // machine) a clear 503, never a 500.
    for (const response of await Promise.all(heavy)) {
      expect([200, 503]).toContain(response.status);
      if (response.status === 503) {
        expect(["query_timeout", "unavailable"]).toContain(
          ((await response.json()) as { error: { code: string } }).error.code,
        );
      }
    }
  }, 60_000);
});

describe("concurrent queries per principal", () => {
  it("answers one key's requests beyond its cap with 429 and Retry-After", async () => {
    const { requests } = PRINCIPAL_LIMITS.api;
    const limited: Response[] = [];
    const admitted = await whilePropertyEventsLocked(async () => {
      const pending = Array.from({ length: requests + 4 }, () =>
        runLockableQuery(keys[0]!).then((response) => {
          if (response.status === 429) limited.push(response);
          return response;
        }),
      );
      // The admitted ones cannot finish while the lock is held, so exactly the excess is refused.
      await expect.poll(() => limited.length, { timeout: 20_000, interval: 50 }).toBe(4);
      return pending;
    });
    for (const response of limited) {
      expect(response.headers.get("retry-after")).toBe("1");
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: "rate_limited",
        message: expect.stringMatching(/this API key: at most 8 requests/),
      });
    }
    const answered = await Promise.all(admitted);
    expect(answered.filter((r) => r.status === 429)).toHaveLength(4);
    // The admitted ones ran: answered with data, or a clear 503 on a slow machine.
    for (const response of answered.filter((r) => r.status !== 429)) expect([200, 503]).toContain(response.status);
    // Once they are answered, the key is admitted again.
    expect((await runLockableQuery(keys[0]!)).status).toBe(200);
  }, 60_000);
});
