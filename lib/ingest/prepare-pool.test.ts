// Batch preparation gives the same answer wherever it runs. Under Vitest no worker thread can load
// the TypeScript entry, so this exercises the fallback to the calling thread; the ingestion API
// tests exercise the worker itself, through the built server.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { DEFAULT_SCRUB_POLICY } from "../privacy/scrub";
import { type PrepareInput, prepareBatch } from "./prepare-batch";
import { prepareOffThread } from "./prepare-pool";

function input(text: string): PrepareInput {
  return {
    text,
    organizationId: randomUUID(),
    projectId: randomUUID(),
    sender: { userAgent: "curl/8.5.0", ip: "203.0.113.9", country: "DE" },
    now: Date.parse("2026-11-23T12:00:00Z"),
    maxAgeMs: 7 * 86_400_000,
    maxFutureMs: 3_600_000,
    salt: new Uint8Array(32).fill(7),
    scrub: DEFAULT_SCRUB_POLICY,
  };
}

it("prepares a batch as the calling thread would, and keeps doing so after the worker is given up", async () => {
  const batch = input(
    JSON.stringify({
      sent_at: "2026-11-23T11:59:58Z",
      events: [
        {
          event_id: randomUUID(),
          name: "pageview",
          timestamp: "2026-11-23T11:59:00Z",
          context: { page: { url: "https://shop.example/p?utm_source=news" } },
        },
        { event_id: randomUUID(), name: "" },
        { event_id: randomUUID(), name: "signup", user_id: "u-1" },
      ],
    }),
  );
  const expected = prepareBatch(batch);
  expect(expected).toMatchObject({
    batch: { duplicates: 0, bots: 0, rejected: [{ index: 1, code: "invalid_event" }] },
  });
  expect("batch" in expected && expected.batch.events).toHaveLength(2);
  expect(await prepareOffThread(batch)).toEqual(expected);
  expect(await prepareOffThread(batch)).toEqual(expected);
});

it("hands back whole-body problems as data, for the request thread to answer", async () => {
  expect(await prepareOffThread(input("{not json"))).toMatchObject({
    error: { code: "invalid_request", message: expect.stringMatching(/Malformed JSON/) },
  });
  expect(
    await prepareOffThread(input(JSON.stringify({ project_id: randomUUID(), events: [{ name: "x" }] }))),
  ).toMatchObject({ error: { code: "forbidden" } });
});

it("takes consent changes apart from events, and refuses one with no one to attribute it to", async () => {
  const consent = (fields: Record<string, unknown>) => ({ event_id: randomUUID(), name: "$consent", ...fields });
  const batch = {
    events: [consent({ consent: { state: "denied" }, user_id: "u-1" }), consent({ consent: { state: "granted" } })],
  };
  const noAddress = { ...input(JSON.stringify(batch)), sender: { userAgent: null, ip: null, country: null } };
  const outcome = prepareBatch(noAddress);
  expect(outcome).toMatchObject({
    batch: {
      events: [],
      consents: [{ userId: "u-1", anonymousId: null, state: "denied", source: "api" }],
      rejected: [{ index: 1, code: "invalid_event", message: "a consent change needs user_id or anonymous_id" }],
    },
  });
  // With an address, the change without ids is the visitor's of today's hash, as an event would be.
  expect(prepareBatch(input(JSON.stringify(batch)))).toMatchObject({
    batch: { consents: [{ userId: "u-1" }, { userId: null, anonymousId: expect.stringMatching(/^v_/) }] },
  });
});
