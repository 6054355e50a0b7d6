// Person deletion requests over real HTTP against the built app: who may ask and see (auth matrix,
// other organizations), bad input, a job's life to done with the person's events gone and every
// report equal to a project that never had them, ingestion going on while it runs, a second request
// answered with the waiting job, suppression of later events, and the audit log's entries.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { personPseudonym } from "../audit/person-pseudonym";
import { createApiKey } from "../auth/api-keys";
import { closeDatabase, getPool } from "../db/client";
import { eventRow } from "../ingest/event-row";
import { type EventRow, writeEvents } from "../ingest/write-events";
import { refreshRollups } from "../query/rollup-refresh";
import { runQuery } from "../query/run-query";
import { type QueryDefinitionInput, queryDefinitionSchema } from "../query/schemas";
import type { Role } from "../workspace/schemas";
import type { DeletionJobPage, DeletionJobView } from "./schemas";
import { suppressionHash } from "./suppression";

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
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

const as = (role: Role) => ({ cookie: cookies[role] });
const DELETIONS = "/api/v1/privacy/deletions";

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: { path: string }[] } }).error;
}

async function requestDeletion(auth: Auth, body: unknown): Promise<DeletionJobView> {
  const response = await call(auth, "POST", DELETIONS, body);
  expect(response.status, JSON.stringify(body)).toBe(202);
  return (await response.json()) as DeletionJobView;
}

