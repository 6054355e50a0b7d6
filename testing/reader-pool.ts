// Snapshot readers (lib/db/snapshot-readers.ts) come from a small pool that gives a new connection
// 500 ms and leaves out a reader slower to come: right for a report, which then runs on fewer
// connections, but a test that counts readers would count how fast a loaded machine starts
// PostgreSQL backends (one took over 2 s at load 25). A test that counts them opens them all first,
// however long that takes, and the pool keeps them: it hands out an idle connection at once.
import type pg from "pg";
import { getReaderPool } from "../lib/db/client";

/** Opens every connection of this process's reader pool and keeps them there, idle, until closeDatabase(). */
export async function openReaderPool(): Promise<void> {
  const pool = getReaderPool();
  const { connectionTimeoutMillis } = pool.options;
  let connecting: Promise<pg.PoolClient>[];
  // pg-pool reads both settings as it goes: no limit for these connects alone, and no idle timeout,
  // so that a slow test never finds the pool emptied again.
  pool.options.connectionTimeoutMillis = 0;
  pool.options.idleTimeoutMillis = 0;
  try {
    connecting = Array.from({ length: pool.options.max ?? 0 }, () => pool.connect());
  } finally {
    pool.options.connectionTimeoutMillis = connectionTimeoutMillis;
  }
  for (const client of await Promise.all(connecting)) client.release();
}
