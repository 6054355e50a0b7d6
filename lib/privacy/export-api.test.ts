// A person's export over real HTTP against the built app and a real PostgreSQL: every event of that
// person and nobody else's, from every partition, oldest first, as NDJSON; only admins and admin
// keys may ask; it is in the audit log under a pseudonym; the rows come from a cursor that follows
// the client's reading (a client that reads nothing holds one open cursor, and frees it by leaving).
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { personPseudonym } from "../audit/person-pseudonym";
import type { AuditPage } from "../audit/schemas";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool, getPrisma } from "../db/client";
import { ensureEventPartitions } from "../db/partitions";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { createProject } from "../workspace/workspace";

const DAY = 86_400_000;
let tenant: Tenant;
let owner: SignedInMember;
let otherProjectId: string;
/**
 * This person's events: a user id over three months and the default partition (a date no partition
 * holds, within the default retention at the instant retention.test.ts enforces at: that run covers
 * every project).
 */
const personId = `person-${randomUUID()}`;
const personEvents: EventRow[] = [];
/** The person's visits before signing in on device-1 (anonymous-only events): theirs too. */
const preSignIn: EventRow[] = [];

beforeAll(async () => {
  tenant = await createTenant();
  owner = await signedInMember(tenant.organizationId, "owner");
  otherProjectId = (await createProject(tenant.organizationId, { name: "Docs" })).id;
  const now = Date.now();
  await ensureEventPartitions(getPool(), new Date(now - 100 * DAY), new Date(now));
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
  personEvents.push(
    eventRow({
      name: "pageview",
      timestamp: new Date("2018-02-03T04:05:06.789Z"),
      userId: personId,
      path: "/archive",
    }),
    eventRow({
      name: "pageview",
      timestamp: at(95),
      userId: personId,
      anonymousId: "device-1",
      sessionId: "s-1",
      path: "/pricing",
      title: "Pricing",
      referrerHost: "www.google.com",
      utmSource: "newsletter",
      utmCampaign: "spring",
      browser: "Firefox",
      os: "Linux",
      deviceType: "desktop",
      country: "FR",
      locale: "fr-FR",
    }),
    eventRow({ name: "signup", timestamp: at(40), userId: personId, properties: { plan: "pro", seats: 3 } }),
    // On a kiosk another user signed in on too.
    eventRow({ name: "pageview", timestamp: at(5), anonymousId: "kiosk", userId: personId, path: "/kiosk" }),
    eventRow({ name: "purchase", timestamp: at(1), userId: personId, appVersion: "2.1.0", library: "lumen-node" }),
  );
  // Browsing anonymously on device-1, then signing in half a day later (the /pricing event above):
  // an anonymous id's user is the one signed in around its last anonymous visit (lib/people/identity.ts).
  preSignIn.push(
    eventRow({ name: "pageview", timestamp: at(96), anonymousId: "device-1", path: "/docs" }),
    eventRow({ name: "pageview", timestamp: at(95.5), anonymousId: "device-1", path: "/" }),
  );
  const sharer = `sharer-${randomUUID()}`;
  await writeEvents(getPool(), tenant.organizationId, tenant.projectId, [
    ...personEvents,
    ...preSignIn,
    // Other people: another user, a kiosk two users signed in on (its anonymous visits are no one
    // user's), a visitor never identified, and the same user id in another project.
    eventRow({ name: "pageview", timestamp: at(2), userId: `someone-else-${randomUUID()}`, path: "/pricing" }),
    eventRow({ name: "pageview", timestamp: at(5), anonymousId: "kiosk", userId: sharer, path: "/" }),
    eventRow({ name: "pageview", timestamp: at(6), anonymousId: "kiosk", path: "/kiosk-anonymous" }),
    eventRow({ name: "pageview", timestamp: at(7), anonymousId: "stranger", path: "/stranger" }),
  ]);
  await writeEvents(getPool(), tenant.organizationId, otherProjectId, [
    eventRow({ name: "pageview", timestamp: at(2), userId: personId, path: "/other-project" }),
  ]);
});

afterAll(async () => {
  await closeDatabase();
});

type Auth = { cookie: string } | { key: string } | null;