async function jobOf(id: string, auth: Auth = { key: adminKey }): Promise<DeletionJobView> {
  const response = await call(auth, "GET", `${DELETIONS}/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as DeletionJobView;
}

async function waitUntilEnded(id: string, auth: Auth = { key: adminKey }): Promise<DeletionJobView> {
  await waitFor(
    `deletion ${id} to end`,
    async () => ["done", "failed"].includes((await jobOf(id, auth)).status),
    DELETION_JOB_WAIT_MS,
  );
  return jobOf(id, auth);
}

/** Tests that wait for a job to end. */
const waitsForJobs = { timeout: DELETION_JOB_WAIT_MS + 30_000 };

describe("who may request and see deletions", waitsForJobs, () => {
  it("is owners, admins and admin keys of the project's organization; others get 401, 403 or 404", async () => {
    const other = await createTenant();
    const otherKey = (await createApiKey({ organizationId: other.organizationId, kind: "admin", name: "x" })).key;
    const readKey = (await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "r" })).key;
    const boundElsewhere = (
      await createApiKey({ organizationId: other.organizationId, projectId: other.projectId, kind: "admin", name: "b" })
    ).key;
    const allowed: [string, Auth][] = [
      ["owner", as("owner")],
      ["admin", as("admin")],
      ["admin key", { key: adminKey }],
    ];
    const jobs: DeletionJobView[] = [];
    for (const [who, auth] of allowed) {
      const job = await requestDeletion(auth, { project_id: tenant.projectId, user_id: `nobody-${who}` });
      expect(job).toMatchObject({ project_id: tenant.projectId, id_kind: "user_id", reason: "request" });
      expect(job.person).toBe(personPseudonym(tenant.projectId, "user_id", `nobody-${who}`));
      expect(JSON.stringify(job)).not.toContain("nobody");
      jobs.push(job);
      expect((await call(auth, "GET", `${DELETIONS}/${job.id}`)).status, who).toBe(200);
      expect((await call(auth, "GET", `${DELETIONS}?project_id=${tenant.projectId}`)).status, who).toBe(200);
    }
    const body = { project_id: tenant.projectId, user_id: "someone" };
    const forbidden: [string, Auth][] = [
      ["analyst", as("analyst")],
      ["viewer", as("viewer")],
      ["read key", { key: readKey }],
    ];
    for (const [who, auth] of forbidden) {
      for (const [method, path, payload] of [
        ["POST", DELETIONS, body],
        ["GET", `${DELETIONS}/${jobs[0]!.id}`, undefined],
        ["GET", `${DELETIONS}?project_id=${tenant.projectId}`, undefined],
      ] as const) {
        const response = await call(auth, method, path, payload);
        expect(response.status, `${who} ${method} ${path}`).toBe(403);
        expect((await errorOf(response)).code).toBe("forbidden");
      }
    }
    for (const auth of [{ key: otherKey }, { key: boundElsewhere }]) {
      // Another organization's project, job and list: as if none existed.
      expect((await call(auth, "POST", DELETIONS, body)).status).toBe(404);
      const one = await call(auth, "GET", `${DELETIONS}/${jobs[0]!.id}`);
      expect(one.status).toBe(404);
      expect((await errorOf(one)).code).toBe("not_found");
      expect((await call(auth, "GET", `${DELETIONS}?project_id=${tenant.projectId}`)).status).toBe(404);
    }
    for (const [method, path, payload] of [
      ["POST", DELETIONS, body],
      ["GET", `${DELETIONS}/${jobs[0]!.id}`, undefined],
      ["GET", `${DELETIONS}?project_id=${tenant.projectId}`, undefined],
    ] as const)
      expect((await call(null, method, path, payload)).status, `anonymous ${method} ${path}`).toBe(401);
    expect((await call(as("owner"), "GET", `${DELETIONS}/${randomUUID()}`)).status).toBe(404);
    expect((await call(as("owner"), "GET", `${DELETIONS}/not-a-uuid`)).status).toBe(404);
    expect((await call(as("owner"), "POST", DELETIONS, { ...body, project_id: randomUUID() })).status).toBe(404);
    for (const job of jobs) expect((await waitUntilEnded(job.id)).status).toBe("done");
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ project_id: tenant.projectId }, "user_id"],
      [{ project_id: tenant.projectId, user_id: "a", anonymous_id: "b" }, "user_id"],
      [{ project_id: tenant.projectId, user_id: "" }, "user_id"],
      [{ project_id: tenant.projectId, user_id: "   " }, "user_id"],
      [{ project_id: tenant.projectId, anonymous_id: "x".repeat(201) }, "anonymous_id"],
      [{ project_id: tenant.projectId, user_id: 42 }, "user_id"],
      [{ project_id: tenant.projectId, user_id: "a\u0000b" }, "user_id"],
      [{ project_id: "not-a-uuid", user_id: "a" }, "project_id"],
      [{ user_id: "a" }, "project_id"],
      [{ project_id: tenant.projectId, user_id: "a", everything: true }, ""],
    ];
    for (const [body, path] of cases) {
      const response = await call({ key: adminKey }, "POST", DELETIONS, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("invalid_request");
      if (path)
        expect(
          error.details?.map((d) => d.path),
          JSON.stringify(body),
        ).toContain(path);
    }
    for (const raw of ["not json", "[]", ""]) {
      const response = await call({ key: adminKey }, "POST", DELETIONS, raw);
      expect(response.status, raw).toBe(400);
      expect((await errorOf(response)).code).toBe("invalid_request");
    }
    for (const query of [
      "",
      "project_id=nope",
      `project_id=${tenant.projectId}&limit=0`,
      `project_id=${tenant.projectId}&limit=101`,
      `project_id=${tenant.projectId}&cursor=abc`,
      `project_id=${tenant.projectId}&colour=red`,
    ]) {
      const response = await call({ key: adminKey }, "GET", `${DELETIONS}?${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code).toBe("invalid_request");
    }
    // A cursor from another project's list names nothing here.
    const other = await createTenant();
    const otherKey = (await createApiKey({ organizationId: other.organizationId, kind: "admin", name: "x" })).key;
    const foreign = await requestDeletion({ key: otherKey }, { project_id: other.projectId, user_id: "u" });
    const response = await call(
      { key: adminKey },
      "GET",
      `${DELETIONS}?project_id=${tenant.projectId}&cursor=${foreign.id}`,
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details?.[0]?.path).toBe("cursor");
  });
});

// Recent days, so events can also arrive through the ingestion API (its window is 30 days), counted
// from one reading of the clock: a project seeded after midnight UTC would have every event a day
// later than one seeded before it, and their reports would no longer match.
const today = new Date();
const day = (daysAgo: number, hour: number, minute = 0) =>
  new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - daysAgo, hour, minute));
