// POST /api/v1/events over real HTTP: a key in the header is checked before the body is read, slow
// bodies are cut with 408, and events are rate-limited per key as well as requests.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { startRawRequest } from "../../testing/raw-http";
import { closeDatabase, getPrisma } from "../db/client";

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

afterAll(async () => {
  await closeDatabase();
});

function head(key: string | null, contentLength: number, extra = ""): string {
  const host = new URL(testBaseUrl()).host;
  return [
    `POST /api/v1/events HTTP/1.1`,
    `Host: ${host}`,
    "Content-Type: application/json",
    `Content-Length: ${contentLength}`,
    ...(key ? [`Authorization: Bearer ${key}`] : []),
    extra,
  ]
    .filter(Boolean)
    .join("\r\n");
}

const DECLARED = 900 * 1024;

describe("a key in the header is checked before the body is read", () => {
  it("refuses an unknown key while almost all of a 900 KB body is still unsent", async () => {
    const exchange = startRawRequest(
      testBaseUrl(),
      head("lmw_unknownunknownunknownunknown00", DECLARED),
      '{"events":[',
    );
    const response = await exchange.response;
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "unauthorized" } });
    expect(exchange.sent()).toBeLessThan(100);
    // Nor does the server wait for the rest: it hangs up.
    await exchange.closed;
  });

  it("refuses a key from an origin it does not allow the same way", async () => {
    const own = await createTenant({ allowedOrigins: ["https://shop.example.com"] });
    const exchange = startRawRequest(
      testBaseUrl(),
      head(own.writeKey, DECLARED, "Origin: https://evil.example.net"),
      '{"events":[',
    );
    const response = await exchange.response;
    exchange.socket.destroy();
    expect(response.status).toBe(403);
  });

  it("reads the whole body of a good key sent in two writes", async () => {
    const body = JSON.stringify({ events: [{ event_id: randomUUID(), name: "in_parts" }] });
    const exchange = startRawRequest(testBaseUrl(), head(tenant.writeKey, Buffer.byteLength(body)), body.slice(0, 5));
    // The rest goes out only after the key was checked and the server started reading.
    exchange.write(body.slice(5));
    const response = await exchange.response;
    exchange.socket.destroy();
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({ accepted: 1 });
  });
});

describe("slow bodies", () => {
  it("cuts a body still trickling in after the body timeout with 408, and closes the connection", async () => {
    const exchange = startRawRequest(testBaseUrl(), head(tenant.writeKey, DECLARED), '{"events":[');
    // A byte now and then: never idle for long, yet never done.
    const trickle = setInterval(() => exchange.write(" "), 250);
    try {
      const response = await exchange.response;
      expect(response.status).toBe(408);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: "request_timeout" } });
      await exchange.closed;
    } finally {
      clearInterval(trickle);
      exchange.socket.destroy();
    }
  });
});

describe("events rate limit", () => {
  // The bucket refills by the server's clock, which a test cannot hold: a key that has spent exactly
  // its second's budget gets it back after one second, so "the next batch is refused" would hold only
  // if the machine answered the first request within that second. Here the first batch, taken whole
  // by a full bucket, leaves the key 99 seconds in debt: longer than a test may run, so the refusals
  // below do not depend on how fast the machine is. (Refusal at exactly the budget, at one instant,
  // is rate-limit.test.ts's.)
  const PER_SECOND = 2;
  const FIRST_BATCH = 200;
  const batch = (n: number) => ({
    events: Array.from({ length: n }, () => ({ event_id: randomUUID(), name: "budgeted" })),
  });
  const storedCount = (projectId: string) => getPrisma().event.count({ where: { projectId } });

  it("429 + Retry-After past a key's events per second, however few requests carry them; nothing of the refused batch stored", async () => {
    const own = await createTenant({ eventRateLimit: PER_SECOND });
    expect((await postEvents(batch(FIRST_BATCH), { key: own.writeKey })).status).toBe(202);
    // A second's worth of events, in the key's second request.
    const refused = await postEvents(batch(PER_SECOND), { key: own.writeKey });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/2 events per second/),
    });
    expect(await storedCount(own.projectId)).toBe(FIRST_BATCH);
  });

  it("takes a batch larger than a second's budget, then makes the key wait it out", async () => {
    const own = await createTenant({ eventRateLimit: PER_SECOND });
    const started = performance.now();
    expect((await postEvents(batch(FIRST_BATCH), { key: own.writeKey })).status).toBe(202);
    const next = await postEvents(batch(1), { key: own.writeKey });
    // The server took both batches' events between these two readings of the clock.
    const elapsedSeconds = (performance.now() - started) / 1000;
    expect(next.status).toBe(429);
    // 200 events at 2 per second, the bucket's 2 spent first: one more event fits 99.5 s after the
    // first batch, less the time between the two (which this test measured from outside).
    const retryAfter = Number(next.headers.get("retry-after"));
    expect(retryAfter).toBeLessThanOrEqual(100);
    expect(retryAfter).toBeGreaterThanOrEqual(99.5 - elapsedSeconds);
    expect(await storedCount(own.projectId)).toBe(FIRST_BATCH);
  });
});
