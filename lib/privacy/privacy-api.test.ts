// Privacy over real HTTP against the built app: the settings API and who may use it, scrubbing at
// ingestion with the project's settings, the consent trail and the purge on withdrawal.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lumen } from "../../sdk/node";
import { waitFor } from "../../testing/app-server";
import {
  createMember,
  createTenant,
  DELETION_JOB_WAIT_MS,
  postEvents,
  type Tenant,
  testBaseUrl,
} from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import type { Role } from "../workspace/schemas";
import { eraseConsentTrail } from "./consent";

let tenant: Tenant;
let adminKey: string;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  tenant = await createTenant();
  for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
    const member = await createMember(tenant.organizationId, role);
    cookies[role] = await signInOverHttp(member.email, member.password);
  }
  adminKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "backend" })).key;
});

afterAll(async () => {
  await closeDatabase();
});

type Auth = { cookie: string } | { key: string } | null;

function call(auth: Auth, method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...(auth && "cookie" in auth ? { cookie: auth.cookie, origin: testBaseUrl() } : {}),
      ...(auth && "key" in auth ? { authorization: `Bearer ${auth.key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const as = (role: Role) => ({ cookie: cookies[role] });
const privacyPath = (projectId = tenant.projectId) => `/api/v1/projects/${projectId}/privacy`;

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: unknown[] } }).error;
}

describe("the privacy settings API", () => {
  it("shows the defaults: every scrubbing class on, no dropped keys, no purge, 25 and 60 months", async () => {
    const before = new Date();
    const response = await call(as("owner"), "GET", privacyPath());
    const after = new Date();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      project_id: tenant.projectId,
      scrubbing: { email: true, phone: true, card: true, ip: true },
      dropped_property_keys: [],
      purge_on_consent_withdrawal: false,
      retention: { raw_events_months: 25, aggregates_months: 60 },
    });
    // The first of the month 25 months before the server's now, which lies between before and after:
    // when a month begins during the request, either month's horizon is right.
    const horizon = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 25, 1)).toISOString();
    expect([horizon(before), horizon(after)]).toContain(body.retention.raw_events_kept_from);
  });

  it("is for owners, admins and admin keys; others get 401, 403 or 404", async () => {
    const other = await createTenant();
    const otherKey = (await createApiKey({ organizationId: other.organizationId, kind: "admin", name: "x" })).key;
    const readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "r" })).key;
    const paths = [privacyPath(), `/api/v1/projects/${tenant.projectId}/retention/preview`];
    for (const path of paths) {
      for (const auth of [as("owner"), as("admin"), { key: adminKey }])
        expect((await call(auth, "GET", path)).status, path).toBe(200);
      for (const role of ["analyst", "viewer"] as const) {
        const response = await call(as(role), "GET", path);
        expect(response.status, `${role} ${path}`).toBe(403);
        expect((await errorOf(response)).code).toBe("forbidden");
      }
      expect((await call(null, "GET", path)).status).toBe(401);
      expect((await call({ key: readKey }, "GET", path)).status).toBe(403);
      expect((await call({ key: otherKey }, "GET", path)).status).toBe(404);
    }
    expect((await call(as("viewer"), "PATCH", privacyPath(), { purge_on_consent_withdrawal: true })).status).toBe(403);
    expect((await call({ key: otherKey }, "PATCH", privacyPath(), { purge_on_consent_withdrawal: true })).status).toBe(
      404,
    );
    expect((await call(as("owner"), "GET", privacyPath(randomUUID()))).status).toBe(404);
    expect((await call(as("owner"), "GET", "/api/v1/projects/not-a-uuid/privacy")).status).toBe(404);
  });

  it("changes settings from a session or an admin key, and refuses bad input with the field named", async () => {
    const own = await createTenant();
    const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
    const patched = await call({ key }, "PATCH", privacyPath(own.projectId), {
      scrubbing: { ip: false },
      dropped_property_keys: ["password", " Password ", "ssn"],
      retention: { raw_events_months: 13, aggregates_months: 36 },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      scrubbing: { email: true, phone: true, card: true, ip: false },
      dropped_property_keys: ["Password", "ssn"],
      retention: { raw_events_months: 13, aggregates_months: 36 },
    });
    const bad: [unknown, string][] = [
      [{ retention: { aggregates_months: 12 } }, "retention.aggregates_months"],
      [{ retention: { raw_events_months: 0 } }, "retention.raw_events_months"],
      [{ retention: { raw_events_months: 1.5 } }, "retention.raw_events_months"],
      [{ scrubbing: { email: "no" } }, "scrubbing.email"],
      [{ dropped_property_keys: [""] }, "dropped_property_keys[0]"],
      [{ dropped_property_keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }, "dropped_property_keys"],
      [{ purge_on_consent_withdrawal: 1 }, "purge_on_consent_withdrawal"],
      [{ scrub_everything: true }, ""],
    ];
    for (const [body, path] of bad) {
      const response = await call({ key }, "PATCH", privacyPath(own.projectId), body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("invalid_request");
      if (path) expect(error.details, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path }));
    }
    // A signed-in admin's change must come from Lumen's own pages.
    const crossSite = await fetch(`${testBaseUrl()}${privacyPath(own.projectId)}`, {
      method: "PATCH",
      headers: { cookie: cookies.admin, "content-type": "application/json", "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ purge_on_consent_withdrawal: true }),
    });
    expect(crossSite.status).toBe(403);
    const malformed = await fetch(`${testBaseUrl()}${privacyPath(own.projectId)}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
  });

  it("previews what retention would delete without deleting it", async () => {
    const response = await call({ key: adminKey }, "GET", `/api/v1/projects/${tenant.projectId}/retention/preview`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      now: expect.any(String),
      project: { project_id: tenant.projectId, raw_events: 0, event_keys: 0, event_rollups: 0 },
    });
  });
});