const isoDay = (daysAgo: number) => day(daysAgo, 0).toISOString().slice(0, 10);

/** Everyone but zoe and bob; zoe (a user) and bob (an anonymous visitor) only in the full project. */
function seedRows(withDeleted: boolean): EventRow[] {
  const rows: EventRow[] = [];
  const add = (fields: Partial<EventRow> & Pick<EventRow, "name" | "timestamp">) => rows.push(eventRow(fields));
  for (const [i, user] of ["alice", "carol"].entries()) {
    for (let d = 1; d <= 4; d++) {
      add({ name: "pageview", timestamp: day(d, 8 + i, 5), userId: user, sessionId: `${user}-${d}`, path: "/" });
      add({ name: "signup", timestamp: day(d, 8 + i, 20), userId: user, sessionId: `${user}-${d}`, path: "/join" });
    }
  }
  if (withDeleted) {
    for (let d = 1; d <= 4; d++) {
      for (let h = 0; h < 5; h++)
        add({
          name: h === 4 ? "purchase" : "pageview",
          timestamp: day(d, 9 + h, 30),
          userId: "zoe",
          anonymousId: "zoe-device",
          sessionId: `zoe-${d}`,
          path: `/zoe-${h}`,
          browser: "Firefox",
        });
    }
    for (let d = 2; d <= 3; d++)
      add({ name: "pageview", timestamp: day(d, 11, 45), anonymousId: "bob", sessionId: `bob-${d}`, path: "/" });
  }
  return rows.map((row) => ({ ...row, eventId: randomUUID() }));
}

const reports: QueryDefinitionInput[] = [
  { kind: "trend", interval: "day" },
  { kind: "trend", interval: "hour", event: "pageview", measure: { type: "unique_users" } },
  { kind: "trend", interval: "day", measure: { type: "sessions" } },
  { kind: "metric", measure: { type: "unique_users" } },
  { kind: "metric", measure: { type: "bounce_rate" } },
  { kind: "breakdown", dimension: "path" },
  { kind: "breakdown", dimension: "browser", measure: { type: "unique_users" } },
  { kind: "funnel", steps: [{ event: "pageview" }, { event: "signup" }], window: { value: 1, unit: "day" } },
  { kind: "retention", start_event: "pageview", return_event: "pageview", period: "day", periods: 4 },
];

async function report(of: Tenant, input: QueryDefinitionInput, useRollups: boolean, now: Date) {
  const { data } = await runQuery({
    now,
    organizationId: of.organizationId,
    projectId: of.projectId,
    query: queryDefinitionSchema.parse(input),
    range: { from: isoDay(6), to: isoDay(0) },
    useRollups,
  });
  return data;
}

