// Brings a database up to date before anything serves from it: migrations, then event partitions.
import pg from "pg";
import { ensureEventPartitions, ingestionWindow } from "./partitions";
import { applyMigrations, defaultMigrationPaths, type MigrationPaths } from "./schema-engine";

export interface PrepareResult {
  applied: string[];
  partitionsCreated: number;
}

/** The oldest PostgreSQL Lumen runs on (upstream supports 15 until November 2027). */
export const MIN_SERVER_VERSION = 150000;

/** Refuses a server older than MIN_SERVER_VERSION before anything is migrated, naming both versions. */
export async function assertSupportedServer(client: Pick<pg.Client, "query">): Promise<void> {
  const { rows } = await client.query<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
  );
  const { num, version } = rows[0]!;
  if (Number(num) < MIN_SERVER_VERSION) {
    throw new Error(
      `Lumen needs PostgreSQL 15 or later; the server at DATABASE_URL is PostgreSQL ${version}. Upgrade it, or unset DATABASE_URL to use the embedded PostgreSQL.`,
    );
  }
}

export async function prepareDatabase(
  url: string,
  maxEventAgeDays: number,
  paths: MigrationPaths = defaultMigrationPaths,
): Promise<PrepareResult> {
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  try {
    await assertSupportedServer(check);
  } finally {
    await check.end();
  }
  const applied = await applyMigrations(url, paths);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { from, to } = ingestionWindow(new Date(), maxEventAgeDays);
    const partitionsCreated = await ensureEventPartitions(client, from, to);
    return { applied, partitionsCreated };
  } finally {
    await client.end();
  }
}
