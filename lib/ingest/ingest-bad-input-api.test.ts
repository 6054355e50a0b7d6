// Bad input to POST /api/v1/events over real HTTP: an event PostgreSQL could not store (unpaired
// surrogates, NUL, properties nested hundreds of thousands deep, instants past what a Date holds) is
// rejected by index in the 202 while the batch's good events are stored; never a 500.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant } from "../../testing/fixtures";
import { closeDatabase, getPrisma } from "../db/client";
import type { IngestResponse } from "./schemas";

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

afterAll(async () => {
  await closeDatabase();
});

async function ingest(
  raw: string,
): Promise<{ status: number; body: IngestResponse & { error?: { code: string; message: string } } }> {
  const response = await postEvents(null, { key: tenant.writeKey, raw });
  return {
    status: response.status,
    body: (await response.json()) as IngestResponse & { error?: { code: string; message: string } },
  };
}

async function storedNames(marker: string): Promise<string[]> {
  const events = await getPrisma().event.findMany({
    where: { projectId: tenant.projectId, name: { startsWith: marker } },
    select: { name: true },
  });
  return events.map((e) => e.name).sort();
}

it("rejects each event holding unpaired surrogates or NUL, wherever they are, and stores the rest", async () => {
  const marker = `ok-${randomUUID().slice(0, 8)}`;
  const bad = [
    { name: "bad", properties: { plan: "\ud800" } },
    { name: "bad", properties: { "\udc00key": "x" } },
    { name: "bad", properties: { nested: { list: ["fine", "trailing high \ud83d"] } } },
    { name: "bad-\udfff" },
    { name: "bad", user_id: "u\ud800" },
    { name: "bad", context: { page: { title: "T\udc00" } } },
    { name: "bad", properties: { nul: "a\u0000b" } },
  ];
  const events = [{ name: `${marker}-1` }, ...bad, { name: `${marker}-2`, properties: { emoji: "👍", accents: "é" } }];
  const { status, body } = await ingest(JSON.stringify({ events }));
  expect(status).toBe(202);
  expect(body.accepted).toBe(2);
  expect(body.rejected.map((r) => [r.index, r.code])).toEqual(bad.map((_, i) => [i + 1, "invalid_event"]));
  expect(body.rejected[0]!.message).toMatch(
    /^properties\.plan: must not contain the NUL character .* unpaired UTF-16 surrogate/,
  );
  expect(body.rejected[3]!.message).toMatch(/^name:/);
  expect(body.rejected[5]!.message).toMatch(/^context\.page\.title:/);
  expect(await storedNames(marker)).toEqual([`${marker}-1`, `${marker}-2`]);
  const kept = await getPrisma().event.findFirstOrThrow({
    where: { projectId: tenant.projectId, name: `${marker}-2` },
  });
  expect(kept.properties).toEqual({ emoji: "👍", accents: "é" });
});

it("rejects a single event (the whole body) holding an unpaired surrogate without storing it", async () => {
  const name = `single-${randomUUID().slice(0, 8)}`;
  const { status, body } = await ingest(JSON.stringify({ name, properties: { bad: "\ud800" } }));
  expect(status).toBe(202);
  expect(body).toMatchObject({ accepted: 0, rejected: [{ index: 0, code: "invalid_event" }] });
  expect(await storedNames(name)).toEqual([]);
});

it("rejects an event whose properties nest hundreds of thousands deep, and stores the rest", async () => {
  const marker = `deep-${randomUUID().slice(0, 8)}`;
  const levels = 300_000;
  const raw = `{"events":[{"name":"${marker}-ok"},{"name":"${marker}-deep","properties":{"a":${"[".repeat(levels)}${"]".repeat(levels)}}},{"name":"${marker}-ok2"}]}`;
  const { status, body } = await ingest(raw);
  expect(status).toBe(202);
  expect(body.accepted).toBe(2);
  expect(body.rejected).toEqual([
    {
      index: 1,
      code: "invalid_event",
      message: expect.stringMatching(/^properties\.a(\[0\])+: must nest at most 8 levels$/),
    },
  ]);
  expect(await storedNames(marker)).toEqual([`${marker}-ok`, `${marker}-ok2`]);
});

it("refuses with a 400 a single event nested that deep, or an envelope nested that deep", async () => {
  const levels = 100_000;
  const single = await ingest(`{"name":"deep","properties":{"a":${'{"b":'.repeat(levels)}1${"}".repeat(levels)}}}`);
  expect(single.status).toBe(400);
  expect(single.body.error?.message).toMatch(/must nest at most 8 levels/);
  for (const raw of [
    `{"sent_at":${"[".repeat(4 * levels)}${"]".repeat(4 * levels)},"events":[{"name":"x"}]}`,
    "[".repeat(4 * levels) + "]".repeat(4 * levels),
  ]) {
    const envelope = await ingest(raw);
    expect(envelope.status).toBe(400);
    expect(envelope.body.error?.code).toBe("invalid_request");
  }
});

it("rejects instants a Date cannot hold, before or after the client's clock correction", async () => {
  const marker = `time-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const events = [
    { name: `${marker}-ok` },
    { name: "too-big", timestamp: 9e15 },
    // Valid alone (year 275760), pushed past the last Date by the correction for a client clock set to 1970.
    { name: "corrected-past-the-end", timestamp: 8.64e15 },
  ];
  const { status, body } = await ingest(JSON.stringify({ sent_at: now - 1_700_000_000_000, events }));
  expect(status).toBe(202);
  expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
    [1, "invalid_event"],
    [2, "timestamp_in_future"],
  ]);
  expect(await storedNames(marker)).toEqual([`${marker}-ok`]);
  const sentAt = await ingest(JSON.stringify({ sent_at: 9e15, events: [{ name: "x" }] }));
  expect(sentAt.status).toBe(400);
  expect(sentAt.body.error?.message).toMatch(/^sent_at:/);
});