function exportOf(auth: Auth, query: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${testBaseUrl()}/api/v1/privacy/export?${query}`, {
    headers: {
      ...(auth && "cookie" in auth ? { cookie: auth.cookie } : {}),
      ...(auth && "key" in auth ? { authorization: `Bearer ${auth.key}` } : {}),
    },
    signal,
  });
}

/** The status, leaving the body unread: cancelled, so the server frees the export's cursor at once. */
async function statusOf(response: Promise<Response>): Promise<number> {
  const { status, body } = await response;
  await body?.cancel();
  return status;
}

function lines(body: string): Record<string, unknown>[] {
  expect(body === "" || body.endsWith("\n")).toBe(true);
  return body
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("what it holds", () => {
  it("streams exactly the person's events, from every partition, oldest first", async () => {
    const response = await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=${personId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="lumen-person-p_[\w-]+\.ndjson"$/,
    );
    const events = lines(await response.text());
    const identified = events.filter((e) => e.user_id === personId);
    expect(identified.map((e) => e.event_id)).toEqual(personEvents.map((e) => e.eventId));
    expect(identified[0]).toMatchObject({
      timestamp: "2018-02-03T04:05:06.789Z",
      name: "pageview",
      page: { path: "/archive" },
    });
    expect(identified[1]).toEqual({
      event_id: personEvents[1]?.eventId,
      timestamp: personEvents[1]?.timestamp.toISOString(),
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      name: "pageview",
      user_id: personId,
      anonymous_id: "device-1",
      session_id: "s-1",
      page: { path: "/pricing", title: "Pricing" },
      referrer_host: "www.google.com",
      utm: { source: "newsletter", medium: null, campaign: "spring", term: null, content: null },
      properties: {},
      browser: "Firefox",
      os: "Linux",
      device_type: "desktop",
      country: "FR",
      locale: "fr-FR",
      app_version: null,
      library: null,
    });
    expect(identified[2]).toMatchObject({ name: "signup", properties: { plan: "pro", seats: 3 } });
    expect(identified[4]).toMatchObject({ name: "purchase", app_version: "2.1.0", library: "lumen-node" });
  });

  it("holds the person's visits before signing in, on every device they used, and no one else's", async () => {
    const response = await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=${personId}`);
    const events = lines(await response.text());
    // Oldest first across ids: the user's own events and device-1's and the kiosk's anonymous-only ones.
    const paths = events.map((e) => (e.page as { path: string }).path);
    expect(paths).toEqual(["/archive", "/docs", "/", "/pricing", null, "/kiosk-anonymous", "/kiosk", null]);
    expect(events.filter((e) => e.user_id === null).map((e) => e.anonymous_id)).toEqual([
      "device-1",
      "device-1",
      "kiosk",
    ]);
    expect(paths).not.toContain("/stranger");
  });

  it("exports an anonymous id as its person: the user it signed in as, whole; otherwise its own events", async () => {
    const asUser = lines(
      await (await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=${personId}`)).text(),
    );
    const asDevice = lines(
      await (await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&anonymous_id=device-1`)).text(),
    );
    expect(asDevice).toEqual(asUser);
    // Two users signed in on the kiosk: its anonymous visits alone, without either user's events.
    const kiosk = lines(
      await (await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&anonymous_id=kiosk`)).text(),
    );
    expect(kiosk.map((e) => [e.anonymous_id, e.user_id, (e.page as { path: string }).path])).toEqual([
      ["kiosk", null, "/kiosk-anonymous"],
    ]);
    const stranger = lines(
      await (await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&anonymous_id=stranger`)).text(),
    );
    expect(stranger.map((e) => (e.page as { path: string }).path)).toEqual(["/stranger"]);
  });

  it("answers an empty export for someone never tracked", async () => {
    const response = await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=nobody`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("is in the audit log before any row leaves, under a pseudonym rather than the person's id", async () => {
    const adminKey = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "dsar" });
    const response = await exportOf({ key: adminKey.key }, `project_id=${tenant.projectId}&user_id=${personId}`);
    expect(response.status).toBe(200);
    // Nothing read yet: the entry is already committed.
    const log = await fetch(
      `${testBaseUrl()}/api/v1/audit-log?project_id=${tenant.projectId}&action=privacy.person_exported&actor_id=${adminKey.id}`,
      { headers: { cookie: owner.cookie } },
    );
    const { entries } = (await log.json()) as AuditPage;
    expect(entries).toHaveLength(1);
    const pseudonym = personPseudonym(tenant.projectId, "user_id", personId);
    expect(entries[0]).toMatchObject({
      action: "privacy.person_exported",
      project_id: tenant.projectId,
      target: { type: "person", id: pseudonym },
      details: { id_kind: "user_id" },
      actor: { kind: "api_key", key_id: adminKey.id },
    });
    expect(JSON.stringify(entries)).not.toContain(personId);
    expect(response.headers.get("content-disposition")).toContain(pseudonym);
    expect(lines(await response.text())).toHaveLength(personEvents.length + preSignIn.length + 1);
  });
});

describe("who may ask, and how", () => {
  it("lets owners, admins and the organization's admin keys export; refuses everyone else", async () => {
    const query = `project_id=${tenant.projectId}&user_id=${personId}`;
    const admin = await signedInMember(tenant.organizationId, "admin");
    expect(await statusOf(exportOf({ cookie: admin.cookie }, query))).toBe(200);
    for (const role of ["analyst", "viewer"] as const) {
      const member = await signedInMember(tenant.organizationId, role);
      const response = await exportOf({ cookie: member.cookie }, query);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    expect((await exportOf(null, query)).status).toBe(401);
    const readKey = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
    expect((await exportOf({ key: readKey.key }, query)).status).toBe(403);
    const boundElsewhere = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: otherProjectId,
      kind: "admin",
      name: "docs only",
    });
    expect((await exportOf({ key: boundElsewhere.key }, query)).status).toBe(404);
    const stranger = await signedInMember((await createTenant()).organizationId, "owner");
    expect((await exportOf({ cookie: stranger.cookie }, query)).status).toBe(404);
  });

  it("validates the query: a 400 naming the parameter", async () => {
    const project = `project_id=${tenant.projectId}`;
    const cases: [string, string][] = [
      [project, "user_id"],
      [`${project}&user_id=a&anonymous_id=b`, "user_id"],
      [`${project}&user_id=`, "user_id"],
      [`${project}&user_id=${"x".repeat(201)}`, "user_id"],
      [`${project}&user_id=a%00b`, "user_id"],
      ["user_id=a", "project_id"],
      ["project_id=nope&user_id=a", "project_id"],
    ];
    for (const [query, path] of cases) {
      const response = await exportOf({ cookie: owner.cookie }, query);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(error.code).toBe("invalid_request");
      expect(
        error.details.map((d) => d.path),
        query,
      ).toContain(path);
    }
  });
});

/** The export connections open on the server, with what they are doing. */
async function exportCursors(): Promise<{ state: string; query: string }[]> {
  const { rows } = await getPool().query<{ state: string; query: string }>(
    `SELECT state, query FROM pg_stat_activity
     WHERE application_name = 'lumen-reports' AND query LIKE 'FETCH % FROM person_export'`,
  );
  return rows;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a large export", () => {
  const bigId = `big-${randomUUID()}`;
  // About 30 MB on the wire, more than the loopback connection and both ends' buffers hold, in few
  // rows (the padding compresses to almost nothing in the database, and the rollup refresh that
  // other test files wait for folds rows, not bytes).
  const count = 2_500;

  beforeAll(async () => {
    const now = Date.now();
    const rows = Array.from({ length: count }, (_, i) =>
      eventRow({
        name: "pageview",
        timestamp: new Date(now - 20 * DAY + i * 1000),
        userId: bigId,
        path: `/page/${i}`,
        properties: { padding: "x".repeat(12_000), i },
      }),
    );
    for (let i = 0; i < rows.length; i += 500)
      await writeEvents(getPool(), tenant.organizationId, tenant.projectId, rows.slice(i, i + 500));
  });

  it("arrives whole and in order", async () => {
    const response = await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=${bigId}`);
    const events = lines(await response.text());
    expect(events).toHaveLength(count);
    expect(events.every((e, i) => (e.properties as { i: number }).i === i)).toBe(true);
  });

  it("is read from a cursor as the client reads, at most two at a time, and freed when the client leaves", async () => {
    const query = `project_id=${tenant.projectId}&user_id=${bigId}`;
    const controllers = [new AbortController(), new AbortController()];
    const held = await Promise.all(controllers.map((c) => exportOf({ cookie: owner.cookie }, query, c.signal)));
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    // Each reads one chunk and stops: the server keeps its cursor open, between fetches, with most rows unread.
    const readers = held.map((r) => r.body!.getReader());
    for (const reader of readers) expect((await reader.read()).done).toBe(false);
    await waitFor(
      async () => (await exportCursors()).filter((c) => c.state === "idle in transaction").length >= 2,
      "two idle export cursors",
    );

    // A third export at once is turned away with a retry hint, not queued.
    const third = await exportOf({ cookie: owner.cookie }, query);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("10");
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe("rate_limited");

    for (const [i, controller] of controllers.entries()) {
      await readers[i]!.cancel();
      controller.abort();
    }
    await waitFor(async () => (await exportCursors()).every((c) => c.state === "idle"), "the cursors to close");
    expect(await statusOf(exportOf({ cookie: owner.cookie }, query))).toBe(200);
  });
});

