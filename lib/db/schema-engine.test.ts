// The fence around Prisma's WebAssembly schema engine and the pg adapter patches (schema-engine.ts),
// on a scratch database and a schema of its own: a diff from nothing, migrations applied once and
// whole (function bodies with semicolons included), a failing one applying nothing, and a diff
// from the live database, which reads the catalogs' "char" columns.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalsChanged, missingMembers } from "./library-internals";
import { applyMigrations, diffDatabaseToSchema, diffEmptyToSchema, type MigrationPaths } from "./schema-engine";

const name = `lumen_engine_${randomUUID().slice(0, 8)}`;
const adminUrl = new URL(process.env.DATABASE_URL!);
adminUrl.pathname = "/postgres";
const scratch = new URL(process.env.DATABASE_URL!);
scratch.pathname = `/${name}`;
const url = scratch.toString();
let admin: pg.Client;
let dir: string;
let paths: MigrationPaths;

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model Gadget {
  id    Int      @id
  name  String
  kind  Kind     @default(small)
  tags  String[] @default([])
  @@index([name])
  @@map("fence_gadgets")
}

enum Kind {
  small
  large
  @@map("fence_kind")
}
`;

// Not expressible in the schema, so written by hand, as in the project's own migrations: semicolons
// inside a function body and a string literal must not split the script.
const FUNCTION = `
CREATE FUNCTION fence_label(n integer) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF n > 1 THEN RETURN 'many; really'; END IF;
  RETURN 'one';
END;
$$;
`;

async function addMigration(folder: string, sql: string): Promise<void> {
  await mkdir(path.join(paths.migrationsDir, folder), { recursive: true });
  await writeFile(path.join(paths.migrationsDir, folder, "migration.sql"), sql);
}

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<T>(text)).rows;
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  dir = await mkdtemp(path.join(tmpdir(), "lumen-engine-"));
  paths = { schemaPath: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
  await writeFile(paths.schemaPath, SCHEMA);
  await mkdir(paths.migrationsDir);
  await writeFile(path.join(paths.migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

describe("the WebAssembly schema engine, through lib/db/schema-engine.ts", () => {
  let initial = "";

  it("diffs an empty database to the schema", async () => {
    initial = await diffEmptyToSchema(url, paths);
    expect(initial).toContain(`CREATE TYPE "fence_kind" AS ENUM ('small', 'large');`);
    expect(initial).toContain(`CREATE TABLE "fence_gadgets"`);
    expect(initial).toContain(`"tags" TEXT[] DEFAULT ARRAY[]::TEXT[]`);
    expect(initial).toContain(`CREATE INDEX "fence_gadgets_name_idx" ON "fence_gadgets"("name");`);
  });

  it("applies migrations once, each script whole, and records them as prisma migrate deploy does", async () => {
    await addMigration("20260101000000_init", initial + FUNCTION);
    expect(await applyMigrations(url, paths)).toEqual(["20260101000000_init"]);
    expect(await applyMigrations(url, paths)).toEqual([]);
    expect(await query("SELECT fence_label(2) AS label")).toEqual([{ label: "many; really" }]);
    expect(await query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL")).toEqual([
      { migration_name: "20260101000000_init" },
    ]);
  });

  it('finds nothing to change between the migrated database and the schema (reading the catalogs\' "char" columns)', async () => {
    const sql = await diffDatabaseToSchema(url, [], paths);
    expect(sql.trim() === "" || /^-- This is an empty migration/m.test(sql), `expected no changes, got:\n${sql}`).toBe(
      true,
    );
  });

  it("applies nothing of a migration that fails part-way", async () => {
    await addMigration("20260102000000_broken", "CREATE TABLE fence_half (id integer);\nSELECT no_such_function();\n");
    await expect(applyMigrations(url, paths)).rejects.toThrow(/no_such_function/);
    expect(await query("SELECT to_regclass('fence_half') AS half")).toEqual([{ half: null }]);
  });
});

describe("when a library no longer has an internal it relies on", () => {
  it("names the library, the missing members and the module to update", () => {
    const adapterWithoutPerformIO = { queryRaw() {}, onError() {} };
    const missing = missingMembers(adapterWithoutPerformIO, ["performIO", "onError", "queryRaw"]);
    expect(missing).toEqual(["performIO"]);
    expect(internalsChanged("@prisma/adapter-pg's adapter", missing, "lib/db/schema-engine.ts").message).toBe(
      "@prisma/adapter-pg's adapter no longer has performIO, which lib/db/schema-engine.ts relies on: the installed version is not the one it was written for. " +
        'Restore the pinned version in package.json, or update lib/db/schema-engine.ts (see its header and README "Pinned dependencies").',
    );
  });
});
