// Extra readers see exactly the caller's snapshot and its statement timeout, are skipped rather than
// waited for, and go back to their pool with the transaction ended. The readers' connections are
// opened before the tests count them (testing/reader-pool.ts): a reader slow to connect is left out.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openReaderPool } from "../../testing/reader-pool";
import { closeDatabase, getPool, getReaderPool } from "./client";
import { withSnapshotReaders } from "./snapshot-readers";

const table = `snapshot_readers_${randomUUID().replaceAll("-", "")}`;

beforeAll(async () => {
  await getPool().query(`CREATE TABLE ${table} (n int)`);
  await getPool().query(`INSERT INTO ${table} VALUES (1)`);
  await openReaderPool();
});

afterAll(async () => {
  await getPool().query(`DROP TABLE ${table}`);
  await closeDatabase();
});

const pidOf = async (reader: Pick<pg.PoolClient, "query">) =>
  (await reader.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;

async function inSnapshot<T>(run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const db = await getPool().connect();
  try {
    await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return await run(db);
  } finally {
    await db.query("ROLLBACK");
    db.release();
  }
}

it("gives readers on other server processes the caller's snapshot, not what committed after it", async () => {
  await inSnapshot(async (db) => {
    const count = async (reader: Pick<pg.PoolClient, "query">) =>
      (await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    expect(await count(db)).toBe(1);
    await getPool().query(`INSERT INTO ${table} VALUES (2)`);
    expect(await count(getPool())).toBe(2);
    await withSnapshotReaders(db, 2, async (readers) => {
      expect(readers).toHaveLength(3);
      expect(readers[0]).toBe(db);
      const pids = await Promise.all(readers.map(pidOf));
      expect(new Set(pids).size).toBe(3);
      expect(await Promise.all(readers.map(count))).toEqual([1, 1, 1]);
    });
  });
});

it("holds readers to the caller's statement_timeout, and gives the setting back with the transaction", async () => {
  const timeoutOf = async (reader: Pick<pg.PoolClient, "query">) =>
    (await reader.query<{ timeout: string }>("SELECT current_setting('statement_timeout') AS timeout")).rows[0]!
      .timeout;
  const serverDefault = await timeoutOf(getPool());
  let readerPids: number[] = [];
  await inSnapshot(async (db) => {
    await db.query("SET LOCAL statement_timeout = 50");
    await withSnapshotReaders(db, 2, async (readers) => {
      readerPids = await Promise.all(readers.slice(1).map(pidOf));
      expect(await Promise.all(readers.map(timeoutOf))).toEqual(["50ms", "50ms", "50ms"]);
      const slow = await Promise.all(
        readers
          .slice(1)
          .map((reader) => reader.query("SELECT pg_sleep(5)").catch((error: { code?: string }) => error.code)),
      );
      expect(slow).toEqual(["57014", "57014"]);
    });
  });
  expect(readerPids).toHaveLength(2);
  const pool = getReaderPool();
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  try {
    const returned = (
      await Promise.all(clients.map(async (client) => ({ pid: await pidOf(client), timeout: await timeoutOf(client) })))
    ).filter((c) => readerPids.includes(c.pid));
    expect(returned.map((c) => c.timeout)).toEqual([serverDefault, serverDefault]);
  } finally {
    for (const client of clients) client.release();
  }
});

it("runs the work on the caller alone when no reader is free, without waiting", async () => {
  const pool = getReaderPool();
  const held = await Promise.all(Array.from({ length: pool.options.max ?? 0 }, () => pool.connect()));
  try {
    await inSnapshot(async (db) => {
      const readers = await withSnapshotReaders(db, 1, async (r) => r);
      expect(readers).toEqual([db]);
    });
  } finally {
    for (const client of held) client.release();
  }
});

it("returns its readers to the pool outside any transaction, also when the work fails", async () => {
  let readerPids: number[] = [];
  await inSnapshot(async (db) => {
    const failing = withSnapshotReaders(db, 2, async (readers) => {
      readerPids = await Promise.all(readers.slice(1).map(pidOf));
      throw new Error("boom");
    });
    await expect(failing).rejects.toThrow("boom");
  });
  expect(readerPids).toHaveLength(2);
  const pool = getReaderPool();
  expect(pool.idleCount).toBe(pool.totalCount);
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  try {
    const states = await Promise.all(
      clients.map(
        async (client) =>
          (
            await client.query<{ pid: number; read_only: string }>(
              "SELECT pg_backend_pid() AS pid, current_setting('transaction_read_only') AS read_only",
            )
          ).rows[0]!,
      ),
    );
    const returned = states.filter((state) => readerPids.includes(state.pid));
    expect(returned).toHaveLength(2);
    expect(returned.map((state) => state.read_only)).toEqual(["off", "off"]);
  } finally {
    for (const client of clients) client.release();
  }
});

it("refuses a caller whose statements would not all read one snapshot, and hands back the readers it asked for", async () => {
  const db = await getPool().connect();
  try {
    await db.query("BEGIN ISOLATION LEVEL READ COMMITTED");
    await expect(withSnapshotReaders(db, 1, async () => "ran")).rejects.toThrow(/REPEATABLE READ/);
  } finally {
    await db.query("ROLLBACK");
    db.release();
  }
  const pool = getReaderPool();
  expect(pool.idleCount).toBe(pool.totalCount);
});
