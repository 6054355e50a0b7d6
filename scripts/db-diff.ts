// `npm run db:diff -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that takes a database migrated to the current folders to prisma/schema.prisma. It migrates a
// scratch database (on DATABASE_URL's server, or the embedded one) and diffs from it, so no shadow
// database or native engine is needed. Review the file before committing: partitioning and other
// things Prisma cannot express are written by hand.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { listEventPartitions } from "../lib/db/partitions";
import { applyMigrations, diffDatabaseToSchema } from "../lib/db/schema-engine";

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("Usage: npm run db:diff -- <name>   (lowercase letters, digits and underscores)");
    return 2;
  }
  const db = await bootstrapDatabase();
  const scratchName = `lumen_diff_${Date.now()}`;
  const adminUrl = new URL(db.url);
  adminUrl.pathname = "/postgres";
  const scratchUrl = new URL(db.url);
  scratchUrl.pathname = `/${scratchName}`;
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${scratchName}`);
    await applyMigrations(scratchUrl.toString());
    const scratch = new pg.Client({ connectionString: scratchUrl.toString() });
    await scratch.connect();
    const partitions = await listEventPartitions(scratch).finally(() => scratch.end());
    const sql = await diffDatabaseToSchema(
      scratchUrl.toString(),
      partitions.map((p) => `public.${p}`),
    );
    if (!sql.trim() || /^-- This is an empty migration/m.test(sql)) {
      console.log("The schema matches the migrations: nothing to write.");
      return 0;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.resolve("prisma/migrations", `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql:\n\n${sql}`);
    return 0;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
    await admin.end();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
