// Open embed streams over real HTTP end as soon as their token stops being accepted: revoking the
// embed (in the same app process, in another app process on the same database, or from any other
// process), revoking a customer token's jti, rotating the secret without grace or the end of its
// grace period. Other tokens' streams stay live. And one token cannot open more than its budget of
// distinct feeds: 429 with Retry-After.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer } from "../../testing/app-server";
import { readEventStream } from "../../testing/event-stream";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { getEnv } from "../env";
import { eventRow } from "../ingest/event-row";
import { writeEvents } from "../ingest/write-events";
import { ensureUserWithRole } from "../workspace/workspace";
import { createEmbed } from "./issue";
import { revokeIssuedEmbed } from "./revocations";
import type { EmbedClaimsInput } from "./schemas";
import { signEmbedToken } from "./tokens";

/**
 * The product's promise: a withdrawn token's streams end within a second, in every process. How long
 * that takes is the machine's speed (a notice, a verification against the database, a write, in one
 * or two app processes), so the tests wait for the end as for any other condition, and as long: a
 * stream left open would run to its token's expiry, an hour away, and nothing but a notice (or a
 * reconnect of the listening connection) checks a stream again.
 */
const CLOSE_WITHIN_MS = 30_000;

let tenant: Tenant;
let reportId: string;
let adminId: string;
let adminCookie: string;

beforeAll(async () => {
  tenant = await createTenant();
  const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
  adminId = (await ensureUserWithRole(tenant.organizationId, { email, password: "stream-password" }, "admin")).id;
  adminCookie = await signInOverHttp(email, "stream-password");
  const report = await getPrisma().report.create({
    data: {
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      name: "Live",
      widgets: {
        create: [
          { title: "Purchases", query: { kind: "metric", event: "purchase", compare: false }, viz: { type: "metric" } },
        ],
      },
    },
  });
  reportId = report.id;
});

afterAll(async () => {
  await closeDatabase();
});

const currentSecret = async () =>
  (await getPrisma().project.findUniqueOrThrow({ where: { id: tenant.projectId }, select: { embedSecret: true } }))
    .embedSecret;

async function customerToken(extra: Partial<EmbedClaimsInput> = {}) {
  return signEmbedToken(
    tenant.projectId,
    await currentSecret(),
    { resource: { type: "report", id: reportId }, editable: ["country"], ...extra },
    new Date(Date.now() + 3_600_000),
  );
}

/** Opens the embed's stream over HTTP (on the app npm test started, unless told) and waits for its first data. */
async function openStream(token: string, query = "", baseUrl = testBaseUrl()) {
  const response = await fetch(`${baseUrl}/api/v1/embed/${token}/stream${query}`);
  expect(response.status).toBe(200);
  const stream = readEventStream(response);
  expect(await stream.until("data", 30_000)).not.toBeNull();
  return stream;
}

