// prisma/schema.prisma (what the Prisma client is generated from) and prisma/migrations (what every
// database is built from) must describe the same schema: the suite's database was built from the
// migrations at start, so the diff from it to the schema file must be empty (what `npm run db:diff`
// would write). Tables Prisma cannot model are left out: the monthly partitions of events.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listEventPartitions } from "./partitions";
import { diffDatabaseToSchema } from "./schema-engine";

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await client.end();
});

it("has no change between the migrations and schema.prisma", async () => {
  const partitions = await listEventPartitions(client);
  const sql = await diffDatabaseToSchema(
    process.env.DATABASE_URL!,
    partitions.map((p) => `public.${p}`),
  );
  const statements = sql.replace(/^--.*$/gm, "").trim();
  expect(statements, "run `npm run db:diff -- <name>` and commit the migration it writes").toBe("");
});
