// How far a refresh may fold (refresh-steps.ts): never past a transaction still open that may write
// events (they carry its start time as received_at, and would become visible behind the watermark),
// but past other refreshes' transactions, which write derived tables only.
import type pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createTenant } from "../../testing/fixtures";
import { closeDatabase, getPool, REFRESH_APPLICATION_NAME } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { refreshRollups } from "./rollup-refresh";

afterAll(async () => {
  await closeDatabase();
});

async function openTransaction(client: pg.PoolClient, applicationName?: string): Promise<Date> {
  await client.query("BEGIN");
  if (applicationName) await client.query(`SET LOCAL application_name = '${applicationName}'`);
  const { rows } = await client.query<{ started: Date }>("SELECT now() AS started");
  return rows[0]!.started;
}

const watermark = async () =>
  (await getPool().query<{ watermark: Date }>("SELECT watermark FROM rollup_state WHERE id = 1")).rows[0]!.watermark;

it("folds past another refresh's open transaction, and never past an open transaction that may write events", async () => {
  const tenant = await createTenant();
  await ensureEventPartitions(getPool(), new Date(Date.now() - 86_400_000), new Date());
  const write = async (anonymousId: string) => {
    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      eventRow({ name: "pageview", anonymousId, timestamp: new Date(), path: "/" }),
    ]);
    const { rows } = await getPool().query<{ received_at: Date }>(
      "SELECT received_at FROM events WHERE project_id = $1 AND anonymous_id = $2",
      [tenant.projectId, anonymousId],
    );
    return rows[0]!.received_at;
  };
  const otherRefresh = await getPool().connect();
  const writer = await getPool().connect();
  try {
    await openTransaction(otherRefresh, REFRESH_APPLICATION_NAME);
    const first = await write("first");
    // A waiting refresh returns once it has folded everything committed before its call: it would
    // wait out its bound (minutes) for the other refresh's transaction if that held it back.
    await refreshRollups(getPool(), { wait: true });
    expect((await watermark()).getTime()).toBeGreaterThanOrEqual(first.getTime());

    const writerStarted = await openTransaction(writer);
    await write("second");
    // Whoever refreshes now (this call, the app's background job, another suite) stops short of the
    // open transaction's start, where events it commits later will be stamped.
    await refreshRollups(getPool());
    expect((await watermark()).getTime()).toBeLessThan(writerStarted.getTime());
  } finally {
    await otherRefresh.query("ROLLBACK");
    await writer.query("ROLLBACK");
    otherRefresh.release();
    writer.release();
  }
});
