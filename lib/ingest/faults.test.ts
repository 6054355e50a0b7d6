// Faults, on real processes: the app server killed with SIGKILL while the Node SDK sends and retries
// loses and duplicates no event; the database stopped gives 503 + Retry-After, and ingestion comes
// back by itself when the database does. The test runs its own app server (from the build `npm
// test` made) against a throw-away PostgreSQL of its own, since it stops both.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Lumen } from "../../sdk/node/client";
import { AppServer, freePort, waitFor } from "../../testing/app-server";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPrisma } from "../db/client";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "../db/embedded";
import { prepareDatabase } from "../db/prepare";
import { setDatabaseUrl } from "../env";

let dataDir: string;
let pgPort: number;
let db: EmbeddedDatabase;
let app: AppServer;
let tenant: Tenant;

function startDatabase(): Promise<EmbeddedDatabase> {
  // Persistent, so that stopping it keeps the data for the restart; the folder is removed at the end.
  return startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port: pgPort,
    database: "lumen_faults",
    persistent: true,
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "lumen-faults-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to reach its data directory.
  await chmod(dataDir, 0o755);
  pgPort = await freePort();
  db = await startDatabase();
  await prepareDatabase(db.url, 30);
  setDatabaseUrl(db.url);
  tenant = await createTenant({ rateLimit: 100_000, eventRateLimit: 1_000_000 });
  app = new AppServer(await freePort(), { DATABASE_URL: db.url, LUMEN_DATA_DIR: dataDir, LUMEN_LOG_LEVEL: "error" });
  await app.start();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await closeDatabase();
  await db?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function storedEvents(eventIds: string[]): Promise<{ rows: number; distinct: number }> {
  const [row] = await getPrisma().$queryRaw<{ rows: bigint; distinct: bigint }[]>`
    SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct FROM events
    WHERE organization_id = ${tenant.organizationId}::uuid AND project_id = ${tenant.projectId}::uuid AND event_id = ANY(${eventIds}::uuid[])`;
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

function eventIdsFor(count: number, run: string): string[] {
  // Fixed, known ids: what a retrying client resends.
  return Array.from({ length: count }, (_, i) => `${run}-0000-4000-8000-${String(i).padStart(12, "0")}`);
}

/** Watches the SDK's requests (it uses the global fetch): how many are on the wire, how many failed. */
function watchIngestRequests() {
  const realFetch = globalThis.fetch;
  const watch = {
    inFlight: 0,
    failed: 0,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
  globalThis.fetch = async (input, init) => {
    if (!String(input instanceof Request ? input.url : input).endsWith("/api/v1/events")) return realFetch(input, init);
    watch.inFlight++;
    try {
      return await realFetch(input, init);
    } catch (error) {
      watch.failed++;
      throw error;
    } finally {
      watch.inFlight--;
    }
  };
  return watch;
}

it("loses and duplicates nothing when the server is killed with SIGKILL mid-ingestion while the SDK retries", async () => {
  const ids = eventIdsFor(3000, "00000001");
  const failures: Error[] = [];
  const watch = watchIngestRequests();
  try {
    const sdk = new Lumen({
      host: app.baseUrl,
      writeKey: tenant.writeKey,
      batchSize: 50,
      flushIntervalMs: 60_000,
      maxQueueSize: 10_000,
      maxRetries: 100,
      retryBaseMs: 20,
      maxRetryDelayMs: 200,
      onError: (error) => failures.push(error),
    });
    for (const [i, eventId] of ids.entries())
      sdk.track({ event_id: eventId, name: "fault_test", user_id: `u${i % 7}`, properties: { i } });
    const sending = sdk.flush();

    // Kill once part of the events are in, while a batch is on the wire or being written.
    await waitFor(
      "a request in flight after the first events are stored",
      async () => (await storedEvents(ids)).rows >= 500 && watch.inFlight > 0,
      30_000,
      5,
    );
    await app.stop("SIGKILL");
    expect((await storedEvents(ids)).rows).toBeLessThan(ids.length);
    await app.start();

    await sending;
    expect(watch.failed).toBeGreaterThanOrEqual(1);
    expect(failures).toEqual([]);
    expect(sdk.dropped).toBe(0);
    expect(await storedEvents(ids)).toEqual({ rows: ids.length, distinct: ids.length });
  } finally {
    watch.restore();
  }
}, 60_000);

it("answers 503 + Retry-After while the database is stopped, and ingests again by itself once it is back", async () => {
  const ids = eventIdsFor(20, "00000002");
  const post = () =>
    fetch(`${app.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tenant.writeKey}` },
      body: JSON.stringify({ events: ids.map((eventId) => ({ event_id: eventId, name: "outage_test" })) }),
    });
  // Warm: the key is cached and the pool holds connections, which the stop will break.
  expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);

  await closeDatabase();
  await db.stop();
  for (let i = 0; i < 3; i++) {
    const response = await post();
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unavailable");
  }
  expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(503);

  db = await startDatabase();
  let status = 0;
  await waitFor(
    "ingestion to recover",
    async () => {
      status = (await post()).status;
      return status !== 503;
    },
    30_000,
    100,
  );
  expect(status).toBe(202);
  expect(app.running).toBe(true);
  expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
  expect(await storedEvents(ids)).toEqual({ rows: ids.length, distinct: ids.length });
}, 60_000);