const eventsOf = async (of: Tenant, where: string, id: string) =>
  (
    await getPool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND ${where} = $2`,
      [of.projectId, id],
    )
  ).rows[0]!.n;

describe("a deletion's life", waitsForJobs, () => {
  it("runs to done while ingestion goes on, leaving every report as if the person had never been tracked", async () => {
    const full = await createTenant();
    const reference = await createTenant();
    const key = (await createApiKey({ organizationId: full.organizationId, kind: "admin", name: "k" })).key;
    await writeEvents(getPool(), full.organizationId, full.projectId, seedRows(true));
    await writeEvents(getPool(), reference.organizationId, reference.projectId, seedRows(false));
    await refreshRollups(getPool(), { wait: true });
    const zoeEvents = await eventsOf(full, "user_id", "zoe");
    expect(zoeEvents).toBe(20);

    const owner = await createMember(full.organizationId, "owner");
    const ownerCookie = await signInOverHttp(owner.email, owner.password);

    // Holding the refresh locks keeps a job inside its first batch: the app's runner (one job at a
    // time) is held with zoe's deletion underway or, if another test's job got there first, queued.
    const blocker = await getPool().connect();
    let zoe: DeletionJobView;
    let bob: DeletionJobView;
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT pg_advisory_xact_lock(hashtext('lumen_rollup_refresh'))");
      await blocker.query("SELECT pg_advisory_xact_lock(hashtext('lumen_session_refresh'))");
      zoe = await requestDeletion({ key }, { project_id: full.projectId, user_id: "zoe" });
      expect(zoe).toMatchObject({ status: "pending", events_deleted: 0, started_at: null, finished_at: null });
      await waitFor("the deletion runner to be busy", async () => {
        const { rows } = await getPool().query<{ id: string }>(
          "SELECT id FROM person_deletions WHERE status = 'running' AND started_at > now() - interval '1 minute'",
        );
        return rows.length > 0;
      });

      // Ingestion is not held up: other people's events and zoe's own arrive meanwhile.
      const during = [
        {
          event_id: randomUUID(),
          name: "pageview",
          timestamp: day(1, 15).toISOString(),
          user_id: "alice",
          path: "/during",
        },
        {
          event_id: randomUUID(),
          name: "pageview",
          timestamp: day(1, 15, 1).toISOString(),
          user_id: "zoe",
          path: "/during",
        },
      ];
      const ingested = await postEvents({ events: during }, { key: full.writeKey });
      expect(ingested.status).toBe(202);
      expect(await ingested.json()).toMatchObject({ accepted: 2 });
      const mirrored = await postEvents(
        { events: [{ ...during[0], event_id: randomUUID() }] },
        { key: reference.writeKey },
      );
      expect(await mirrored.json()).toMatchObject({ accepted: 1 });
      expect(["pending", "running"]).toContain((await jobOf(zoe.id, { key })).status);

      // Jobs are taken oldest first and zoe's cannot end yet: bob's waits, and asking again answers it.
      bob = await requestDeletion({ cookie: ownerCookie }, { project_id: full.projectId, anonymous_id: "bob" });
      expect(bob.status).toBe("pending");
      const again = await requestDeletion({ key }, { project_id: full.projectId, anonymous_id: "bob" });
      expect(again.id).toBe(bob.id);
      const listed = (await (
        await call({ key }, "GET", `${DELETIONS}?project_id=${full.projectId}`)
      ).json()) as DeletionJobPage;
      expect(listed.jobs.map((j) => j.id)).toEqual([bob.id, zoe.id]);
      expect(listed.jobs[0]!.status).toBe("pending");
      expect(listed.next_cursor).toBeNull();
    } finally {
      await blocker.query("COMMIT");
      blocker.release();
    }

    const zoeDone = await waitUntilEnded(zoe.id, { key });
    expect(zoeDone).toMatchObject({ status: "done", events_deleted: zoeEvents + 1, error: null });
    expect(Date.parse(zoeDone.finished_at!)).toBeGreaterThanOrEqual(Date.parse(zoeDone.started_at!));
    expect(Date.parse(zoeDone.started_at!)).toBeGreaterThanOrEqual(Date.parse(zoeDone.requested_at));
    expect(await waitUntilEnded(bob.id, { key })).toMatchObject({ status: "done", events_deleted: 2 });

    // Gone from every partition, and the job keeps no id of theirs.
    expect(await eventsOf(full, "user_id", "zoe")).toBe(0);
    expect(await eventsOf(full, "anonymous_id", "bob")).toBe(0);
    expect(await eventsOf(full, "user_id", "alice")).toBe(9);
    const stored = await getPool().query(
      "SELECT user_id, anonymous_id FROM person_deletions WHERE id = ANY($1::uuid[])",
      [[zoe.id, bob.id]],
    );
    expect(stored.rows).toEqual([
      { user_id: null, anonymous_id: null },
      { user_id: null, anonymous_id: null },
    ]);

    await refreshRollups(getPool(), { wait: true });
    const now = new Date();
    for (const input of reports) {
      for (const useRollups of [false, true]) {
        const label = `${useRollups ? "rollups" : "raw"} ${JSON.stringify(input)}`;
        expect(await report(full, input, useRollups, now), label).toEqual(
          await report(reference, input, useRollups, now),
        );
      }
      expect(await report(full, input, true, now), `rollups equal raw: ${JSON.stringify(input)}`).toEqual(
        await report(full, input, false, now),
      );
    }

    // Paged, newest first.
    const first = (await (
      await call({ key }, "GET", `${DELETIONS}?project_id=${full.projectId}&limit=1`)
    ).json()) as DeletionJobPage;
    expect(first.jobs.map((j) => j.id)).toEqual([bob.id]);
    const second = (await (
      await call({ key }, "GET", `${DELETIONS}?project_id=${full.projectId}&limit=1&cursor=${first.next_cursor}`)
    ).json()) as DeletionJobPage;
    expect(second).toEqual({ jobs: [expect.objectContaining({ id: zoe.id, status: "done" })], next_cursor: null });

    // The audit log: both requests and both ends, naming the person by pseudonym only.
    const audit = await call({ key }, "GET", `/api/v1/audit-log?project_id=${full.projectId}&limit=200`);
    const { entries } = (await audit.json()) as {
      entries: { action: string; actor: { kind: string }; target: { id: string }; details: Record<string, unknown> }[];
    };
    const zoePseudonym = personPseudonym(full.projectId, "user_id", "zoe");
    const of = (action: string, id: string) => entries.filter((e) => e.action === action && e.target.id === id);
    expect(of("privacy.person_deletion_requested", zoe.id)).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: "api_key" }),
        details: { id_kind: "user_id", person: zoePseudonym, reason: "request" },
      }),
    ]);
    expect(of("privacy.person_deletion_requested", bob.id)).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ kind: "user" }) }),
    ]);
    expect(of("privacy.person_deletion_finished", zoe.id)).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: "operator" }),
        details: {
          status: "done",
          events_deleted: zoeEvents + 1,
          reason: "request",
          id_kind: "user_id",
          person: zoePseudonym,
        },
      }),
    ]);
    expect(of("privacy.person_deletion_finished", bob.id)).toHaveLength(1);
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/"zoe"|zoe-device|"bob"|\/zoe-/);
  });
});

describe("suppression", waitsForJobs, () => {
  it("drops later events of a deleted person when the project turns it on, and is off by default", async () => {
    const own = await createTenant();
    const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
    const privacy = `/api/v1/projects/${own.projectId}/privacy`;
    expect(await (await call({ key }, "GET", privacy)).json()).toMatchObject({ suppress_deleted_persons: false });
    const event = (fields: Record<string, string>) => ({
      event_id: randomUUID(),
      name: "pageview",
      timestamp: day(0, 0, 1).toISOString(),
      ...fields,
    });
    await postEvents(
      {
        events: [
          event({ user_id: "gone" }),
          event({ user_id: "gone", anonymous_id: "gone-laptop" }),
          event({ anonymous_id: "gone-device" }),
        ],
      },
      { key: own.writeKey },
    );

    // Off: a deleted person's later events are kept.
    const first = await requestDeletion({ key }, { project_id: own.projectId, user_id: "gone" });
    // The person is all their ids: the laptop seen on their events joins the list with them.
    expect((await waitUntilEnded(first.id, { key })).events_deleted).toBe(2);
    const kept = await postEvents({ events: [event({ user_id: "gone" })] }, { key: own.writeKey });
    expect(await kept.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });

    // On: that person (deleted before it was turned on) and one deleted after are dropped, counted.
    const patched = await call({ key }, "PATCH", privacy, { suppress_deleted_persons: true });
    expect(await patched.json()).toMatchObject({ suppress_deleted_persons: true });
    const second = await requestDeletion({ key }, { project_id: own.projectId, anonymous_id: "gone-device" });
    expect(await waitUntilEnded(second.id, { key })).toMatchObject({ status: "done", events_deleted: 1 });
    const batch = [
      event({ user_id: "gone" }),
      event({ anonymous_id: "gone-device" }),
      event({ anonymous_id: "gone-laptop" }),
      event({ user_id: "later-signed-in", anonymous_id: "gone-device" }),
      event({ user_id: "stays", anonymous_id: "other-device" }),
      { ...event({ user_id: "gone" }), name: "$consent", consent: { state: "granted" } },
    ];
    const dropped = await postEvents({ events: batch }, { key: own.writeKey });
    expect(dropped.status).toBe(202);
    expect(await dropped.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [], suppressed: 5 });
    const left = await getPool().query<{ user_id: string | null; anonymous_id: string | null }>(
      "SELECT user_id, anonymous_id FROM events WHERE project_id = $1 ORDER BY received_at",
      [own.projectId],
    );
    // "gone"'s event from while suppression was off is still there (nobody asked to delete it again).
    expect(left.rows).toEqual([
      { user_id: "gone", anonymous_id: null },
      { user_id: "stays", anonymous_id: "other-device" },
    ]);

    // The list keeps keyed hashes only: no id of anyone.
    const list = await getPool().query("SELECT * FROM person_suppressions WHERE project_id = $1", [own.projectId]);
    expect(list.rows.map((row) => row.person_hash).sort()).toEqual(
      [
        suppressionHash(own.projectId, "user_id", "gone"),
        suppressionHash(own.projectId, "anonymous_id", "gone-laptop"),
        suppressionHash(own.projectId, "anonymous_id", "gone-device"),
      ].sort(),
    );
    expect(JSON.stringify(list.rows)).not.toContain("gone");

    // Turned off again, the same person's events are accepted.
    await call({ key }, "PATCH", privacy, { suppress_deleted_persons: false });
    expect(
      await (await postEvents({ events: [event({ user_id: "gone" })] }, { key: own.writeKey })).json(),
    ).toMatchObject({
      accepted: 1,
    });
  });
});

describe("the audit log of privacy settings", () => {
  it("records each changed setting with its old and new value, and nothing for a save that changes nothing", async () => {
    const own = await createTenant();
    const owner = await createMember(own.organizationId, "owner");
    const cookie = await signInOverHttp(owner.email, owner.password);
    const privacy = `/api/v1/projects/${own.projectId}/privacy`;
    const patch = {
      scrubbing: { ip: false },
      dropped_property_keys: ["password"],
      purge_on_consent_withdrawal: true,
      suppress_deleted_persons: true,
      retention: { raw_events_months: 13, aggregates_months: 36 },
    };
    expect((await call({ cookie }, "PATCH", privacy, patch)).status).toBe(200);
    expect((await call({ cookie }, "PATCH", privacy, patch)).status).toBe(200);
    const response = await call(
      { cookie },
      "GET",
      `/api/v1/audit-log?project_id=${own.projectId}&action=privacy.settings_changed`,
    );
    const { entries } = (await response.json()) as {
      entries: { actor: { kind: string; email: string }; target: { type: string; id: string }; details: unknown }[];
    };
    expect(entries).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: "user", email: owner.email }),
        target: { type: "project", id: own.projectId },
        details: {
          changes: {
            "scrubbing.ip": { from: true, to: false },
            dropped_property_keys: { from: [], to: ["password"] },
            purge_on_consent_withdrawal: { from: false, to: true },
            suppress_deleted_persons: { from: false, to: true },
            "retention.raw_events_months": { from: 25, to: 13 },
            "retention.aggregates_months": { from: 60, to: 36 },
          },
        },
      }),
    ]);
  });

  it("records a person's export with the person as a pseudonym", async () => {
    const own = await createTenant();
    const key = (await createApiKey({ organizationId: own.organizationId, kind: "admin", name: "k" })).key;
    const exported = await call({ key }, "GET", `/api/v1/privacy/export?project_id=${own.projectId}&user_id=someone`);
    expect(exported.status).toBe(200);
    await exported.text();
    const response = await call(
      { key },
      "GET",
      `/api/v1/audit-log?project_id=${own.projectId}&action=privacy.person_exported`,
    );
    const { entries } = (await response.json()) as { entries: { target: { id: string }; details: unknown }[] };
    expect(entries).toEqual([
      expect.objectContaining({
        target: { type: "person", id: personPseudonym(own.projectId, "user_id", "someone") },
        details: { id_kind: "user_id" },
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain("someone");
  });
});
