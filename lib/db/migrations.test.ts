// Migrations apply on an empty database, a second run applies nothing, and event partitions behave.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureEventPartitions, listEventPartitions } from "./partitions";
import { applyMigrations } from "./schema-engine";

const name = `lumen_migrations_${randomUUID().slice(0, 8)}`;
const adminUrl = new URL(process.env.DATABASE_URL!);
adminUrl.pathname = "/postgres";
const url = new URL(process.env.DATABASE_URL!);
url.pathname = `/${name}`;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

it("applies every migration to an empty database, then nothing on a second run", async () => {
  const first = await applyMigrations(url.toString());
  expect(first.length).toBeGreaterThan(0);
  expect(await applyMigrations(url.toString())).toEqual([]);

  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const tables = rows.map((r) => r.table_name);
    for (const table of [
      "organizations",
      "users",
      "memberships",
      "projects",
      "api_keys",
      "events",
      "event_keys",
      "reports",
      "widgets",
      "embed_tokens",
    ]) {
      expect(tables).toContain(table);
    }
    const recorded = await db.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL");
    expect(recorded.rowCount).toBe(first.length);
    const partitioned = await db.query("SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'events'::regclass");
    expect(partitioned.rowCount).toBe(1);
  } finally {
    await db.end();
  }
});

it("creates monthly partitions idempotently and moves rows the default partition caught", async () => {
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const org = randomUUID();
    const project = randomUUID();
    // No partition covers 2031 yet: the row lands in the default partition rather than failing.
    await db.query(
      "INSERT INTO events (organization_id, project_id, event_id, name, timestamp, user_id) VALUES ($1, $2, $3, 'late', '2031-05-10T12:00:00Z', 'u-late')",
      [org, project, randomUUID()],
    );
    expect((await db.query("SELECT 1 FROM events_default")).rowCount).toBe(1);

    expect(await ensureEventPartitions(db, new Date("2031-04-15"), new Date("2031-06-01"))).toBe(3);
    expect(await ensureEventPartitions(db, new Date("2031-04-15"), new Date("2031-06-01"))).toBe(0);
    expect(await listEventPartitions(db)).toEqual(
      expect.arrayContaining(["events_p2031_04", "events_p2031_05", "events_p2031_06", "events_default"]),
    );
    expect((await db.query("SELECT 1 FROM events_default")).rowCount).toBe(0);
    // Moved with its stored columns; the generated actor hash is computed again in the new partition.
    expect(
      (await db.query("SELECT name, actor = hashtextextended('u-late', 0) AS actor_kept FROM events_p2031_05")).rows,
    ).toEqual([{ name: "late", actor_kept: true }]);
    // Bounds are UTC month starts, whatever the session's time zone.
    await db.query("SET timezone = 'Pacific/Auckland'");
    await db.query(
      "INSERT INTO events (organization_id, project_id, event_id, name, timestamp) VALUES ($1, $2, $3, 'edge', '2031-06-01T00:00:00Z')",
      [org, project, randomUUID()],
    );
    expect((await db.query("SELECT name FROM events_p2031_06")).rows).toEqual([{ name: "edge" }]);
  } finally {
    await db.end();
  }
});
