// The write path stores a whole batch in a single statement (one round trip), deduplicated.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDatabase, getPrisma } from "../db/client";
import { createTenant, type Tenant } from "../testing/fixtures";
import { extractContextColumns } from "./enrich";
import { writeEvents, type EventRow } from "./write-events";

let client: pg.Client;
let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await closeDatabase();
});

function row(i: number): EventRow {
  return {
    eventId: randomUUID(),
    name: "bulk",
    timestamp: new Date(Date.now() - i * 1000),
    userId: null,
    anonymousId: `a-${i % 50}`,
    sessionId: null,
    properties: { i, tag: `t${i % 7}` },
    country: null,
    ...extractContextColumns({ page: { url: `https://example.com/p/${i % 20}` } }, null),
  };
}

it("writes 1,000 events in one round trip, and a re-send in one more that stores nothing", async () => {
  const sent: string[] = [];
  const counting = { query: (text: string, values: unknown[]) => (sent.push(text), client.query(text, values)) } as Pick<pg.Pool, "query">;
  const rows = Array.from({ length: 1000 }, (_, i) => row(i));

  expect(await writeEvents(counting, tenant.organizationId, tenant.projectId, rows)).toBe(1000);
  expect(sent).toHaveLength(1);
  expect(await getPrisma().event.count({ where: { projectId: tenant.projectId } })).toBe(1000);

  expect(await writeEvents(counting, tenant.organizationId, tenant.projectId, rows)).toBe(0);
  expect(sent).toHaveLength(2);
  expect(await getPrisma().event.count({ where: { projectId: tenant.projectId } })).toBe(1000);
});