describe("scrubbing at ingestion", () => {
  const event = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    event_id: randomUUID(),
    name: "checkout",
    user_id: "u-1",
    properties,
    ...extra,
  });

  it("masks personal data before storage, keeps what only looks like it, and counts what it did", async () => {
    const own = await createTenant();
    const response = await postEvents(
      {
        events: [
          event(
            {
              email: "jane.doe@example.com",
              note: "call +33 6 12 34 56 78 or mail jane@example.org",
              card: "4111 1111 1111 1111",
              order_id: "4111111111111112",
              nested: { ips: ["203.0.113.9", "2001:db8::1"], version: "1.2.3.4" },
              price: "1299.99",
              date: "2026-11-23",
              uuid: "123e4567-e89b-12d3-a456-426614174000",
            },
            {
              context: {
                page: {
                  url: "https://shop.example/users/jane%40example.com/orders?utm_term=jane@example.com",
                  title: "Orders of jane@example.com",
                  referrer: "http://192.168.1.10:8080/admin",
                },
              },
            },
          ),
        ],
      },
      { key: own.writeKey },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      bots: 0,
      rejected: [],
      scrubbed: { email: 5, phone: 1, card: 1, ip: 3 },
    });
    const [row] = await getPrisma().event.findMany({ where: { projectId: own.projectId } });
    expect(row).toMatchObject({
      properties: {
        email: "[email]",
        note: "call [phone] or mail [email]",
        card: "[card]",
        order_id: "4111111111111112",
        nested: { ips: ["[ip]", "[ip]"], version: "1.2.3.4" },
        price: "1299.99",
        date: "2026-11-23",
        uuid: "123e4567-e89b-12d3-a456-426614174000",
      },
      path: "/users/[email]/orders",
      title: "Orders of [email]",
      utmTerm: "[email]",
      referrerHost: "[ip]",
      userId: "u-1",
    });
  });

  it("follows the project's settings: classes turned off stay, listed keys are dropped at any depth", async () => {
    const own = await createTenant();
    const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
    expect(
      (
        await call({ key }, "PATCH", privacyPath(own.projectId), {
          scrubbing: { email: false },
          dropped_property_keys: ["Password"],
        })
      ).status,
    ).toBe(200);
    const response = await postEvents(
      { events: [event({ email: "jane@example.com", password: "x", form: { PASSWORD: "y", ip: "10.0.0.1" } })] },
      { key: own.writeKey },
    );
    expect(await response.json()).toMatchObject({ accepted: 1, scrubbed: { dropped_keys: 2, ip: 1 } });
    const [row] = await getPrisma().event.findMany({ where: { projectId: own.projectId } });
    expect(row!.properties).toEqual({ email: "jane@example.com", form: { ip: "[ip]" } });
    // Nothing to scrub: the answer is as before, without a scrubbed field.
    const clean = await postEvents({ events: [event({ plan: "pro" })] }, { key: own.writeKey });
    expect(await clean.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
  });
});