describe("the CLI", () => {
  it("export-person writes the person's events to a file and is in the audit log as the operator's", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "lumen-export-"));
    try {
      const out = path.join(dir, "person.ndjson");
      const { stdout } = await promisify(execFile)(
        path.resolve("node_modules/.bin/tsx"),
        [
          "--conditions=react-server",
          "scripts/lumen.ts",
          "export-person",
          "--project",
          tenant.projectId,
          "--user-id",
          personId,
          "--out",
          out,
          "--json",
        ],
        { env: process.env },
      );
      // What the API exports: the user's events and their devices' anonymous visits.
      const api = lines(
        await (await exportOf({ cookie: owner.cookie }, `project_id=${tenant.projectId}&user_id=${personId}`)).text(),
      );
      expect(api).toHaveLength(personEvents.length + preSignIn.length + 1);
      expect(JSON.parse(stdout.trim().split("\n").pop()!)).toMatchObject({ events: api.length, out });
      expect(lines(await readFile(out, "utf8")).map((e) => e.event_id)).toEqual(api.map((e) => e.event_id));
      const entry = await getPrisma().auditEntry.findFirstOrThrow({
        where: { organizationId: tenant.organizationId, action: "privacy.person_exported", actorKind: "operator" },
      });
      expect(entry.targetId).toBe(personPseudonym(tenant.projectId, "user_id", personId));
      expect(entry.requestId).toMatch(/^cli-/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A CLI process (tsx compiles it, then it connects and works) takes several seconds on a loaded machine.
  }, 120_000);
});
