// More than one server process for one report query, all reading the same moment: the caller's
// REPEATABLE READ transaction exports its snapshot (pg_export_snapshot) and each extra connection
// imports it (SET TRANSACTION SNAPSHOT) before it reads anything.
import type pg from "pg";
import { getReaderPool } from "./client";

export type Reader = Pick<pg.PoolClient, "query">;

/** What the server prints for pg_export_snapshot(): hex words and dashes. It is interpolated, so checked. */
const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/i;

/**
 * Runs `work` with `db` (in a REPEATABLE READ transaction) first, then up to `extra` more readers
 * sharing its snapshot. Readers come from their own small pool and are never waited for: when none
 * is free, `work` gets fewer (`db` alone at worst), so queries holding main-pool connections cannot
 * deadlock waiting on each other's readers.
 */
export async function withSnapshotReaders<T>(db: pg.PoolClient, extra: number, work: (readers: Reader[]) => Promise<T>): Promise<T> {
  const pool = getReaderPool();
  const available = Math.min(extra, pool.idleCount + Math.max(0, (pool.options.max ?? 0) - pool.totalCount));
  if (available <= 0) return work([db]);
  const { rows } = await db.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
  const snapshot = rows[0]?.snapshot ?? "";
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshot)}`);
  const joined = await Promise.all(Array.from({ length: available }, () => join(pool, snapshot)));
  const peers = joined.filter((peer): peer is pg.PoolClient => peer !== null);
  try {
    return await work([db, ...peers]);
  } finally {
    await Promise.all(peers.map(leave));
  }
}

/** A pooled connection inside a read-only transaction on `snapshot`, or null when none could be had. */
async function join(pool: pg.Pool, snapshot: string): Promise<pg.PoolClient | null> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch {
    return null;
  }
  try {
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${snapshot}'`);
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
