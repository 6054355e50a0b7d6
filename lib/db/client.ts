// The database clients: a pg pool shared by Prisma (app tables) and the raw event write path, and a
// small one of extra readers for report queries that share a snapshot (lib/db/snapshot-readers.ts).
import "server-only";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { getEnv } from "../env";

interface Database {
  pool: pg.Pool;
  /** Connections that join another's snapshot to share one report query's work (see snapshot-readers). */
  readers: pg.Pool;
  prisma: PrismaClient;
}

const globalForDb = globalThis as unknown as { lumenDatabase?: Database };

function connect(): Database {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Lumen with `npm run dev` or `npm start`, which provide it");
  // Fail fast when the server is down so callers can answer 503 instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30000 });
  pool.on("error", () => {
    // An idle client lost its connection (e.g. the server restarted); the pool replaces it.
  });
  const readers = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 500, idleTimeoutMillis: 30000 });
  readers.on("error", () => {
    // As above: a lost idle reader is replaced.
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { pool, readers, prisma };
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

export function getReaderPool(): pg.Pool {
  return database().readers;
}

export async function closeDatabase(): Promise<void> {
  const db = globalForDb.lumenDatabase;
  if (!db) return;
  globalForDb.lumenDatabase = undefined;
  await db.prisma.$disconnect();
  await Promise.all([db.pool.end(), db.readers.end()]);
}

// Network errors, PostgreSQL "cannot connect now" states, and Prisma's "cannot reach / timed out / pool exhausted".
const unavailableCodes = new Set(["P1001", "P1002", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08006"]);

/** True when an error means "the database cannot be reached right now" rather than a bug or bad data. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    if (typeof message === "string" && /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)) return true;
    e = cause;
  }
  return false;
}
