// More than one server process for one report query, all reading the same moment: the caller's
// REPEATABLE READ transaction exports its snapshot (pg_export_snapshot) and each extra connection
// imports it (SET TRANSACTION SNAPSHOT) before it reads anything. The extra connections keep the
// server's settings, not the caller's SET LOCALs, but for its statement_timeout: a reader's part
// of a query is held to the same time as the query.
import "server-only";
import type pg from "pg";
import { getReaderPool } from "./client";

export type Reader = Pick<pg.PoolClient, "query">;

/** What the server prints for pg_export_snapshot(): hex words and dashes. It is interpolated, so checked. */
const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/i;
/** What current_setting('statement_timeout') prints: "0", "1500ms", "10s", "5min". Interpolated too. */
const TIMEOUT_SETTING = /^\d+(us|ms|s|min|h|d)?$/;

interface Snapshot {
  id: string;
  statementTimeout: string;
}

/**
 * Runs `work` with `db` (in a REPEATABLE READ transaction) first, then up to `extra` more readers
 * sharing its snapshot. Readers come from their own small pool and are not queued for: only the
 * ones free at the call are asked for (at once, so concurrent calls do not count the same one), a
 * connection that is slow to come is left out, and `work` gets fewer readers (`db` alone at
 * worst). So queries holding main-pool connections never wait on each other's readers.
 */
export async function withSnapshotReaders<T>(
  db: pg.PoolClient,
  extra: number,
  work: (readers: Reader[]) => Promise<T>,
): Promise<T> {
  const pool = getReaderPool();
  const free = pool.idleCount + Math.max(0, (pool.options.max ?? 0) - pool.totalCount) - pool.waitingCount;
  const asked = Array.from({ length: Math.max(0, Math.min(extra, free)) }, () => pool.connect().catch(() => null));
  if (asked.length === 0) return work([db]);
  let snapshot: Snapshot;
  try {
    snapshot = await exportSnapshot(db);
  } catch (error) {
    await Promise.all(asked.map(async (connecting) => (await connecting)?.release()));
    throw error;
  }
  const joined = await Promise.all(asked.map(async (connecting) => join(await connecting, snapshot)));
  const peers = joined.filter((peer): peer is pg.PoolClient => peer !== null);
  try {
    return await work([db, ...peers]);
  } finally {
    await Promise.all(peers.map(leave));
  }
}

async function exportSnapshot(db: pg.PoolClient): Promise<Snapshot> {
  const { rows } = await db.query<{ snapshot: string; isolation: string; timeout: string }>(
    "SELECT pg_export_snapshot() AS snapshot, current_setting('transaction_isolation') AS isolation, current_setting('statement_timeout') AS timeout",
  );
  const { snapshot = "", isolation, timeout = "" } = rows[0] ?? {};
  // Under READ COMMITTED each of the caller's statements would read a newer snapshot than the readers.
  if (isolation !== "repeatable read" && isolation !== "serializable")
    throw new Error(`snapshot readers need a REPEATABLE READ transaction, not ${isolation}`);
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshot)}`);
  if (!TIMEOUT_SETTING.test(timeout)) throw new Error(`unexpected statement_timeout ${JSON.stringify(timeout)}`);
  return { id: snapshot, statementTimeout: timeout };
}

/** The connection inside a read-only transaction on `snapshot`, or null when it has none to offer. */
async function join(client: pg.PoolClient | null, snapshot: Snapshot): Promise<pg.PoolClient | null> {
  if (!client) return null;
  try {
    await client.query(
      `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot.id}'; SET LOCAL statement_timeout = '${snapshot.statementTimeout}'`,
    );
    return client;
  } catch {
    client.release(true);
    return null;
  }
}

async function leave(client: pg.PoolClient): Promise<void> {
  try {
    await client.query("COMMIT");
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
  }
}