function asAdmin(method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}/api/v1/projects/${tenant.projectId}${path}`, {
    method,
    headers: { cookie: adminCookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Waits for the stream's end event, which must come within CLOSE_WITHIN_MS, then for the end of the stream. */
async function expectEnd(stream: ReturnType<typeof readEventStream>, type: string) {
  const event = await stream.until(type, CLOSE_WITHIN_MS);
  expect(event?.type).toBe(type);
  expect(await stream.ended(CLOSE_WITHIN_MS)).toBe(true);
  return event!;
}

describe("an open embed stream", () => {
  it("ends with 'revoked' when its embed is revoked, and other streams stay live", async () => {
    const embed = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
    const other = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
    const stream = await openStream(embed.token);
    const otherStream = await openStream(other.token);

    expect((await asAdmin("DELETE", `/embeds/${embed.id}`)).status).toBe(204);
    const event = await expectEnd(stream, "revoked");
    expect(JSON.parse(event.data)).toEqual({ reason: "revoked", message: "This embed link has been revoked." });

    await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
      eventRow({ name: "purchase", timestamp: new Date(), userId: `u-${randomUUID()}` }),
    ]);
    expect(await otherStream.until("data", 30_000)).not.toBeNull();
    await otherStream.close();
  });

  it("ends when the embed is revoked through another app process", async () => {
    const second = await startAppServer({});
    try {
      const embed = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
      const elsewhere = await openStream(embed.token, "", second.baseUrl);
      const here = await openStream(embed.token);
      expect((await asAdmin("DELETE", `/embeds/${embed.id}`)).status).toBe(204);
      await Promise.all([expectEnd(elsewhere, "revoked"), expectEnd(here, "revoked")]);

      // A rotation without grace, asked of the second process, ends a stream the first holds.
      const customer = await openStream(await customerToken());
      const rotated = await fetch(`${second.baseUrl}/api/v1/projects/${tenant.projectId}/embed-secret/rotate`, {
        method: "POST",
        headers: { cookie: adminCookie, "content-type": "application/json" },
        body: JSON.stringify({ grace_seconds: 0 }),
      });
      expect(rotated.status).toBe(200);
      await expectEnd(customer, "expired");
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("ends when a process that is no app server revokes the embed", async () => {
    const embed = await createEmbed({ userId: adminId }, { report_id: reportId }, testBaseUrl());
    const stream = await openStream(embed.token);
    // This test process is not the app: the revocation reaches the app only through the database.
    await revokeIssuedEmbed({ userId: adminId }, tenant.projectId, embed.id);
    await expectEnd(stream, "revoked");
  });

  it("ends when the customer token's jti is revoked", async () => {
    const jti = `session-${randomUUID()}`;
    const stream = await openStream(await customerToken({ jti }));
    expect((await asAdmin("POST", "/embed-revocations", { jti })).status).toBe(201);
    await expectEnd(stream, "revoked");
  });

  it("ends when the secret is rotated without grace, and at the end of a grace period", async () => {
    const now = await openStream(await customerToken());
    expect((await asAdmin("POST", "/embed-secret/rotate", { grace_seconds: 0 })).status).toBe(200);
    // Signed with a retired secret: "expired", which tells the host page to send a fresh token.
    await expectEnd(now, "expired");

    const graced = await openStream(await customerToken());
    const rotated = await asAdmin("POST", "/embed-secret/rotate", { grace_seconds: 2 });
    const graceEnd = Date.parse(((await rotated.json()) as { previous_valid_until: string }).previous_valid_until);
    const event = await graced.until("expired", graceEnd - Date.now() + CLOSE_WITHIN_MS);
    expect(event?.type).toBe("expired");
    expect(Date.now()).toBeGreaterThanOrEqual(graceEnd);
    expect(await graced.ended(CLOSE_WITHIN_MS)).toBe(true);
  });
});

describe("the feed budget of one token", () => {
  it("refuses one distinct choice set more than the limit with 429 and Retry-After, and frees a place when a stream closes", async () => {
    const max = getEnv().LUMEN_EMBED_MAX_FEEDS_PER_TOKEN;
    const token = await customerToken({ jti: `budget-${randomUUID()}` });
    const streams = [];
    for (let i = 0; i < max; i++) streams.push(await openStream(token, `?filter.country=C${i}`));

    const refused = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/stream?filter.country=extra`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    const data = await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data?filter.country=extra`);
    expect(data.status).toBe(429);
    expect(data.headers.get("retry-after")).toBeTruthy();
    // A choice set already open is no new feed; another token has its own budget.
    expect((await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data?filter.country=C0`)).status).toBe(200);
    const other = await openStream(await customerToken({ jti: `other-${randomUUID()}` }), "?filter.country=extra");
    await other.close();

    await streams.pop()!.close();
    await expect
      .poll(async () => (await fetch(`${testBaseUrl()}/api/v1/embed/${token}/data?filter.country=extra`)).status)
      .toBe(200);
    await Promise.all(streams.map((s) => s.close()));
  });
});
