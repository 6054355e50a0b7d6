// The write path stores a whole batch in a fixed number of statements (COPY for the rows), deduplicated.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, type Tenant } from "../../testing/fixtures";
import { createApiKey, hashApiKey, revokeApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { extractContextColumns } from "./enrich";
import { type EventRow, writeEvents } from "./write-events";

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

afterAll(async () => {
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

/** A pool whose clients record every statement they are sent. */
function countingPool(sent: string[]): pg.Pool {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  pool.on("connect", (pooled) => {
    const query = pooled.query.bind(pooled) as (...args: unknown[]) => unknown;
    pooled.query = ((...args: unknown[]) => {
      const first = args[0];
      sent.push(typeof first === "string" ? first : ((first as { text?: string }).text ?? "submittable"));
      return query(...args);
    }) as typeof pooled.query;
  });
  return pool;
}

it("writes 1 or 1,000 new events in one round trip, and a re-send stores nothing", async () => {
  const sent: string[] = [];
  const pool = countingPool(sent);
  try {
    expect(await writeEvents(pool, tenant.organizationId, tenant.projectId, [row(5000)])).toBe(1);
    const forOne = sent.splice(0);
    expect(forOne).toHaveLength(1);
    expect(forOne[0]).toMatch(/^BEGIN; COPY event_keys .*; COPY events .*; COMMIT; SELECT pg_notify/);

    const rows = Array.from({ length: 1000 }, (_, i) => row(i));
    expect(await writeEvents(pool, tenant.organizationId, tenant.projectId, rows)).toBe(1000);
    expect(sent.splice(0)).toEqual(forOne);
    expect(await getPrisma().event.count({ where: { projectId: tenant.projectId } })).toBe(1001);

    expect(await writeEvents(pool, tenant.organizationId, tenant.projectId, rows)).toBe(0);
    expect(await getPrisma().event.count({ where: { projectId: tenant.projectId } })).toBe(1001);
    expect(await getPrisma().eventKey.count({ where: { projectId: tenant.projectId } })).toBe(1001);
  } finally {
    await pool.end();
  }
});

it("stores only the unseen events of a batch that repeats some, and says how many were new", async () => {
  const seen = [row(10), row(11)];
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, seen)).toBe(2);
  const unseen = [row(12), row(13), row(14)];
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [seen[1]!, ...unseen, seen[0]!])).toBe(
    3,
  );
  const stored = await getPrisma().event.findMany({
    where: { eventId: { in: [...seen, ...unseen].map((r) => r.eventId) } },
    select: { eventId: true },
  });
  expect(stored.map((e) => e.eventId).sort()).toEqual([...seen, ...unseen].map((r) => r.eventId).sort());
  // The connection is fine for the next write after the rolled-back attempt.
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [row(15)])).toBe(1);
});

it("stores values that need quoting exactly, and NULLs as NULL", async () => {
  const tricky = {
    ...row(1),
    name: 'say "hi", then\nleave',
    title: "",
    path: null,
    properties: { quote: '"', comma: "a,b", nested: { x: [1, "\\"] } },
  };
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [tricky]);
  const stored = await getPrisma().event.findFirstOrThrow({
    where: { projectId: tenant.projectId, eventId: tricky.eventId },
  });
  expect(stored.name).toBe(tricky.name);
  expect(stored.title).toBe("");
  expect(stored.path).toBeNull();
  expect(stored.properties).toEqual(tricky.properties);
});

it("rolls the whole batch back when one row cannot be stored, leaving no ledger entries", async () => {
  const good = row(2);
  const bad = { ...row(3), name: `${"x".repeat(10)}\u0000` };
  await expect(writeEvents(getPool(), tenant.organizationId, tenant.projectId, [good, bad])).rejects.toThrow();
  expect(await getPrisma().event.count({ where: { eventId: { in: [good.eventId, bad.eventId] } } })).toBe(0);
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [good])).toBe(1);
});

it("writes under a write key only while it is active for the project, and a refusal leaves nothing behind", async () => {
  const { id, key } = await createApiKey({
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    kind: "write",
    name: "guarded",
  });
  const writeKeyHash = hashApiKey(key);
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [row(20)], { writeKeyHash })).toBe(1);

  const other = await createTenant();
  const elsewhere = row(21);
  await expect(
    writeEvents(getPool(), other.organizationId, other.projectId, [elsewhere], { writeKeyHash }),
  ).rejects.toMatchObject({ code: "unauthorized" });

  await revokeApiKey(tenant.organizationId, id);
  const late = row(22);
  await expect(
    writeEvents(getPool(), tenant.organizationId, tenant.projectId, [late], { writeKeyHash }),
  ).rejects.toMatchObject({ code: "unauthorized" });
  expect(await getPrisma().eventKey.count({ where: { eventId: { in: [elsewhere.eventId, late.eventId] } } })).toBe(0);
  // The same rows still go in without the guard: the refusal rolled everything back.
  expect(await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [late])).toBe(1);
});
