// Start-up for every entry point (server launcher, CLI): pick the database, then bring it up to date.
import path from "node:path";
import { getEnv, setDatabaseUrl } from "../env";
import { startEmbeddedPostgres } from "./embedded";
import { type PrepareResult, prepareDatabase } from "./prepare";

export interface BootstrappedDatabase extends PrepareResult {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** With DATABASE_URL, uses that server; without, runs the embedded PostgreSQL kept in LUMEN_DATA_DIR. */
export async function bootstrapDatabase(onLog?: (line: string) => void): Promise<BootstrappedDatabase> {
  const env = getEnv();
  let url = env.DATABASE_URL;
  let stop: () => Promise<void> = async () => undefined;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(env.LUMEN_DATA_DIR, "pg"),
      port: env.LUMEN_PG_PORT,
      database: "lumen",
      persistent: true,
      onLog,
    });
    url = embedded.url;
    stop = embedded.stop;
    setDatabaseUrl(url);
  }
  const prepared = await prepareDatabase(url, env.LUMEN_MAX_EVENT_AGE_DAYS);
  return { url, embedded: !env.DATABASE_URL, stop, ...prepared };
}
