// Ingestion never waits behind report queries, over real HTTP: on an app process of its own (so the
// load stays off the other test files' server), twelve heavy report queries fill every report
// connection while events are posted; each post answers 202 without queueing behind them. And one
// key's concurrent queries are capped: the excess gets 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../../testing/app-server";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { createApiKey } from "../auth/api-keys";
import { getEnv } from "../env";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { PRINCIPAL_LIMITS } from "../query/query-gate";
import { closeDatabase, getPool } from "./client";
import { ensureEventPartitions } from "./partitions";

const HOUR = 3_600_000;
/**
 * Filtered sessions come from raw events (these carry no session id: window functions over every
 * actor's events): seconds of work when many run at once. Unfiltered, the session rollups answer.
 */
const heavyQuery = {
  kind: "metric",
  measure: { type: "sessions" },
  compare: false,
  filters: [{ field: "path", op: "contains", value: "/p/" }],
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
  const events = Array.from({ length: 100_000 }, (_, i) =>
    eventRow({
      name: i % 3 ? "pageview" : "click",
      timestamp: new Date(now - 2 * HOUR - (i % 50_000) * 2_000),
      userId: `u-${i % 10_000}`,
      path: `/p/${i % 200}`,
    }),
  );
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, events);
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

function runHeavyQuery(key: string) {
  return fetch(`${server.baseUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ project_id: tenant.projectId, query: heavyQuery, range: { relative: "last_7_days" } }),
  });
}

/** Report connections (of any app process) running the sessions query. */
async function activeHeavyQueries(): Promise<number> {
  const { rows } = await getPool().query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lumen-reports' AND state = 'active' AND backend_type = 'client backend' AND query LIKE '%session_key%'",
  );
  return rows[0]!.n;
}

describe("separate pools", () => {
  it("answers ingestion with 202 while heavy report queries hold every report connection", async () => {
    const poolSize = getEnv().LUMEN_REPORT_POOL_SIZE;
    // A fresh process loads each route (and ingestion its worker threads) on first use: not what is measured here.
    expect((await postEvent("warm-up")).status).toBe(202);
    expect((await runHeavyQuery(keys[0]!)).status).toBe(200);
    let answered = 0;
    const heavy = Array.from({ length: 12 }, (_, i) =>
      runHeavyQuery(keys[i % keys.length]!).then(async (response) => {
        answered++;
        return {
          status: response.status,
          code: response.ok ? null : ((await response.json()) as { error: { code: string } }).error.code,
        };
      }),
    );
    await expect.poll(activeHeavyQueries, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(poolSize);
    const ingested = await Promise.all([0, 1, 2].map(async () => (await postEvent("signup")).status));
    const answeredBeforeIngestionDid = answered;
    expect(ingested).toEqual([202, 202, 202]);
    // Had ingestion shared the report pool, its posts would have queued behind the queries waiting
    // for a connection: answered only after every waiting query got one, i.e. after more than
    // (queries - pool size) had finished. A loaded machine may finish a running query or two meanwhile.
    expect(answeredBeforeIngestionDid).toBeLessThanOrEqual(heavy.length - poolSize);
    // Every report query is answered too: with data, or (on a slow machine) a clear 503, never a 500.
    for (const result of await Promise.all(heavy)) {
      expect([200, 503]).toContain(result.status);
      if (result.status === 503) expect(["query_timeout", "unavailable"]).toContain(result.code);
    }
  }, 60_000);
});

describe("concurrent queries per principal", () => {
  it("answers one key's requests beyond its cap with 429 and Retry-After", async () => {
    const { requests } = PRINCIPAL_LIMITS.api;
    const responses = await Promise.all(Array.from({ length: requests + 4 }, () => runHeavyQuery(keys[0]!)));
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    for (const response of limited) {
      expect(response.headers.get("retry-after")).toBe("1");
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: "rate_limited",
        message: expect.stringMatching(/this API key: at most 8 requests/),
      });
    }
    // The admitted ones ran: answered with data, or a clear 503 on a slow machine.
    for (const response of responses.filter((r) => r.status !== 429)) expect([200, 503]).toContain(response.status);
    // Once they are answered, the key is admitted again.
    expect((await runHeavyQuery(keys[0]!)).status).toBe(200);
  }, 60_000);
});
