// The coalescing writer: concurrent batches share transactions, yet each gets its own answer, and
// one batch's failure is not the others'.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDatabase, getPrisma } from "../db/client";
import { createTenant, type Tenant } from "../testing/fixtures";
import { eventRow } from "./event-row";
import { EventWriter } from "./event-writer";

let a: Tenant;
let b: Tenant;
const claims: string[] = [];
let pool: pg.Pool;

beforeAll(async () => {
  [a, b] = await Promise.all([createTenant(), createTenant()]);
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const text = typeof args[0] === "string" ? args[0] : "";
      if (text.includes("INSERT INTO event_keys")) claims.push(text);
      return query(...args);
    }) as typeof client.query;
  });
});

afterAll(async () => {
  await pool.end();
  await closeDatabase();
});

const rows = (n: number, name = "coalesced") => Array.from({ length: n }, () => eventRow({ name, timestamp: new Date() }));

it("writes concurrent batches of several projects in fewer transactions, answering each", async () => {
  claims.length = 0;
  const writer = new EventWriter(pool, { maxInFlight: 1 });
  const groups = [a, b, a, b, a].map((t, i) => ({ organizationId: t.organizationId, projectId: t.projectId, rows: rows(10 + i) }));
  const accepted = await Promise.all(groups.map((g) => writer.write(g)));
  expect(accepted).toEqual([10, 11, 12, 13, 14]);
  // The first goes alone; the four that queued behind it share the next transaction.
  expect(claims).toHaveLength(2);
  const stored = await getPrisma().event.groupBy({ by: ["projectId"], where: { name: "coalesced", projectId: { in: [a.projectId, b.projectId] } }, _count: true });
  expect(Object.fromEntries(stored.map((s) => [s.projectId, s._count]))).toEqual({ [a.projectId]: 36, [b.projectId]: 24 });
});

it("stores an id repeated across batches of one project once, for the first batch", async () => {
  const writer = new EventWriter(pool, { maxInFlight: 1 });
  const blocker = writer.write({ organizationId: a.organizationId, projectId: a.projectId, rows: rows(1) });
  const shared = eventRow({ name: "shared-id", timestamp: new Date() });
  const first = writer.write({ organizationId: a.organizationId, projectId: a.projectId, rows: [shared] });
  const second = writer.write({ organizationId: a.organizationId, projectId: a.projectId, rows: [{ ...shared }] });
  expect(await Promise.all([blocker, first, second])).toEqual([1, 1, 0]);
  expect(await getPrisma().event.count({ where: { eventId: shared.eventId } })).toBe(1);
});

it("fails only the batch whose rows cannot be stored", async () => {
  const writer = new EventWriter(pool, { maxInFlight: 1 });
  const blocker = writer.write({ organizationId: b.organizationId, projectId: b.projectId, rows: rows(1) });
  const good = rows(3, "survivor");
  const bad = [eventRow({ name: `bad\u0000name-${randomUUID()}`, timestamp: new Date() })];
  const results = await Promise.allSettled([
    blocker,
    writer.write({ organizationId: b.organizationId, projectId: b.projectId, rows: bad }),
    writer.write({ organizationId: b.organizationId, projectId: b.projectId, rows: good }),
  ]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect((results[2] as PromiseFulfilledResult<number>).value).toBe(3);
  expect(await getPrisma().event.count({ where: { projectId: b.projectId, name: "survivor" } })).toBe(3);
});