describe("the consent trail", () => {
  const consent = (state: string, ids: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    event_id: randomUUID(),
    name: "$consent",
    consent: { state },
    ...ids,
    ...extra,
  });
  const trail = async (projectId: string, query: string, key = adminKey) => {
    const response = await call({ key }, "GET", `/api/v1/projects/${projectId}/consents?${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { records: { state: string; source: string }[] }).records;
  };

  it("keeps each change once, per person, with its source, and never among events", async () => {
    const now = Date.now();
    const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const granted = consent(
      "granted",
      { anonymous_id: "device-9" },
      { timestamp: minutesAgo(2), context: { library: { name: "lumen-js" } } },
    );
    const first = await postEvents(
      {
        events: [
          granted,
          consent(
            "denied",
            { user_id: "u-9", anonymous_id: "device-9" },
            { consent: { state: "denied", source: "banner" } },
          ),
          { name: "$consent", user_id: "u-9" },
          { name: "pageview", user_id: "u-9", consent: { state: "granted" } },
          consent("maybe", { user_id: "u-9" }),
        ],
      },
      { key: tenant.writeKey },
    );
    expect(first.status).toBe(202);
    const body = (await first.json()) as { accepted: number; rejected: { index: number; message: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([2, 3, 4]);
    expect(body.rejected[0]!.message).toMatch(/consent: required/);
    expect(body.rejected[1]!.message).toMatch(/only \$consent events/);
    // Resent: counted as duplicates, kept once.
    const again = await postEvents({ events: [granted] }, { key: tenant.writeKey });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await trail(tenant.projectId, "anonymous_id=device-9")).toMatchObject([
      { state: "granted", source: "lumen-js" },
      { state: "denied", source: "banner" },
    ]);
    expect(await trail(tenant.projectId, "user_id=u-9")).toMatchObject([{ state: "denied", source: "banner" }]);
    expect(await getPrisma().event.count({ where: { projectId: tenant.projectId, name: "$consent" } })).toBe(0);
    // No id: like an event, the change is the visitor's of today's salted hash (their address and agent).
    const own = await createTenant();
    const hashed = await postEvents({ events: [consent("granted", {})] }, { key: own.writeKey });
    expect(await hashed.json()).toMatchObject({ accepted: 1 });
    const stored = await getPool().query("SELECT user_id, anonymous_id FROM consent_records WHERE project_id = $1", [
      own.projectId,
    ]);
    expect(stored.rows).toEqual([{ user_id: null, anonymous_id: expect.stringMatching(/^v_/) }]);
    const unnamed = await call({ key: adminKey }, "GET", `/api/v1/projects/${tenant.projectId}/consents`);
    expect(unnamed.status).toBe(400);
    expect((await call(as("viewer"), "GET", `/api/v1/projects/${tenant.projectId}/consents?user_id=u-9`)).status).toBe(
      403,
    );
  });

  it("takes decisions from the Node SDK, named by it", async () => {
    const own = await createTenant();
    const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
    const lumen = new Lumen({ host: testBaseUrl(), writeKey: own.writeKey });
    lumen.consent({ user_id: "sdk-user" }, "granted", { timestamp: new Date(Date.now() - 60_000) });
    lumen.consent({ user_id: "sdk-user" }, "denied", { source: "account-settings" });
    expect(() => lumen.consent({}, "granted")).toThrow(/user_id or an anonymous_id/);
    await lumen.shutdown();
    expect(lumen.dropped).toBe(0);
    expect(await trail(own.projectId, "user_id=sdk-user", key)).toMatchObject([
      { state: "granted", source: "lumen-node" },
      { state: "denied", source: "account-settings" },
    ]);
  });

  it("is append-only: no update or delete but a person's erasure", async () => {
    const own = await createTenant();
    await postEvents(
      { events: [consent("granted", { user_id: "kept" }), consent("granted", { user_id: "erased" })] },
      {
        key: own.writeKey,
      },
    );
    const db = getPool();
    await expect(
      db.query("UPDATE consent_records SET state = 'denied' WHERE project_id = $1", [own.projectId]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query("DELETE FROM consent_records WHERE project_id = $1", [own.projectId])).rejects.toThrow(
      /append-only/,
    );
    expect(await eraseConsentTrail(db, own.projectId, { userId: "erased" })).toBe(1);
    const left = await db.query("SELECT user_id FROM consent_records WHERE project_id = $1", [own.projectId]);
    expect(left.rows).toEqual([{ user_id: "kept" }]);
  });

  it(
    "purges a person's events when they withdraw consent, if the project says so, and keeps the trail",
    async () => {
      const own = await createTenant();
      const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
      const now = Date.now();
      const pageview = (ids: Record<string, string>, minutesAgo: number) => ({
        event_id: randomUUID(),
        name: "pageview",
        timestamp: new Date(now - minutesAgo * 60_000).toISOString(),
        ...ids,
      });
      await postEvents(
        {
          events: [
            pageview({ anonymous_id: "dev-1" }, 30),
            pageview({ user_id: "leaving", anonymous_id: "dev-1" }, 20),
            pageview({ user_id: "leaving" }, 10),
            pageview({ user_id: "staying", anonymous_id: "dev-2" }, 10),
            consent("denied", { user_id: "staying" }),
          ],
        },
        { key: own.writeKey },
      );
      // Without the setting, a withdrawal is recorded and nothing is deleted.
      expect(await getPrisma().personDeletion.count({ where: { projectId: own.projectId } })).toBe(0);
      await call({ key }, "PATCH", privacyPath(own.projectId), { purge_on_consent_withdrawal: true });
      const withdrawal = await postEvents(
        { events: [consent("denied", { user_id: "leaving", anonymous_id: "dev-1" })] },
        {
          key: own.writeKey,
        },
      );
      expect(await withdrawal.json()).toMatchObject({ accepted: 1 });
      // The deletion runs in the background: wait until both its jobs are done.
      const jobsOf = () => getPrisma().personDeletion.findMany({ where: { projectId: own.projectId } });
      await waitFor(
        "the purge's jobs to finish",
        async () => {
          const jobs = await jobsOf();
          return jobs.length === 2 && jobs.every((j) => j.status === "done");
        },
        DELETION_JOB_WAIT_MS,
      );
      const jobs = await jobsOf();
      // A finished job keeps the kind of id and the pseudonym, no longer the id itself.
      expect(jobs.map((j) => [j.idKind, j.userId, j.anonymousId, j.status, j.reason]).sort()).toEqual([
        ["anonymous_id", null, null, "done", "consent_withdrawn"],
        ["user_id", null, null, "done", "consent_withdrawn"],
      ]);
      expect(jobs.every((j) => /^p_[\w-]{22}$/.test(j.personPseudonym ?? ""))).toBe(true);
      // Each job's request and end are in the audit log, naming the person by pseudonym only.
      const audit = await getPrisma().auditEntry.findMany({
        where: { projectId: own.projectId, action: { startsWith: "privacy.person_deletion" } },
        select: { action: true, actorKind: true, targetId: true, details: true },
      });
      for (const job of jobs)
        for (const action of ["privacy.person_deletion_requested", "privacy.person_deletion_finished"])
          expect(audit.filter((a) => a.action === action && a.targetId === job.id)).toEqual([
            expect.objectContaining({
              actorKind: "operator",
              details: expect.objectContaining({ reason: "consent_withdrawn", person: job.personPseudonym }),
            }),
          ]);
      const left = await getPrisma().event.findMany({ where: { projectId: own.projectId }, select: { userId: true } });
      expect(left).toEqual([{ userId: "staying" }]);
      expect((await trail(own.projectId, "user_id=leaving", key)).map((r) => r.state)).toEqual(["denied"]);
    },
    DELETION_JOB_WAIT_MS + 30_000,
  );
});
