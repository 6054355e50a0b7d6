// POST /api/v1/events over real HTTP against the app and a real PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";

const chromeOnWindows =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

afterAll(async () => {
  await closeDatabase();
});

function eventsOf(projectId: string) {
  return getPrisma().event.findMany({ where: { projectId }, orderBy: { timestamp: "asc" } });
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string; details?: { path: string }[] } };
  return body.error;
}

describe("accepting events", () => {
  it("stores a single event with context columns extracted on the server", async () => {
    const own = await createTenant();
    const eventId = randomUUID();
    const response = await postEvents(
      {
        event_id: eventId,
        name: "signup",
        properties: { plan: "pro", seats: 3, nested: { a: [1, 2] } },
        user_id: "u-1",
        session_id: "s-1",
        context: {
          page: {
            url: "https://shop.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
            title: "Pricing",
            referrer: "https://www.google.com/search?q=x",
          },
          locale: "fr-FR",
          library: { name: "lumen-js", version: "1.2.0" },
        },
      },
      {
        key: own.writeKey,
        headers: { "user-agent": chromeOnWindows, "x-test-country": "fr", "x-forwarded-for": "203.0.113.9" },
      },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
    const [row] = await eventsOf(own.projectId);
    expect(row).toMatchObject({
      organizationId: own.organizationId,
      eventId,
      name: "signup",
      userId: "u-1",
      sessionId: "s-1",
      properties: { plan: "pro", seats: 3, nested: { a: [1, 2] } },
      path: "/pricing",
      title: "Pricing",
      referrerHost: "google.com",
      utmSource: "newsletter",
      utmMedium: "email",
      utmCampaign: "nov",
      browser: "Chrome",
      os: "Windows",
      deviceType: "desktop",
      country: "FR",
      locale: "fr-FR",
      library: "lumen-js/1.2.0",
    });
    // The IP is never stored, in any column.
    expect(JSON.stringify(row)).not.toContain("203.0.113.9");
  });

  it("gives visitors without ids a daily salted hash instead of storing their IP", async () => {
    const own = await createTenant();
    const headers = { "user-agent": chromeOnWindows, "x-forwarded-for": "198.51.100.7" };
    await postEvents({ name: "pageview" }, { key: own.writeKey, headers });
    await postEvents({ name: "pageview" }, { key: own.writeKey, headers });
    await postEvents(
      { name: "pageview" },
      { key: own.writeKey, headers: { ...headers, "x-forwarded-for": "198.51.100.8" } },
    );
    const rows = await eventsOf(own.projectId);
    expect(rows).toHaveLength(3);
    const ids = rows.map((r) => r.anonymousId);
    expect(ids.every((id) => id?.startsWith("v_"))).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it("accepts a batch, and JSON sent as text/plain (what browsers send without a preflight)", async () => {
    const own = await createTenant();
    const body = JSON.stringify({ api_key: own.writeKey, events: [{ name: "a" }, { name: "b" }, { name: "c" }] });
    const response = await postEvents(undefined, {
      raw: body,
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
    expect((await eventsOf(own.projectId)).map((e) => e.name).sort()).toEqual(["a", "b", "c"]);
  });

  it("stores the good events of a mixed batch and reports the bad ones by index", async () => {
    const own = await createTenant();
    const response = await postEvents(
      {
        events: [
          { name: "ok-1" },
          { name: "" },
          { name: "ok-2", properties: { fine: true } },
          { name: "bad-id", event_id: "not-a-uuid" },
          { name: "bad-props", properties: "not an object" },
          { name: "future", timestamp: new Date(Date.now() + 7 * 86_400_000).toISOString() },
          { name: "ancient", timestamp: "2001-01-01T00:00:00Z" },
          { name: "nul-in-name\u0000" },
          { name: "nul-in-props", properties: { deep: ["fine", "not\u0000fine"] } },
        ],
      },
      { key: own.writeKey },
    );
    expect(response.status).toBe(202);
    const result = (await response.json()) as {
      accepted: number;
      rejected: { index: number; code: string; message: string }[];
    };
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "invalid_event"],
      [3, "invalid_event"],
      [4, "invalid_event"],
      [5, "timestamp_in_future"],
      [6, "timestamp_too_old"],
      [7, "invalid_event"],
      [8, "invalid_event"],
    ]);
    expect(result.rejected[0]!.message).toMatch(/^name:/);
    expect((await eventsOf(own.projectId)).map((e) => e.name).sort()).toEqual(["ok-1", "ok-2"]);
  });

  it("is idempotent on event_id, across requests and within one batch", async () => {
    const own = await createTenant();
    const eventId = randomUUID();
    const first = await postEvents({ events: [{ name: "x", event_id: eventId }] }, { key: own.writeKey });
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    // A retry whose corrected timestamp differs must still be recognised.
    const retry = await postEvents(
      {
        sent_at: new Date(Date.now() - 5000).toISOString(),
        events: [{ name: "x", event_id: eventId, timestamp: new Date().toISOString() }],
      },
      { key: own.writeKey },
    );
    expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const other = randomUUID();
    const inBatch = await postEvents(
      {
        events: [
          { name: "y", event_id: other },
          { name: "y", event_id: other.toUpperCase() },
        ],
      },
      { key: own.writeKey },
    );
    expect(await inBatch.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await eventsOf(own.projectId)).toHaveLength(2);
  });

  it("corrects client clock skew with sent_at", async () => {
    const own = await createTenant();
    // The client's clock runs 2 hours behind: it says it sent the batch at now-2h, the event 10 minutes before that.
    const skew = 2 * 3600_000;
    const clientNow = Date.now() - skew;
    const response = await postEvents(
      {
        sent_at: new Date(clientNow).toISOString(),
        events: [{ name: "skewed", timestamp: new Date(clientNow - 600_000).toISOString() }],
      },
      { key: own.writeKey },
    );
    expect(await response.json()).toMatchObject({ accepted: 1 });
    const [row] = await eventsOf(own.projectId);
    const expected = Date.now() - 600_000;
    expect(Math.abs(row!.timestamp.getTime() - expected)).toBeLessThan(5000);
  });

  it("drops and counts known bots, but not server-side senders", async () => {
    const own = await createTenant();
    const bot = await postEvents({ name: "pageview" }, { key: own.writeKey, headers: { "user-agent": googlebot } });
    expect(await bot.json()).toMatchObject({ accepted: 0, bots: 1 });
    const relayed = await postEvents(
      { events: [{ name: "pageview", context: { user_agent: googlebot } }, { name: "server-side" }] },
      { key: own.writeKey, headers: { "user-agent": "curl/8.5.0" } },
    );
    expect(await relayed.json()).toMatchObject({ accepted: 1, bots: 1 });
    expect((await eventsOf(own.projectId)).map((e) => e.name)).toEqual(["server-side"]);
  });

  it("stores a 1,000-event batch", async () => {
    const own = await createTenant();
    const events = Array.from({ length: 1000 }, (_, i) => ({ name: "bulk", properties: { i } }));
    const response = await postEvents({ events }, { key: own.writeKey });
    expect(await response.json()).toMatchObject({ accepted: 1000, rejected: [] });
    expect(await getPrisma().event.count({ where: { projectId: own.projectId } })).toBe(1000);
  });

  it("answers the CORS preflight for browsers", async () => {
    const response = await fetch(`${testBaseUrl()}/api/v1/events`, {
      method: "OPTIONS",
      headers: {
        origin: "https://shop.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");
  });
});

describe("refusing whole requests", () => {
  it("400 for malformed JSON and for a body of the wrong shape, naming the field", async () => {
    const malformed = await postEvents(undefined, { key: tenant.writeKey, raw: "{not json" });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("invalid_request");

    const notArray = await postEvents({ events: "nope" }, { key: tenant.writeKey });
    expect(notArray.status).toBe(400);
    expect((await errorOf(notArray)).details?.[0]?.path).toBe("events");

    const badSingle = await postEvents({ name: "x".repeat(201) }, { key: tenant.writeKey });
    expect(badSingle.status).toBe(400);
    expect((await errorOf(badSingle)).message).toMatch(/^name:/);

    const tooMany = await postEvents(
      { events: Array.from({ length: 1001 }, () => ({ name: "e" })) },
      { key: tenant.writeKey },
    );
    expect(tooMany.status).toBe(400);
    expect((await errorOf(tooMany)).message).toMatch(/at most 1000/);

    // A body that is not an object is refused as such, whatever the key (or its absence) says.
    for (const [raw, key] of [
      ["[]", tenant.writeKey],
      ["42", "lmw_unknownunknownunknownunknown00"],
      ["null", undefined],
    ] as const) {
      const notObject = await postEvents(undefined, { key, raw });
      expect(notObject.status).toBe(400);
      expect((await errorOf(notObject)).message).toMatch(/event object/);
    }
  });

  it("finds the key in the body wherever it is, first (as the tracker sends it) or after the events", async () => {
    const own = await createTenant();
    const headers = { "content-type": "text/plain;charset=UTF-8" };
    const first = await postEvents(undefined, {
      raw: `{ "api_key" : "${own.writeKey}", "events": [{ "name": "first" }] }`,
      headers,
    });
    const last = await postEvents(undefined, {
      raw: JSON.stringify({
        events: [{ name: "last", properties: { api_key: "lmw_not_this_one" } }],
        api_key: own.writeKey,
      }),
      headers,
    });
    expect([first.status, last.status]).toEqual([202, 202]);
    expect((await eventsOf(own.projectId)).map((e) => e.name).sort()).toEqual(["first", "last"]);
  });

  it("401 for a missing, unknown or revoked key", async () => {
    const missing = await postEvents({ name: "x" });
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe("unauthorized");

    expect((await postEvents({ name: "x" }, { key: "lmw_unknownunknownunknownunknown00" })).status).toBe(401);

    const own = await createTenant();
    await revokeApiKey(own.organizationId, own.writeKeyId);
    const revoked = await postEvents({ name: "x" }, { key: own.writeKey });
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).message).toMatch(/revoked/);
  });

  it("401 on the next request once a key that was just used is revoked, though the server caches keys", async () => {
    const own = await createTenant();
    expect((await postEvents({ name: "before" }, { key: own.writeKey })).status).toBe(202);
    await revokeApiKey(own.organizationId, own.writeKeyId);
    const after = await postEvents({ name: "after" }, { key: own.writeKey });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).message).toMatch(/revoked/);
    expect((await eventsOf(own.projectId)).map((e) => e.name)).toEqual(["before"]);
  });

  it("403 for an origin the key does not allow, and for a read key", async () => {
    const own = await createTenant({ allowedOrigins: ["https://shop.example.com"] });
    const allowed = await postEvents(
      { name: "x" },
      { key: own.writeKey, headers: { origin: "https://shop.example.com" } },
    );
    expect(allowed.status).toBe(202);
    const denied = await postEvents(
      { name: "x" },
      { key: own.writeKey, headers: { origin: "https://evil.example.net" } },
    );
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).code).toBe("forbidden");

    const read = await createApiKey({ organizationId: own.organizationId, kind: "read", name: "reader" });
    expect((await postEvents({ name: "x" }, { key: read.key })).status).toBe(403);
  });

  it("413 for a body over 1 MB, whatever Content-Length says", async () => {
    const big = JSON.stringify({ events: [{ name: "big", properties: { blob: "x".repeat(1024 * 1024) } }] });
    const response = await postEvents(undefined, { key: tenant.writeKey, raw: big });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("415 for content types other than JSON or text", async () => {
    const response = await postEvents(undefined, {
      key: tenant.writeKey,
      raw: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe("unsupported_media_type");
  });

  it("429 with Retry-After past the key's rate limit", async () => {
    // The bucket refills by the server's clock, which a test cannot hold: requests one after another
    // were refused only if each took under half a second. So requests go in bursts, each checked
    // against what the bucket could have refilled while it lasted (measured here, from outside),
    // until one outruns the refill: the first does, unless 12 requests take the machine 5 s.
    const perSecond = 2;
    const own = await createTenant({ rateLimit: perSecond });
    for (let round = 0; ; round++) {
      const started = performance.now();
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => postEvents({ name: "x" }, { key: own.writeKey })),
      );
      const seconds = (performance.now() - started) / 1000;
      const statuses = responses.map((response) => response.status);
      const accepted = statuses.filter((status) => status === 202).length;
      expect(accepted + statuses.filter((status) => status === 429).length).toBe(statuses.length);
      // A new key's bucket is full: its first requests pass.
      if (round === 0) expect(accepted).toBeGreaterThanOrEqual(perSecond);
      // No more than the bucket held and what it refilled meanwhile.
      expect(accepted).toBeLessThanOrEqual(perSecond + perSecond * seconds);
      const refused = responses.find((response) => response.status === 429);
      if (!refused) continue;
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await errorOf(refused)).code).toBe("rate_limited");
      return;
    }
  });

  it("never lets tenant A's key write into tenant B's project", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const response = await postEvents(
      { project_id: b.projectId, events: [{ name: "intrusion" }] },
      { key: a.writeKey },
    );
    expect(response.status).toBe(403);
    const plain = await postEvents({ events: [{ name: "mine" }] }, { key: a.writeKey });
    expect(plain.status).toBe(202);
    expect(await eventsOf(b.projectId)).toHaveLength(0);
    expect((await eventsOf(a.projectId)).map((e) => [e.name, e.organizationId])).toEqual([["mine", a.organizationId]]);
  });
});
