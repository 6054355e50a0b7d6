// The database clients, one pool per kind of work, so one kind never waits for another's connections:
//   - the app pool: Prisma (the app's own tables), ingestion's writes, sign-in, rollup maintenance;
//   - the report pool: report queries (lib/query/run-query.ts), each holding its connection for
//     a whole query, up to its statement timeout. However many run, ingestion keeps its own;
//   - the readers: extra connections that join a report query's snapshot (snapshot-readers.ts).
// Per process: app 10 + reports 8 + readers 4 + the realtime LISTEN connection = 23, so four app
// processes stay within PostgreSQL's default max_connections of 100 (3 reserved for superusers).
// Each pool names itself in pg_stat_activity (application_name).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getEnv } from "../env";
import { PrismaClient } from "./generated/client";

interface Database {
  pool: pg.Pool;
  /** Report queries only: 10 heavy queries cannot take ingestion's connections. */
  reports: pg.Pool;
  /** Connections that join another's snapshot to share one report query's work (see snapshot-readers). */
  readers: pg.Pool;
  prisma: PrismaClient;
}

const READER_POOL_SIZE = 4;
/** How long the app pool waits for a connection (a free one, or a new backend starting). */
const APP_CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long a report query waits for a report connection when all are busy (with others' queries,
 * which end within their statement timeout) before it is answered 503 with Retry-After.
 */
const REPORT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The pools whose connections only ever read (report queries run READ ONLY): the rollup refresh need
 * not wait for their transactions, which insert no events (lib/query/refresh-steps.ts).
 */
export const READ_ONLY_POOL_NAMES = ["lumen-reports", "lumen-readers"] as const;

/**
 * What a refresh's transaction calls itself while it runs (SET LOCAL application_name): it writes
 * derived tables only, never events, so other refreshes need not wait for it either.
 */
export const REFRESH_APPLICATION_NAME = "lumen-refresh";

const globalForDb = globalThis as unknown as { lumenDatabase?: Database };

function newPool(url: string, name: string, max: number, connectionTimeoutMillis: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: name,
    max,
    connectionTimeoutMillis,
    idleTimeoutMillis: 30000,
  });
  pool.on("error", () => {
    // An idle client lost its connection (e.g. the server restarted); the pool replaces it.
  });
  return pool;
}

function connect(): Database {
  const env = getEnv();
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Lumen with `npm run dev` or `npm start`, which provide it");
  // A stopped server refuses at once (callers answer 503); the wait covers a busy machine, where a
  // new backend took over 2 s to start at load 25 and failed transactions that would have succeeded.
  const pool = newPool(url, "lumen-app", env.LUMEN_DB_POOL_SIZE, APP_CONNECT_TIMEOUT_MS);
  const [reportsName, readersName] = READ_ONLY_POOL_NAMES;
  const reports = newPool(url, reportsName, env.LUMEN_REPORT_POOL_SIZE, REPORT_CONNECT_TIMEOUT_MS);
  const readers = newPool(url, readersName, READER_POOL_SIZE, 500);
  // Prisma's defaults (2 s to start a transaction, 5 s to finish it) are below what a loaded
  // machine needs: the connection wait is the pool's, and no transaction here runs long by design.
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: { maxWait: APP_CONNECT_TIMEOUT_MS, timeout: 30_000 },
  });
  return { pool, reports, readers, prisma };
}

function database(): Database {
  globalForDb.lumenDatabase ??= connect();
  return globalForDb.lumenDatabase;
}

export function getPrisma(): PrismaClient {
  return database().prisma;
}

export function getPool(): pg.Pool {
  return database().pool;
}

/** For report queries only (lib/query/run-query.ts). */
export function getReportPool(): pg.Pool {
  return database().reports;
}

export function getReaderPool(): pg.Pool {
  return database().readers;
}

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.lumenDatabase;
  if (!db) return;
  globalForDb.lumenDatabase = undefined;
  await db.prisma.$disconnect();
  await Promise.all([db.pool.end(), db.reports.end(), db.readers.end()]);
}

// Network errors, PostgreSQL "cannot connect now" states, and Prisma's "cannot reach / timed out / pool exhausted".
const unavailableCodes = new Set([
  "P1001",
  "P1002",
  "P1017",
  "P2024",
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** True when an error means "the database cannot be reached right now" rather than a bug or bad data. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    if (
      typeof message === "string" &&
      /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)
    )
      return true;
    e = cause;
  }
  return false;
}
