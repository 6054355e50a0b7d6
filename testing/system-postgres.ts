// A throw-away cluster of the machine's own PostgreSQL (Debian's postgresql-15 in CI), for running
// the query and ingestion suites against the oldest server Lumen supports. As root, PostgreSQL runs
// as the "postgres" OS user, who must own the data directory.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { EMBEDDED_SERVER_SETTINGS } from "../lib/db/embedded";

export interface SystemPostgres {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** Where Debian installs a PostgreSQL major version's server binaries. */
export const debianPostgresBin = (major: number) => `/usr/lib/postgresql/${major}/bin`;

export function hasSystemPostgres(binDir: string): boolean {
  return existsSync(path.join(binDir, "initdb")) && existsSync(path.join(binDir, "pg_ctl"));
}

function runAsServerUser(binDir: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? "su" : path.join(binDir, args[0]!);
  const argv = asRoot
    ? [
        "postgres",
        "-s",
        "/bin/sh",
        "-c",
        [path.join(binDir, args[0]!), ...args.slice(1)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "),
      ]
    : args.slice(1);
  const result = spawnSync(command, argv, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${args[0]} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
}

export async function startSystemPostgres(
  binDir: string,
  dataDir: string,
  port: number,
  database: string,
): Promise<SystemPostgres> {
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o700);
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    await chown(dataDir, uid, gid);
  }
  runAsServerUser(binDir, ["initdb", "-D", dataDir, "-A", "trust", "-U", "postgres", "--encoding=UTF8"]);
  runAsServerUser(binDir, [
    "pg_ctl",
    "-D",
    dataDir,
    "-o",
    // The embedded server's settings, so the two passes differ in the server's version alone.
    [`-p ${port}`, "-k /tmp", ...EMBEDDED_SERVER_SETTINGS.map((setting) => `-c ${setting}`)].join(" "),
    "-w",
    "-l",
    path.join(dataDir, "server.log"),
    "start",
  ]);
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  let version = "";
  try {
    await admin.query("CREATE ROLE lumen LOGIN PASSWORD 'lumen'");
    await admin.query(`CREATE DATABASE "${database}" OWNER lumen`);
    version = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://lumen:lumen@127.0.0.1:${port}/${database}`,
    version,
    stop: async () => {
      runAsServerUser(binDir, ["pg_ctl", "-D", dataDir, "-m", "fast", "-w", "stop"]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}
