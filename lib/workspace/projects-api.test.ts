// Projects over real HTTP: owners and admins create them (name and time zone checked, names unique
// per organization), nobody else; every member can list theirs and check whether events arrive.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMember, createTenant, postEvents, type Tenant, testBaseUrl } from "../../testing/fixtures";
import { signInOverHttp } from "../../testing/session";
import { closeDatabase, getPrisma } from "../db/client";
import type { Role } from "./schemas";

let tenant: Tenant;
let other: Tenant;
const cookies: Partial<Record<Role | "outsider", string>> = {};

beforeAll(async () => {
  [tenant, other] = await Promise.all([createTenant(), createTenant()]);
  for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
    const member = await createMember(tenant.organizationId, role, "projects-password-123");
    cookies[role] = await signInOverHttp(member.email, member.password);
  }
  const outsider = await createMember(other.organizationId, "owner", "projects-password-123");
  cookies.outsider = await signInOverHttp(outsider.email, outsider.password);
});

afterAll(async () => {
  await closeDatabase();
});

function call(who: keyof typeof cookies | null, method: string, path: string, body?: unknown) {
  return fetch(`${testBaseUrl()}/api/v1${path}`, {
    method,
    headers: { ...(who ? { cookie: cookies[who]! } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const projectNamed = (name: string) =>
  getPrisma().project.findMany({ where: { organizationId: tenant.organizationId, name } });

it("lets owners and admins create a project with a time zone, and nobody else", async () => {
  const name = `Mobile ${randomUUID().slice(0, 6)}`;
  const body = { organization_id: tenant.organizationId, name, timezone: "Asia/Tokyo" };
  const refusals = [
    [null, 401, "unauthorized"],
    ["viewer", 403, "forbidden"],
    ["analyst", 403, "forbidden"],
    ["outsider", 404, "not_found"],
  ] as const;
  for (const [who, status, code] of refusals) {
    const response = await call(who, "POST", "/projects", body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  }
  expect(await projectNamed(name)).toEqual([]);

  const created = await call("admin", "POST", "/projects", body);
  expect(created.status).toBe(201);
  const project = (await created.json()) as Record<string, unknown>;
  expect(project).toMatchObject({ name, timezone: "Asia/Tokyo", organizationId: tenant.organizationId });
  // Only what pages show: never the embed signing secret.
  expect(Object.keys(project).some((k) => k.toLowerCase().includes("secret"))).toBe(false);
  expect((await projectNamed(name)).map((p) => p.id)).toEqual([project.id]);

  // The owner's list has it; the owner may open its settings at once.
  const listed = (await (await call("owner", "GET", "/projects")).json()) as {
    organizations: { organization: { id: string }; role: Role; projects: { id: string }[] }[];
  };
  const mine = listed.organizations.find((o) => o.organization.id === tenant.organizationId);
  expect(mine?.role).toBe("owner");
  expect(mine?.projects.map((p) => p.id)).toContain(project.id);
  expect((await call("owner", "GET", `/projects/${project.id}/settings`)).status).toBe(200);
});

it("refuses a missing name, an unknown time zone and a name the organization already uses, naming the field", async () => {
  const base = { organization_id: tenant.organizationId };
  const cases = [
    [{ ...base, name: "  ", timezone: "UTC" }, 400, "invalid_request", "name"],
    [{ ...base, name: "Somewhere", timezone: "Mars/Olympus_Mons" }, 400, "invalid_request", "timezone"],
    [{ ...base, name: "Somewhere", organization_id: "not-a-uuid" }, 400, "invalid_request", "organization_id"],
    // createTenant's project is called "Site": names are unique per organization, whatever the case.
    [{ ...base, name: "site", timezone: "UTC" }, 409, "conflict", "name"],
  ] as const;
  for (const [body, status, code, path] of cases) {
    const response = await call("admin", "POST", "/projects", body);
    expect(response.status).toBe(status);
    const answer = (await response.json()) as { error: { code: string; details?: { path: string }[] } };
    expect(answer.error.code).toBe(code);
    expect(answer.error.details?.map((d) => d.path)).toContain(path);
  }
  expect(await projectNamed("Somewhere")).toEqual([]);
  // The same name in another organization is fine.
  const elsewhere = await call("outsider", "POST", "/projects", { name: "Site Two", timezone: "Europe/Paris" });
  expect(elsewhere.status).toBe(201);
  expect(((await elsewhere.json()) as { organizationId: string }).organizationId).toBe(other.organizationId);
});

it("reports whether a project has received events, and the latest one, to its members only", async () => {
  const fresh = await createTenant();
  const member = await createMember(fresh.organizationId, "viewer", "projects-password-123");
  const viewer = await signInOverHttp(member.email, member.password);
  const check = (cookie: string | null) =>
    fetch(`${testBaseUrl()}/api/v1/projects/${fresh.projectId}/installation`, {
      headers: cookie ? { cookie } : {},
    });

  expect((await check(null)).status).toBe(401);
  expect((await check(cookies.outsider!)).status).toBe(404);
  const before = await check(viewer);
  expect(before.status).toBe(200);
  expect(await before.json()).toEqual({ received: false, last_event: null });

  const sent = new Date();
  expect((await postEvents({ name: "signup", timestamp: sent.toISOString() }, { key: fresh.writeKey })).status).toBe(
    202,
  );
  const after = (await (await check(viewer)).json()) as {
    received: boolean;
    last_event: { name: string; timestamp: string; received_at: string };
  };
  expect(after.received).toBe(true);
  expect(after.last_event.name).toBe("signup");
  expect(Math.abs(new Date(after.last_event.timestamp).getTime() - sent.getTime())).toBeLessThan(60_000);
  expect(new Date(after.last_event.received_at).getTime()).toBeGreaterThanOrEqual(sent.getTime() - 60_000);
});
