// Brings a database up to date before anything serves from it: migrations, then event partitions.
import pg from "pg";
import { applyMigrations, type MigrationPaths, defaultMigrationPaths } from "./schema-engine";
import { ensureEventPartitions, ingestionWindow } from "./partitions";

export interface PrepareResult {
  applied: string[];
  partitionsCreated: number;
}

export async function prepareDatabase(url: string, maxEventAgeDays: number, paths: MigrationPaths = defaultMigrationPaths): Promise<PrepareResult> {
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
