// The audit log over real HTTP against the built app and a real PostgreSQL: every audited action,
// done through the API, leaves one entry naming who did it (a person or a key), with the request's
// id and no secret; only owners, admins and admin keys read it; queries are validated; pages follow
// a cursor without gaps or repeats; filters narrow by action and person.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { type SignedInMember, signedInMember } from "../../testing/members";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { closeDatabase, getPrisma } from "../db/client";
import { changeMembership } from "../workspace/members";
import { createProject } from "../workspace/workspace";
import { userActor } from "./record";
import type { AuditEntryView, AuditPage } from "./schemas";

afterAll(async () => {
  await closeDatabase();
});

type Auth = { cookie: string } | { key: string } | null;

function call(auth: Auth, method: string, path: string, body?: unknown, requestId?: string): Promise<Response> {
  return fetch(`${testBaseUrl()}${path}`, {
    method,
    headers: {
      ...(auth && "cookie" in auth ? { cookie: auth.cookie } : {}),
      ...(auth && "key" in auth ? { authorization: `Bearer ${auth.key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function readLog(auth: Auth, query: string): Promise<AuditPage> {
  const response = await call(auth, "GET", `/api/v1/audit-log?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as AuditPage;
}

/** Every entry of a scope, following the cursor page by page. */
async function readAll(auth: Auth, query: string, limit = 200): Promise<AuditEntryView[]> {
  const entries: AuditEntryView[] = [];
  let cursor: string | null = null;
  do {
    const page: AuditPage = await readLog(auth, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    entries.push(...page.entries);
    cursor = page.next_cursor;
  } while (cursor);
  return entries;
}

describe("each audited action, done over the API", () => {
  let tenant: Tenant;
  let owner: SignedInMember;
  let reportId: string;

  beforeAll(async () => {
    tenant = await createTenant();
    owner = await signedInMember(tenant.organizationId, "owner");
    reportId = (
      await getPrisma().report.create({
        data: { organizationId: tenant.organizationId, projectId: tenant.projectId, name: "Sales" },
      })
    ).id;
  });

  it("is recorded once, naming the person, the request and what changed", async () => {
    const p = `/api/v1/projects/${tenant.projectId}`;
    const done: { requestId: string; action: string; check?: (entry: AuditEntryView) => void }[] = [];
    async function act(action: string, method: string, path: string, body?: unknown, expected = 200) {
      const requestId = `audit-test-${randomUUID()}`;
      const response = await call({ cookie: owner.cookie }, method, path, body, requestId);
      expect(response.status, `${action}: ${await response.clone().text()}`).toBe(expected);
      const entry = { requestId, action };
      done.push(entry);
      return { response, entry: entry as (typeof done)[number] };
    }

    const created = await act(
      "project.created",
      "POST",
      "/api/v1/projects",
      { name: "Docs", timezone: "Europe/Berlin", organization_id: tenant.organizationId },
      201,
    );
    const { id: newProjectId } = (await created.response.json()) as { id: string };
    created.entry.check = (e) => {
      expect(e.project_id).toBe(newProjectId);
      expect(e.target).toEqual({ type: "project", id: newProjectId });
      expect(e.details).toEqual({ name: "Docs", timezone: "Europe/Berlin" });
    };
    const key = await act("api_key.created", "POST", `${p}/keys`, { name: "backend", kind: "admin" }, 201);
    const { id: keyId, key: keyValue } = (await key.response.json()) as { id: string; key: string };
    key.entry.check = (e) => {
      expect(e.project_id).toBe(tenant.projectId);
      expect(e.target).toEqual({ type: "api_key", id: keyId });
      expect(e.details).toEqual({ name: "backend", kind: "admin", prefix: keyValue.slice(0, 12) });
    };
    (await act("api_key.revoked", "DELETE", `${p}/keys/${keyId}`, undefined, 204)).entry.check = (e) =>
      expect(e.target).toEqual({ type: "api_key", id: keyId });

    const email = `audited-${randomUUID().slice(0, 8)}@example.com`;
    (
      await act("member.added", "POST", `${p}/members`, { email, role: "viewer", password: "member-password" })
    ).entry.check = (e) => {
      expect(e.project_id).toBeNull();
      expect(e.details).toEqual({ email, role: "viewer" });
    };
    (await act("member.role_changed", "POST", `${p}/members`, { email, role: "analyst" })).entry.check = (e) =>
      expect(e.details).toEqual({ email, from: "viewer", to: "analyst" });
    const member = await getPrisma().user.findUniqueOrThrow({ where: { email } });
    (await act("member.removed", "DELETE", `${p}/members/${member.id}`, undefined, 204)).entry.check = (e) => {
      expect(e.target).toEqual({ type: "user", id: member.id });
      expect(e.details).toEqual({ email, role: "analyst" });
    };

    (
      await act("project.settings_changed", "PATCH", `${p}/settings`, {
        name: "Renamed",
        timezone: "Asia/Tokyo",
        domain: null,
      })
    ).entry.check = (e) =>
      expect(e.details).toEqual({
        changes: { name: { from: "Site", to: "Renamed" }, timezone: { from: "Europe/Paris", to: "Asia/Tokyo" } },
      });

    const embed = await act(
      "embed.created",
      "POST",
      "/api/v1/embeds",
      {
        report_id: reportId,
        params: { filters: [{ field: "properties.customer_id", op: "equals", value: "cust-4711" }] },
      },
      201,
    );
    const { id: embedId } = (await embed.response.json()) as { id: string };
    embed.entry.check = (e) => {
      expect(e.target).toEqual({ type: "embed", id: embedId });
      expect(e.details).toMatchObject({ report_id: reportId, downloads: false });
    };
    await act("embed.revoked", "DELETE", `${p}/embeds/${embedId}`, undefined, 204);
    (await act("embed.jti_revoked", "POST", `${p}/embed-revocations`, { jti: "customer-token-1" }, 201)).entry.check = (
      e,
    ) => expect(e.target).toEqual({ type: "embed_jti", id: "customer-token-1" });
    const revealed = await act("embed_secret.revealed", "GET", `${p}/embed-secret`);
    const { secret: original } = (await revealed.response.json()) as { secret: string };
    const rotated = await act("embed_secret.rotated", "POST", `${p}/embed-secret/rotate`, { grace_seconds: 3600 });
    const { secret: replacement } = (await rotated.response.json()) as { secret: string };
    rotated.entry.check = (e) => expect(e.details).toMatchObject({ grace_seconds: 3600 });
    await act("embed_secret.previous_retired", "DELETE", `${p}/embed-secret/previous`, undefined, 204);

    // Changing nothing records nothing; refused and failed requests record nothing either.
    const unchanged = await call({ cookie: owner.cookie }, "PATCH", `${p}/settings`, { name: "Renamed" });
    expect(unchanged.status).toBe(200);
    expect((await call({ cookie: owner.cookie }, "DELETE", `${p}/keys/${keyId}`)).status).toBe(404);

    const entries = await readAll({ cookie: owner.cookie }, `organization_id=${tenant.organizationId}`);
    const ours = entries.filter((e) => e.actor.user_id === owner.userId);
    expect(ours.map((e) => e.action)).toEqual(done.map((d) => d.action).reverse());
    for (const { requestId, action, check } of done) {
      const entry = ours.find((e) => e.request_id === requestId);
      expect(entry, action).toMatchObject({
        action,
        organization_id: tenant.organizationId,
        actor: { kind: "user", user_id: owner.userId, email: owner.email, key_id: null, key_prefix: null },
      });
      check?.(entry as AuditEntryView);
    }
    // Secrets and event data (a locked filter's customer id) never reach the log.
    const logged = JSON.stringify(entries);
    for (const secret of [original, replacement, keyValue, "cust-4711"]) expect(logged).not.toContain(secret);
  });

  it("names the admin API key that acted, by id and prefix", async () => {
    const adminKey = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "backend" });
    const response = await call({ key: adminKey.key }, "POST", "/api/v1/embeds", { report_id: reportId });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const { entries } = await readLog({ key: adminKey.key }, `project_id=${tenant.projectId}&action=embed.created`);
    expect(entries.find((e) => e.target.id === id)?.actor).toEqual({
      kind: "api_key",
      user_id: null,
      email: null,
      key_id: adminKey.id,
      key_prefix: adminKey.prefix,
    });
  });

  it("names the operator for what the CLI and scripts do outside any request", async () => {
    const key = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reporting" });
    await revokeApiKey(tenant.organizationId, key.id);
    const { entries } = await readLog(
      { cookie: owner.cookie },
      `organization_id=${tenant.organizationId}&action=api_key.created&action=api_key.revoked`,
    );
    const about = entries.filter((e) => e.target.id === key.id);
    expect(about.map((e) => [e.action, e.actor.kind, e.project_id])).toEqual([
      ["api_key.revoked", "operator", null],
      ["api_key.created", "operator", null],
    ]);
    // The organization itself was the operator's act too (the fixture's ensureOrganization).
    const created = await readLog(
      { cookie: owner.cookie },
      `organization_id=${tenant.organizationId}&action=organization.created`,
    );
    expect(created.entries.map((e) => [e.actor.kind, e.target.type, e.target.id])).toEqual([
      ["operator", "organization", tenant.organizationId],
    ]);
  });
});

describe("who may read it", () => {
  let tenant: Tenant;
  let otherProjectId: string;
  const members = {} as Record<"owner" | "admin" | "analyst" | "viewer", SignedInMember>;

  beforeAll(async () => {
    tenant = await createTenant();
    otherProjectId = (await createProject(tenant.organizationId, { name: "Docs" })).id;
    for (const role of ["owner", "admin", "analyst", "viewer"] as const)
      members[role] = await signedInMember(tenant.organizationId, role);
  });

  const scopes = () => [`project_id=${tenant.projectId}`, `organization_id=${tenant.organizationId}`];

  it("lets owners and admins read, and refuses analysts and viewers with 403", async () => {
    for (const scope of scopes()) {
      for (const role of ["owner", "admin"] as const)
        expect((await call({ cookie: members[role].cookie }, "GET", `/api/v1/audit-log?${scope}`)).status).toBe(200);
      for (const role of ["analyst", "viewer"] as const) {
        const response = await call({ cookie: members[role].cookie }, "GET", `/api/v1/audit-log?${scope}`);
        expect(response.status).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
      }
    }
  });

  it("answers 401 signed out, 404 to another organization's people and keys, 403 to read keys", async () => {
    const elsewhere = await createTenant();
    const stranger = await signedInMember(elsewhere.organizationId, "owner");
    const foreignKey = await createApiKey({ organizationId: elsewhere.organizationId, kind: "admin", name: "theirs" });
    const readKey = await createApiKey({ organizationId: tenant.organizationId, kind: "read", name: "reader" });
    for (const scope of scopes()) {
      expect((await call(null, "GET", `/api/v1/audit-log?${scope}`)).status).toBe(401);
      expect((await call({ cookie: stranger.cookie }, "GET", `/api/v1/audit-log?${scope}`)).status).toBe(404);
      expect((await call({ key: foreignKey.key }, "GET", `/api/v1/audit-log?${scope}`)).status).toBe(404);
      expect((await call({ key: readKey.key }, "GET", `/api/v1/audit-log?${scope}`)).status).toBe(403);
    }
  });

  it("lets an admin key bound to a project read that project only", async () => {
    const bound = await createApiKey({
      organizationId: tenant.organizationId,
      projectId: tenant.projectId,
      kind: "admin",
      name: "bound",
    });
    const get = (query: string) => call({ key: bound.key }, "GET", `/api/v1/audit-log?${query}`);
    expect((await get(`project_id=${tenant.projectId}`)).status).toBe(200);
    expect((await get(`project_id=${otherProjectId}`)).status).toBe(404);
    expect((await get(`organization_id=${tenant.organizationId}`)).status).toBe(403);
    const unbound = await createApiKey({ organizationId: tenant.organizationId, kind: "admin", name: "unbound" });
    expect(
      (await call({ key: unbound.key }, "GET", `/api/v1/audit-log?organization_id=${tenant.organizationId}`)).status,
    ).toBe(200);
  });
});

describe("the query", () => {
  let owner: SignedInMember;
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await createTenant();
    owner = await signedInMember(tenant.organizationId, "owner");
  });

  it("is validated: a 400 naming the parameter, never a 500", async () => {
    const project = `project_id=${tenant.projectId}`;
    const cases: [string, string][] = [
      ["", "organization_id"],
      [`${project}&organization_id=${tenant.organizationId}`, "organization_id"],
      ["project_id=not-a-uuid", "project_id"],
      [`${project}&action=keys.stolen`, "action[0]"],
      [`${project}&limit=0`, "limit"],
      [`${project}&limit=201`, "limit"],
      [`${project}&limit=ten`, "limit"],
      [`${project}&cursor=0`, "cursor"],
      [`${project}&cursor=12abc`, "cursor"],
      [`${project}&cursor=99999999999999999999`, "cursor"],
      [`${project}&actor_id=someone`, "actor_id"],
    ];
    for (const [query, path] of cases) {
      const response = await call({ cookie: owner.cookie }, "GET", `/api/v1/audit-log?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
      expect(error.code).toBe("invalid_request");
      expect(
        error.details.map((d) => d.path),
        query,
      ).toContain(path);
    }
  });

  it("pages newest first without gaps or repeats, and filters by action, person and project", async () => {
    const admin = await signedInMember(tenant.organizationId, "admin");
    const otherProject = await createProject(tenant.organizationId, { name: "Docs" });
    const keyIds: string[] = [];
    for (const [i, who] of [owner, admin, owner, admin, owner].entries()) {
      const key = await createApiKey({
        organizationId: tenant.organizationId,
        projectId: i === 4 ? otherProject.id : tenant.projectId,
        kind: "read",
        name: `key ${i}`,
        actor: userActor(who.userId),
      });
      keyIds.push(key.id);
      if (i % 2 === 0) await revokeApiKey(tenant.organizationId, key.id, userActor(who.userId));
    }
    const viewer = await signedInMember(tenant.organizationId, "viewer");
    await changeMembership(tenant.organizationId, viewer.userId, { role: "analyst" }, owner.userId);

    const auth = { cookie: owner.cookie };
    const all = await readAll(auth, `organization_id=${tenant.organizationId}`);
    const stored = await getPrisma().auditEntry.findMany({
      where: { organizationId: tenant.organizationId },
      orderBy: { id: "desc" },
    });
    expect(all.map((e) => e.id)).toEqual(stored.map((e) => String(e.id)));
    for (const limit of [1, 2, 3])
      expect(await readAll(auth, `organization_id=${tenant.organizationId}`, limit)).toEqual(all);

    const revoked = await readAll(auth, `organization_id=${tenant.organizationId}&action=api_key.revoked`);
    expect(revoked.map((e) => e.target.id)).toEqual([keyIds[4], keyIds[2], keyIds[0]]);
    const byAdmin = await readAll(auth, `organization_id=${tenant.organizationId}&actor_id=${admin.userId}`);
    expect(byAdmin.map((e) => [e.action, e.target.id])).toEqual([
      ["api_key.created", keyIds[3]],
      ["api_key.created", keyIds[1]],
    ]);

    // A project's log: its own entries and the organization-wide ones, not another project's.
    const projectLog = await readAll(auth, `project_id=${tenant.projectId}`, 2);
    expect(projectLog.some((e) => e.action === "member.role_changed" && e.target.id === viewer.userId)).toBe(true);
    expect(projectLog.some((e) => e.target.id === keyIds[4])).toBe(false);
    expect(projectLog.every((e) => e.project_id === tenant.projectId || e.project_id === null)).toBe(true);
    const created = projectLog.filter((e) => e.action === "api_key.created" && keyIds.includes(e.target.id ?? ""));
    expect(created.map((e) => e.target.id)).toEqual([keyIds[3], keyIds[2], keyIds[1], keyIds[0]]);
  });
});
